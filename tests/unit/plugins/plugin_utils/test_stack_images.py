"""The images site.yml pulls on a host: what the registry mirrors are asked for."""

from ansible_collections.djangodocker.deploy.plugins.plugin_utils.stack_images import role_layers, stack_images


def images(**user):
    defaults, engines = role_layers()
    return stack_images(lambda name: user[name] if name in user else defaults.get(name), engines)


def test_the_tutorials_stack_pulls_python_and_nginx():
    defaults, dummy = role_layers()
    assert images() == [defaults["django_app_base_image"], defaults["nginx_front_image"]]


def test_single_mode_pulls_no_nginx():
    assert images(django_app_mode="single") == [role_layers()[0]["django_app_base_image"]]


def test_each_service_adds_its_image_from_the_role_or_the_user():
    defaults, engines = role_layers()
    got = images(django_app_database="mysql", django_app_redis=True, django_app_tls_acme=True,
                 django_app_offsite_repository="s3:x", redis_image="redis:7.4")
    assert got == [defaults["django_app_base_image"], defaults["nginx_front_image"],
                   defaults["nginx_front_acme_image"], engines["mysql"]["image"], "redis:7.4",
                   defaults["django_app_offsite_image"]]


def test_the_users_database_image_and_engine_win():
    assert images(django_app_database="postgresql", database_image="postgres:16")[-1] == "postgres:16"
    defaults, engines = role_layers()
    assert images(django_app_database="mysql", database_engine="mariadb")[-1] == engines["mariadb"]["image"]


def test_an_image_is_listed_once():
    assert images(django_app_base_image="nginx:1.30", nginx_front_image="nginx:1.30") == ["nginx:1.30"]
