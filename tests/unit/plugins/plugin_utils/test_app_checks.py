"""The django_app role's settings rules: every broken one reported, naming its variable, never a secret value."""

import pytest

from ansible_collections.djangodocker.deploy.plugins.plugin_utils.app_checks import problems

GOOD = {
    "project_src": "~/mysite", "name": "mysite", "host_port": 80, "container_port": 8000, "health_path": "/",
    "static_url": "/static/", "media_url": "/media/", "check_fail_level": "ERROR", "keep_images": 3,
    "pip_index_url": "https://mirrors.aliyun.com/pypi/simple/", "base_image": "python:3.11-slim",
    "env": {"FEATURE": "on"}, "image_env": {}, "uwsgi_requirement": "", "wsgi_module": "",
    "uwsgi_options": {"harakiri": 60}, "os_packages": ["libpq5"], "build_packages": [],
    "build_commands": ["compilemessages --ignore=env", "compress"], "apt_mirror_url": "",
    "apt_security_mirror_url": "https://mirrors.aliyun.com/debian-security", "mode": "nginx",
    "allowed_hosts": ["example.com", ".example.com"], "tls_certificate": "", "tls_key": "", "max_body_size": "20m",
    "hsts_seconds": 0, "database": "sqlite", "database_conn_max_age": 60, "redis": False, "redis_sessions": False,
    "celery_app": "", "celery_broker_url": "", "celery_ready_timeout": 60, "celery_stop_timeout": 60,
}


def broken(**changes):
    return problems(dict(GOOD, **changes))


def test_good_settings_have_no_problem():
    assert problems(GOOD) == []


@pytest.mark.parametrize("changes, variable", [
    ({"project_src": ""}, "django_app_project_src"),
    ({"host_port": 0}, "django_app_host_port"),
    ({"container_port": 70000}, "django_app_container_port"),
    ({"health_path": "healthz"}, "django_app_health_path"),
    ({"health_path": "/a b"}, "django_app_health_path"),
    ({"static_url": "/static"}, "django_app_static_url"),
    ({"media_url": "/media/$x/"}, "django_app_media_url"),
    ({"check_fail_level": "LOUD"}, "django_app_check_fail_level"),
    ({"keep_images": 1}, "django_app_keep_images"),
    ({"pip_index_url": "mirrors.aliyun.com/pypi"}, "django_app_pip_index_url"),
    ({"name": "My_Site"}, "django_app_name"),
    ({"name": "nginx"}, "must not be one of"),
    ({"name": "python"}, "base image's name"),
    ({"base_image": "registry.example/team/mysite:1", "name": "mysite"}, "base image's name"),
    ({"env": {"DJANGO_SECRET_KEY": "x"}}, "django_app_env may not set DJANGO_SECRET_KEY"),
    ({"env": {"1BAD": "x"}}, "django_app_env's names"),
    ({"image_env": {"A": "x\ny"}}, "django_app_image_env's values"),
    ({"base_image": "Python 3"}, "django_app_base_image"),
    ({"uwsgi_requirement": "uwsgi; os_name"}, "django_app_uwsgi_requirement"),
    ({"wsgi_module": "my site.wsgi"}, "django_app_wsgi_module"),
    ({"uwsgi_options": {"Bad Key": 1}}, "django_app_uwsgi_options"),
    ({"os_packages": ["libpq5 && rm"]}, "django_app_os_packages"),
    ({"build_commands": ["compress; curl x"]}, "django_app_build_commands"),
    ({"server": "daphne"}, "django_app_server must be one of uwsgi, gunicorn, granian"),
    ({"interface": "asgi"}, "uWSGI serves WSGI only"),
    ({"server": "granian", "mode": "single"}, "needs django_app_mode nginx"),
    ({"server": "gunicorn", "workers": -1}, "django_app_workers"),
    ({"websocket_paths": ["ws"]}, "django_app_websocket_paths"),
    ({"asgi_module": "my app:application"}, "django_app_asgi_module"),
    ({"build_commands": ["python manage.py compress"]}, "django_app_build_commands"),
    ({"apt_mirror_url": "ftp://x"}, "django_app_apt_mirror_url"),
    ({"apt_security_mirror_url": "https://me:pw@mirror.example.com/debian-security"}, "must not carry a login"),
    ({"mode": "cluster"}, "django_app_mode"),
    ({"allowed_hosts": []}, "django_app_allowed_hosts"),
    ({"allowed_hosts": ["*"]}, "django_app_allowed_hosts"),
    ({"allowed_hosts": ["a.com; return 200"]}, "django_app_allowed_hosts"),
    ({"tls_certificate": "site.crt"}, "go together"),
    ({"max_body_size": "20 MB"}, "django_app_max_body_size"),
    ({"hsts_seconds": -1}, "django_app_hsts_seconds"),
    ({"database": "oracle"}, "django_app_database must"),
    ({"database_conn_max_age": -1}, "django_app_database_conn_max_age"),
    ({"redis_sessions": True}, "django_app_redis_sessions"),
    ({"celery_app": "proj"}, "need a broker"),
    ({"celery_app": "proj x", "redis": True}, "django_app_celery_app"),
    ({"celery_ready_timeout": 0}, "Celery timeouts"),
])
def test_each_broken_rule_is_reported_naming_its_variable(changes, variable):
    found = broken(**changes)
    assert len(found) == 1 and variable in found[0], found


