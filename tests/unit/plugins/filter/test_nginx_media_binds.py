"""nginx_media_binds: recreating Nginx keeps every site's media mount."""

from ansible_collections.djangodocker.deploy.plugins.filter.nginx_media_binds import nginx_media_binds

MOUNTS = [
    {"Type": "bind", "Source": "/srv/nginx/conf.d", "Destination": "/etc/nginx/conf.d", "RW": False},
    {"Type": "bind", "Source": "/srv/django/blog/data/media", "Destination": "/srv/media/blog", "RW": False},
    {"Type": "bind", "Source": "/data/shop/media", "Destination": "/srv/media/shop", "RW": False},
]


def test_from_docker_ps_summaries_only_the_named_container():
    containers = [{"Names": ["/nginx"], "Mounts": MOUNTS},
                  {"Names": ["/blog"], "Mounts": [{"Source": "/x", "Destination": "/srv/media/x"}]}]
    assert nginx_media_binds(containers, "nginx", "/srv/media") == [
        "/srv/django/blog/data/media:/srv/media/blog:ro", "/data/shop/media:/srv/media/shop:ro"]


def test_from_an_inspect_result():
    assert nginx_media_binds([{"Name": "/nginx", "Mounts": MOUNTS[:2]}], "nginx", "/srv/media/") == [
        "/srv/django/blog/data/media:/srv/media/blog:ro"]


def test_nothing_when_nginx_does_not_run_yet():
    assert nginx_media_binds([], "nginx", "/srv/media") == []
    assert nginx_media_binds([{"Names": ["/nginx-old"], "Mounts": MOUNTS}], "nginx", "/srv/media") == []
