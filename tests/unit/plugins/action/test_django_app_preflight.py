"""The django_app_preflight action: broken settings stop the play before the project is read; a certificate
expiring soon or not covering a name is a warning, a bad key an error that never quotes the key."""

import datetime
from unittest import mock

from ansible.parsing.dataloader import DataLoader
from ansible.playbook.task import Task

from ansible_collections.djangodocker.deploy.plugins.action.django_app_preflight import ActionModule
from ansible_collections.djangodocker.deploy.tests.unit.plugins.module_utils.test_tls_pair import NOW, make_pair
from ansible_collections.djangodocker.deploy.tests.unit.plugins.plugin_utils.test_app_checks import GOOD


def action(args):
    task = Task()
    task.args = args
    act = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=DataLoader(), templar=None,
                       shared_loader_obj=None)
    act._shared_loader_obj = mock.MagicMock()
    return act


def project(tmp_path):
    (tmp_path / "manage.py").write_text('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n')
    (tmp_path / "mysite").mkdir(exist_ok=True)
    (tmp_path / "mysite" / "settings.py").write_text("")
    (tmp_path / "requirements.txt").write_text("Django\n")
    return str(tmp_path)


def pair(folder, days, names=("www.example.com",)):
    """A certificate of NAMES valid for DAYS from today and its key, as files in FOLDER (make_pair counts from
    its fixed NOW; the action from today)."""
    since = (datetime.datetime.now(datetime.timezone.utc) - NOW).days
    cert_pem, key_pem = make_pair(names, days + since, start_days=since - 1)
    (folder / "site.crt").write_bytes(cert_pem)
    (folder / "site.key").write_bytes(key_pem)
    return str(folder / "site.crt"), str(folder / "site.key")


def test_broken_settings_fail_with_every_problem_before_the_project_is_read(tmp_path):
    with mock.patch("ansible_collections.djangodocker.deploy.plugins.action.django_app_preflight.describe") as read:
        result = action({"settings": dict(GOOD, host_port=0, mode="cluster"), "project": str(tmp_path)}).run(task_vars={})
    assert result["failed"] and len(result["problems"]) == 2 and "django_app_host_port" in result["msg"]
    assert not read.called


def test_good_settings_give_the_layout_and_the_image_it_needs(tmp_path):
    result = action({"settings": dict(GOOD, database="postgresql"), "project": project(tmp_path)}).run(task_vars={})
    assert not result.get("failed"), result
    assert result["layout"]["settings_module"] == "mysite.settings" and result["layout"]["workdir"] == "/app"
    assert result["image"]["tools"] == ["tools/uwsgi.txt", "tools/postgresql.txt"]


def test_a_certificate_expiring_soon_or_not_covering_a_name_is_a_warning(tmp_path):
    cert, key = pair(tmp_path, 10)
    tls = {"certificate": cert, "key": key, "names": ["www.example.com", "api.example.com"], "warning_days": 30}
    result = action({"settings": GOOD, "project": project(tmp_path), "tls": tls}).run(task_vars={})
    assert not result.get("failed"), result
    assert result["tls"]["uncovered"] == ["api.example.com"] and result["tls"]["days_left"] < 30
    assert "does not cover api.example.com" in result["warnings"][0]
    fine = action({"settings": GOOD, "project": project(tmp_path),
                   "tls": dict(tls, names=["www.example.com"], warning_days=5)}).run(task_vars={})
    assert "warnings" not in fine


def test_a_key_that_is_not_a_key_fails_without_quoting_it(tmp_path):
    cert, key = pair(tmp_path, 90)
    with open(key, "w") as handle:
        handle.write("SECRET-KEY-MATERIAL\n")
    tls = {"certificate": cert, "key": key}
    result = action({"settings": GOOD, "project": project(tmp_path), "tls": tls}).run(task_vars={})
    assert result["failed"] and "not an unencrypted PEM private key" in result["msg"]
    assert "SECRET-KEY-MATERIAL" not in str(result)


def test_asgi_without_an_asgi_application_fails_before_anything_changes(tmp_path):
    asgi = dict(GOOD, server="granian", interface="asgi")
    result = action({"settings": asgi, "project": project(tmp_path)}).run(task_vars={})
    assert result["failed"] and "no asgi.py and mysite.settings names no ASGI_APPLICATION" in result["msg"]
    (tmp_path / "mysite" / "asgi.py").write_text("application = None\n")
    found = action({"settings": asgi, "project": project(tmp_path)}).run(task_vars={})
    assert not found.get("failed") and found["image"]["tools"] == ["tools/granian.txt"]
    named = action({"settings": dict(asgi, asgi_module="mysite.other:app"), "project": str(tmp_path)}).run(task_vars={})
    assert not named.get("failed")


def test_an_http01_name_that_does_not_lead_to_the_host_is_a_warning(tmp_path):
    acme = dict(GOOD, tls_acme=True, tls_acme_challenge="http", tls_acme_names=["nowhere.invalid"],
                tls_acme_email="ops@example.com", tls_acme_directory="https://ca.example/dir",
                tls_acme_dns_provider="", tls_acme_dns_credential_names=[], tls_acme_renew_days=0,
                tls_acme_dns_propagation_wait=0)
    result = action({"settings": acme, "project": project(tmp_path)}).run(task_vars={"inventory_hostname": "vm1"})
    assert not result.get("failed"), result
    assert result["warnings"][0].startswith("nowhere.invalid does not resolve")


def test_channels_in_memory_layer_with_more_than_one_worker_is_a_warning(tmp_path):
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "asgi.py").write_text("application = None\n")
    (tmp_path / "mysite" / "settings.py").write_text(
        'CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}\n')
    (tmp_path / "manage.py").write_text('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n')
    (tmp_path / "requirements.txt").write_text("Django\n")
    asgi = dict(GOOD, server="granian", interface="asgi", workers=0)
    result = action({"settings": asgi, "project": str(tmp_path)}).run(task_vars={})
    assert not result.get("failed") and "InMemoryChannelLayer and django_app_workers is one per CPU" in result["warnings"][0]
    assert "warnings" not in action({"settings": dict(asgi, workers=1), "project": str(tmp_path)}).run(task_vars={})
    assert "warnings" not in action({"settings": dict(asgi, interface="wsgi"), "project": str(tmp_path)}).run(task_vars={})