def test_every_broken_rule_is_reported_at_once():
    assert len(broken(host_port=0, mode="cluster", database="oracle")) == 3


def test_single_mode_needs_no_server_names():
    assert broken(mode="single", allowed_hosts=[]) == []


def test_values_that_may_be_secret_are_never_quoted_only_their_names():
    found = broken(env={"API_TOKEN": "s3cret\nline", "DJANGO_SECRET_KEY": "hunter2"},
                   image_env={"BUILD_TOKEN": "t0ken\n"}, uwsgi_options={"auth": "pw\nx"})
    text = " ".join(found)
    assert "API_TOKEN" in text and "BUILD_TOKEN" in text and "auth" in text
    for secret in ("s3cret", "hunter2", "t0ken", "pw"):
        assert secret not in text


def test_the_image_installs_the_drivers_and_pinned_tools_the_settings_need():
    from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import image_inputs
    plain = image_inputs("sqlite", False, "", "requirements")
    assert plain["tools"] == ["tools/uwsgi.txt"] and plain["drivers"] == []
    assert plain["uid"] == 10001 and plain["env_mount"] == "/run/djangodocker/app.env"
    full = image_inputs("mariadb", True, "uwsgi==2.0.28", "uv")
    assert full["tools"] == ["tools/mysql.txt", "tools/redis.txt", "tools/uv.txt"]
    assert [d["modules"][0] for d in full["drivers"]] == ["MySQLdb", "redis"]


@pytest.mark.parametrize("server, interface, tools, module", [
    ("gunicorn", "wsgi", "tools/gunicorn.txt", "gunicorn"),
    ("gunicorn", "asgi", "tools/uvicorn.txt", "uvicorn_worker"),
    ("granian", "wsgi", "tools/granian.txt", "granian"),
    ("granian", "asgi", "tools/granian.txt", "granian"),
])
def test_another_server_replaces_uwsgi_and_a_projects_own_pin_of_it_is_kept(server, interface, tools, module):
    from ansible_collections.djangodocker.deploy.plugins.module_utils.app_image import image_inputs
    found = image_inputs("postgresql", False, "", "requirements", server, interface)
    assert found["tools"] == [tools, "tools/postgresql.txt"]
    # Installed like a driver: only when the project's requirements did not bring it.
    assert found["drivers"][0]["modules"] == [module]


ACME = {"tls_acme": True, "tls_acme_email": "ops@example.com", "tls_acme_names": ["example.com", "www.example.com"],
        "tls_acme_directory": "https://acme-v02.api.letsencrypt.org/directory", "tls_acme_challenge": "http",
        "tls_acme_dns_provider": "", "tls_acme_dns_credential_names": [], "tls_acme_renew_days": 0,
        "tls_acme_dns_propagation_wait": 0}


def test_good_acme_settings_have_no_problem():
    assert broken(**ACME) == []
    dns = {**ACME, "tls_acme_challenge": "dns", "tls_acme_dns_provider": "alidns",
           "tls_acme_names": ["example.com", "*.example.com"],
           "tls_acme_dns_credential_names": ["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"]}
    assert broken(**dns) == []


@pytest.mark.parametrize("changes, variable", [
    ({"tls_certificate": "site.crt", "tls_key": "site.key"}, "exclude each other"),
    ({"mode": "single"}, "django_app_mode nginx"),
    ({"tls_acme_email": "ops"}, "django_app_tls_acme_email"),
    ({"tls_acme_names": []}, "needs names"),
    ({"tls_acme_names": ["bad name.example.com"]}, "django_app_tls_acme_names"),
    ({"tls_acme_names": ["*.example.com"]}, "needs django_app_tls_acme_challenge dns"),
    ({"tls_acme_directory": "http://ca.example/dir"}, "django_app_tls_acme_directory"),
    ({"tls_acme_challenge": "dns"}, "django_app_tls_acme_dns_provider"),
    ({"tls_acme_dns_credential_names": ["alicloud key"]}, "upper-case"),
    ({"tls_acme_renew_days": -1}, "0 or more"),
    ({"tls_acme_eab": [True, False]}, "django_app_tls_acme_eab_hmac go together"),
])
def test_each_broken_acme_rule_is_reported_naming_its_variable(changes, variable):
    found = broken(**dict(ACME, **changes))
    assert len(found) == 1 and variable in found[0], found


