"""backup_timer: script and units written once, the timer enabled and started; absent removes them."""

import os

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import backup_timer as module


@pytest.fixture
def host(tmp_path, monkeypatch):
    sbin, units = tmp_path / "sbin", tmp_path / "units"
    sbin.mkdir()
    units.mkdir()
    monkeypatch.setattr(module, "SBIN", str(sbin))
    monkeypatch.setattr(module, "UNITS", str(units))
    state = {"calls": [], "active": False}

    def run_command(self, args, check_rc=False, **kwargs):
        state["calls"].append(args)
        if args[:2] == ["systemctl", "enable"]:
            state["active"] = True
        if args[-2:] == ["calendar", "not a time"]:
            return 1, "", "Failed to parse calendar specification"
        if args[1] in ("is-active", "is-enabled"):
            return (0 if state["active"] else 3), "", ""
        return 0, "", ""

    monkeypatch.setattr(module.AnsibleModule, "run_command", run_command)
    monkeypatch.setattr(module.AnsibleModule, "get_bin_path", lambda self, name, *a, **k: "/usr/bin/" + name)
    return {"sbin": sbin, "units": units, "state": state}


ARGS = {"name": "djangodocker-backup-mysite", "script": "#!/bin/sh\necho backed up\n", "schedule": "*-*-* 03:15:00",
        "description": "the sqlite database of mysite"}


def test_written_enabled_once_then_nothing_to_do(host, run_module, capsys):
    first = run_module(module.main, ARGS, capsys)
    assert first["changed"] and ["systemctl", "enable", "--now", "djangodocker-backup-mysite.timer"] in host["state"]["calls"]
    script = host["sbin"] / "djangodocker-backup-mysite"
    assert script.read_text() == ARGS["script"] and oct(os.stat(script).st_mode & 0o777) == "0o700"
    timer = (host["units"] / "djangodocker-backup-mysite.timer").read_text()
    assert "OnCalendar=*-*-* 03:15:00" in timer and "Persistent=true" in timer and "AccuracySec=1s" in timer
    assert "ExecStart=%s/djangodocker-backup-mysite" % host["sbin"] in (
        host["units"] / "djangodocker-backup-mysite.service").read_text()
    host["state"]["calls"].clear()
    again = run_module(module.main, ARGS, capsys)
    assert not again["changed"] and not any("enable" in call for call in host["state"]["calls"])


def test_a_bad_schedule_is_refused_before_anything_is_written(host, run_module, capsys):
    result = run_module(module.main, dict(ARGS, schedule="not a time"), capsys)
    assert result["failed"] and "calendar" in result["msg"] and os.listdir(host["sbin"]) == []


def test_absent_removes_the_timer(host, run_module, capsys):
    run_module(module.main, ARGS, capsys)
    removed = run_module(module.main, {"name": ARGS["name"], "state": "absent"}, capsys)
    assert removed["changed"] and os.listdir(host["sbin"]) == [] and os.listdir(host["units"]) == []
    assert not run_module(module.main, {"name": ARGS["name"], "state": "absent"}, capsys)["changed"]


def test_arguments_are_quoted_for_systemd(host, run_module, capsys):
    run_module(module.main, dict(ARGS, arguments=["/srv/django/my site/db.sqlite3", "--keep", "100%"]), capsys)
    service = (host["units"] / "djangodocker-backup-mysite.service").read_text()
    assert 'djangodocker-backup-mysite "/srv/django/my site/db.sqlite3" "--keep" "100%%"' in service


def test_several_timers_in_one_call(host, run_module, capsys):
    check = dict(ARGS, name="djangodocker-offsite-mysite-check", schedule="Sun *-*-* 05:15:00")
    gone = {"name": "djangodocker-offsite-mysite", "state": "absent", "schedule": ""}
    first = run_module(module.main, {"timers": [ARGS, check, gone]}, capsys)
    assert first["changed"] and first["changed_timers"] == [ARGS["name"], check["name"]]
    assert sorted(os.listdir(host["sbin"])) == [ARGS["name"], check["name"]]
    again = run_module(module.main, {"timers": [ARGS, check, gone]}, capsys)
    assert not again["changed"] and again["changed_timers"] == []
    removed = run_module(module.main, {"timers": [dict(ARGS, state="absent"), check]}, capsys)
    assert removed["changed_timers"] == [ARGS["name"]] and os.listdir(host["sbin"]) == [check["name"]]


def test_a_bad_timer_in_a_list_fails_before_any_is_written(host, run_module, capsys):
    result = run_module(module.main, {"timers": [ARGS, dict(ARGS, name="other", schedule="not a time")]}, capsys)
    assert result["failed"] and "calendar" in result["msg"] and os.listdir(host["sbin"]) == []
    result = run_module(module.main, {"timers": [{"name": "x", "state": "present"}]}, capsys)
    assert result["failed"] and "needs script and schedule" in result["msg"]
