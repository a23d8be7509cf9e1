"""nginx_site: a configuration Nginx rejects is never loaded; a reload drains the old workers."""

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import nginx_site as module

SITE = "server {\n    listen 80;\n    server_name www.example.com example.com;\n}\n"


class FakeNginx:
    """Workers by pid; a reload starts new ones and leaves the old ones shutting down."""

    def __init__(self, reject=False, drain_polls=1):
        self.reject, self.drain_polls = reject, drain_polls
        self.tested, self.reloads = [], 0
        self.current = {"10": "nginx: worker process"}
        self.draining = {}

    def test(self):
        self.tested.append(True)
        if self.reject:
            raise module.NginxError("nginx: [emerg] unknown directive \"bogus\"")

    def reload(self):
        self.reloads += 1
        self.draining = {pid: "nginx: worker process is shutting down" for pid in self.current}
        self.current = {str(100 + self.reloads): "nginx: worker process"}

    def workers(self):
        if self.draining:
            self.drain_polls -= 1
            if self.drain_polls < 0:
                self.draining = {}
        return dict(self.current, **self.draining)


def no_wait(condition, timeout):
    """wait_until without sleeping: a few tries."""
    return any(condition() for dummy in range(3))


def test_a_new_site_is_written_tested_reloaded_and_drained(tmp_path):
    nginx, path = FakeNginx(), str(tmp_path / "site-mysite.conf")
    assert module.apply(nginx, path, SITE, 30, False, wait=no_wait) == (True, True, True, None)
    assert open(path).read() == SITE and nginx.tested and nginx.reloads == 1


def test_the_same_content_changes_nothing_and_does_not_reload(tmp_path):
    nginx, path = FakeNginx(), tmp_path / "site-mysite.conf"
    path.write_text(SITE)
    assert module.apply(nginx, str(path), SITE, 30, False, wait=no_wait) == (False, False, True, SITE)
    assert nginx.reloads == 0 and not nginx.tested


def test_a_rejected_configuration_is_put_back_and_never_loaded(tmp_path):
    nginx, path = FakeNginx(reject=True), tmp_path / "site-mysite.conf"
    path.write_text(SITE)
    with pytest.raises(module.NginxError, match="unknown directive"):
        module.apply(nginx, str(path), "bogus;\n", 30, False, wait=no_wait)
    assert path.read_text() == SITE and nginx.reloads == 0


def test_a_rejected_new_site_leaves_no_file(tmp_path):
    nginx, path = FakeNginx(reject=True), tmp_path / "site-mysite.conf"
    with pytest.raises(module.NginxError):
        module.apply(nginx, str(path), "bogus;\n", 30, False, wait=no_wait)
    assert not path.exists()


def test_old_workers_that_keep_draining_are_reported_not_failed(tmp_path):
    nginx = FakeNginx(drain_polls=100)
    assert module.apply(nginx, str(tmp_path / "site-a.conf"), SITE, 30, False, wait=no_wait) == (True, True, False, None)


def test_check_mode_writes_nothing(tmp_path):
    nginx, path = FakeNginx(), tmp_path / "site-mysite.conf"
    assert module.apply(nginx, str(path), SITE, 30, True, wait=no_wait) == (True, False, True, None)
    assert not path.exists() and not nginx.tested


def test_removing_a_site_tests_and_reloads(tmp_path):
    nginx, path = FakeNginx(), tmp_path / "site-mysite.conf"
    path.write_text(SITE)
    assert module.apply(nginx, str(path), None, 30, False, wait=no_wait)[0] is True
    assert not path.exists() and nginx.reloads == 1


def test_server_names_of_every_server_block():
    content = SITE + "server {\n  listen 443 ssl;\n  server_name www.example.com  api.example.com ;\n}\n"
    assert module.server_names(content) == ["www.example.com", "example.com", "api.example.com"]


def test_a_name_another_site_claims_is_a_clash(tmp_path):
    (tmp_path / "site-blog.conf").write_text("server { server_name blog.example.com example.com; }\n")
    (tmp_path / "site-mysite.conf").write_text(SITE)  # the site itself is no clash
    assert module.clashes(str(tmp_path), "mysite", ["www.example.com", "example.com"]) == [("blog", "example.com")]
    assert module.clashes(str(tmp_path), "mysite", ["www.example.com"]) == []


def test_docker_top_lines_are_read_as_workers():
    class Module:
        def run_command(self, args):
            return 0, ("PID   COMMAND\n1 nginx: master process nginx -g daemon off;\n"
                       "21 nginx: worker process\n22 nginx: worker process is shutting down\n"), ""
    workers = module.DockerNginx(Module(), "nginx").workers()
    assert workers == {"21": "nginx: worker process", "22": "nginx: worker process is shutting down"}


def test_the_folder_is_made_with_the_first_file(tmp_path):
    path = tmp_path / "conf.d" / "00-djangodocker.conf"
    assert module.apply(FakeNginx(), str(path), SITE, 30, False, wait=no_wait)[0] is True
    assert path.read_text() == SITE and oct(path.parent.stat().st_mode & 0o777) == "0o755"


def test_the_vacant_check_describes_the_nginx_container_with_only_what_the_site_uses(engine_module):
    described = ('[{"Name": "/djangodocker-nginx", "State": {"Running": true}, "Config": {"Env": ["A=1"]},'
                 ' "Mounts": [{"Source": "/srv/a/media", "Destination": "/srv/media/a"}]}]')
    fake = engine_module(out=described)
    assert module.DockerNginx(fake, "djangodocker-nginx").inspect() == {
        "Name": "/djangodocker-nginx", "State": {"Running": True},
        "Mounts": [{"Source": "/srv/a/media", "Destination": "/srv/media/a"}]}
    assert fake.calls == [["docker", "container", "inspect", "djangodocker-nginx"]]
    # No such container, or no engine yet (check mode on a fresh host): nothing, no error.
    assert module.DockerNginx(engine_module(code=1, out="[]"), "x").inspect() == {}
    assert module.DockerNginx(engine_module(docker=None), "x").inspect() == {}


def test_the_configuration_before_is_returned_to_put_it_back(tmp_path):
    nginx, path = FakeNginx(), tmp_path / "site-mysite.conf"
    path.write_text("server_name old;\n")
    assert module.apply(nginx, str(path), SITE, 30, False, wait=no_wait)[3] == "server_name old;\n"