DNS = {**ACME, "tls_acme_challenge": "dns"}


@pytest.mark.parametrize("provider, names, expect", [
    ("alidsn", ["ALICLOUD_ACCESS_KEY"], "not one of lego v4.35.2's DNS providers; did you mean alidns"),
    ("manual", [], "by hand"),
    ("alidns", ["ALICLOUD_ACESS_KEY", "ALICLOUD_SECRET_KEY"], "ALICLOUD_ACESS_KEY is not read by lego's alidns"),
    ("alidns", ["ALICLOUD_SECRET_KEY"], "needs ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY or ALICLOUD_RAM_ROLE"),
    ("alidns", [], "needs ALICLOUD_ACCESS_KEY"),
    ("tencentcloud", ["TENCENTCLOUD_SECRET_ID"], "needs TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"),
    ("httpreq", ["HTTPREQ_USERNAME"], "needs HTTPREQ_ENDPOINT"),
    ("route53", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], "cannot read AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY"),
    ("dnspod", [], "needs its credentials (among DNSPOD_API_KEY)"),
])
def test_a_dns_provider_lego_does_not_have_or_credentials_it_does_not_read_are_refused(provider, names, expect):
    found = broken(**{**DNS, "tls_acme_dns_provider": provider, "tls_acme_dns_credential_names": names})
    assert found and expect in found[0], found


@pytest.mark.parametrize("provider, names", [
    ("alidns", ["ALICLOUD_RAM_ROLE", "ALICLOUD_REGION_ID"]),
    ("cloudflare", ["CF_DNS_API_TOKEN"]),
    ("route53", []),
    ("httpreq", ["HTTPREQ_ENDPOINT", "HTTPREQ_USERNAME", "HTTPREQ_PASSWORD", "LEGO_DISABLE_CNAME_SUPPORT"]),
])
def test_the_credentials_a_dns_provider_reads_pass(provider, names):
    assert broken(**{**DNS, "tls_acme_dns_provider": provider, "tls_acme_dns_credential_names": names}) == []


OFFSITE = {"password_set": True, "scheme": "s3", "keep": {"daily": 7, "weekly": 4, "monthly": 12},
           "check_read_data_subset": "5%"}


def test_offsite_settings_need_a_password_a_repository_kind_and_something_kept():
    assert problems(dict(GOOD, offsite=OFFSITE)) == []
    assert problems(dict(GOOD, offsite={})) == []
    bad = dict(OFFSITE, password_set=False, scheme="ftp", keep={"daily": "x", "hourly": 1},
               check_read_data_subset="lots")
    found = problems(dict(GOOD, offsite=bad))
    assert len(found) == 4
    assert "needs django_app_offsite_password" in found[0] and "(ftp:...)" in found[1]
    assert "(hourly, daily)" in found[2] and "(lots)" in found[3]
    assert "must keep some" in problems(dict(GOOD, offsite=dict(OFFSITE, keep={"daily": 0})))[0]


SWARM = dict(mode="swarm", registry="10.0.0.2:5000", replicas=2, database="postgresql")


def test_swarm_mode_with_a_registry_and_a_database_server_is_good():
    assert problems(dict(GOOD, **SWARM)) == []
    assert problems(dict(GOOD, **dict(SWARM, registry="registry.cn-hangzhou.aliyuncs.com/team/"))) == []
    assert problems(dict(GOOD, **dict(SWARM, constraints=["node.role == worker", "node.labels.db!=true"]))) == []
    assert problems(dict(GOOD, **dict(SWARM, celery_app="mysite", redis=True))) == []
    assert problems(dict(GOOD, **dict(SWARM, tls_certificate="site.crt", tls_key="site.key"))) == []
    dns = {**ACME, "tls_acme_challenge": "dns", "tls_acme_dns_provider": "alidns",
           "tls_acme_dns_credential_names": ["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"]}
    assert problems(dict(GOOD, **dict(SWARM, **dns))) == []


@pytest.mark.parametrize("changes, said", [
    ({"registry": ""}, "Swarm mode needs django_app_registry"),
    ({"registry": "http://10.0.0.2:5000"}, "Swarm mode needs django_app_registry"),
    ({"replicas": 0}, "django_app_replicas"),
    ({"constraints": ["worker"]}, "django_app_constraints are Swarm placement constraints"),
    ({"constraints": ["node.role = worker"]}, "django_app_constraints are Swarm placement constraints"),
    ({"database": "sqlite"}, "an sqlite file lives on one node"),
    (ACME, "use django_app_tls_acme_challenge: dns"),
])
def test_swarm_mode_refuses_what_it_cannot_do(changes, said):
    assert any(said in problem for problem in problems(dict(GOOD, **dict(SWARM, **changes))))
