"""Off-site backups with restic: what the container is asked (no secret on its command line), the
repository's problems in words, one snapshot of the app's database and media, retention and restores over
the app's snapshots only, the status the play reads."""

import json
import os

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils import offsite_backup as ob


def config(tmp_path, **changes):
    base = {"app": "mysite", "host": "web1", "offsite_dir": str(tmp_path / "offsite"), "cache_dir": "/var/cache/r",
            "image": "restic/restic:0.18.0", "options": ["-o", "s3.bucket-lookup=dns"],
            "database": {"kind": "sqlite", "path": str(tmp_path / "db.sqlite3"), "suffix": "sqlite3"},
            "media_dir": str(tmp_path / "media"), "env_file": "", "lock": "", "keep": {"daily": 7, "weekly": 0},
            "check_read_data_subset": "5%"}
    base.update(changes)
    os.makedirs(base["offsite_dir"], exist_ok=True)
    return base


class Restic:
    """Answers restic's commands; ANSWERS[command] = (code, stdout, stderr)."""

    def __init__(self, answers=None):
        self.calls, self.answers = [], dict(answers or {})

    def __call__(self, argv):
        self.calls.append(argv)
        command = argv[argv.index("--password-file") + 4]  # after the two -o words
        if command in self.answers:
            return self.answers[command]
        if command == "backup":
            return 0, '{"message_type":"status"}\n{"message_type":"summary","snapshot_id":"abc123ff"}\n', ""
        return 0, "", ""

    def commands(self):
        return [argv[argv.index("--password-file") + 4] for argv in self.calls]


def test_restic_runs_from_its_image_with_its_secrets_read_inside_the_container(tmp_path):
    argv = ob.restic_argv(config(tmp_path), ["snapshots"], mounts=[("/srv/m", "/backup/mysite/media")])
    assert argv[:7] == ["docker", "run", "--rm", "--network", "host", "--entrypoint", "/bin/sh"]
    assert "%s:/run/offsite:ro" % (tmp_path / "offsite") in argv and "/srv/m:/backup/mysite/media:ro" in argv
    script = argv[argv.index("-c") + 1]
    assert ". /run/offsite/storage.env" in script and script.endswith('exec restic "$@"')
    assert argv[argv.index("-c") + 2:] == [
        "restic", "--password-file", "/run/offsite/password", "-o", "s3.bucket-lookup=dns", "snapshots"]
    bounded = ob.restic_argv(config(tmp_path), ["cat", "config"], timeout=60)
    assert "exec timeout 60 restic" in bounded[bounded.index("-c") + 1]


def test_a_wrong_password_a_missing_repository_and_silence_are_said_in_words(tmp_path):
    wrong = Restic({"cat": (12, "", "Fatal: wrong password or no key found\n")})
    with pytest.raises(ob.OffsiteError, match="password is wrong"):
        ob.ensure_repository(config(tmp_path), runner=wrong)
    missing = Restic({"cat": (10, "", "Fatal: repository does not exist: unable to open config file\n")})
    with pytest.raises(ob.OffsiteError, match="django_app_offsite_init: true"):
        ob.ensure_repository(config(tmp_path), runner=missing)
    assert missing.commands() == ["cat"]
    # Ended by the timeout, restic asks whether there is a repository: it is silence, not a missing one.
    silent = Restic({"cat": (143, "", "Stat: dial tcp 10.0.0.9:443: connect: connection refused\n"
                                      "Fatal: unable to open config file: context canceled\n"
                                      "Is there a repository at the following location?\n")})
    with pytest.raises(ob.OffsiteError, match="did not answer within 60 s.*context canceled"):
        ob.ensure_repository(config(tmp_path), runner=silent)


def test_with_init_a_new_repository_is_created_and_an_existing_one_asked(tmp_path):
    new = Restic()
    assert ob.ensure_repository(config(tmp_path), init=True, runner=new) == "initialised"
    assert new.commands() == ["init"]
    existing = Restic({"init": (1, "", "Fatal: create key in repository at s3:x failed: repository master key and "
                                       "config already initialized\n")})
    assert ob.ensure_repository(config(tmp_path), init=True, runner=existing) == "found"
    assert existing.commands() == ["init", "cat"]
    wrong = Restic({"init": (1, "", "Fatal: repository master key and config already initialized\n"),
                    "cat": (12, "", "Fatal: wrong password or no key found\n")})
    with pytest.raises(ob.OffsiteError, match="password is wrong"):
        ob.ensure_repository(config(tmp_path), init=True, runner=wrong)
    unreachable = Restic({"init": (143, "", "Fatal: create repository: context canceled\n")})
    with pytest.raises(ob.OffsiteError, match="could not be created: it did not answer within 60 s"):
        ob.ensure_repository(config(tmp_path), init=True, runner=unreachable)


def test_a_backup_is_one_snapshot_of_the_apps_database_and_media_then_the_apps_retention(tmp_path):
    (tmp_path / "media").mkdir()
    dumped = []

    def dumper(cfg, target):
        dumped.append(target)
        with open(target, "w") as handle:
            handle.write("rows")

    restic = Restic()
    snapshot = ob.back_up(config(tmp_path), runner=restic, dumper=dumper)
    assert snapshot == "abc123ff" and restic.commands() == ["unlock", "backup", "forget"]
    backup = restic.calls[1]
    assert "%s:/backup/mysite/database.sqlite3:ro" % dumped[0] in backup
    assert "%s:/backup/mysite/media:ro" % (tmp_path / "media") in backup
    assert backup[-6:] == ["--json", "--tag", "djangodocker-app=mysite", "--host", "web1", "/backup/mysite"]
    assert restic.calls[2][-5:] == ["djangodocker-app=mysite", "--group-by", "", "--keep-daily", "7"]
    # The dump does not stay on the host.
    assert not os.path.exists(dumped[0])


def test_a_backup_without_a_snapshot_in_restics_answer_fails(tmp_path):
    restic = Restic({"backup": (0, '{"message_type":"status"}\n', "")})
    with pytest.raises(ob.OffsiteError, match="no snapshot"):
        ob.back_up(config(tmp_path), runner=restic, dumper=lambda cfg, target: open(target, "w").close())


def test_a_server_database_is_dumped_in_its_container_by_name_never_a_password(tmp_path):
    calls = []

    class Done:
        returncode, stderr = 0, b""

    def execute(argv, stdout, **kwargs):
        calls.append(argv)
        stdout.write(b"-- dump")
        return Done()

    server = {"kind": "server", "container": "db", "dump": ["sh", "-c", "exec pg_dump"], "suffix": "dump",
              "env": {"DJANGODOCKER_DB": "mysite", "DJANGODOCKER_DB_USER": "mysite"}}
    target = str(tmp_path / "d.dump")
    ob.dump_database(config(tmp_path, database=server), target, execute=execute)
    assert calls[0] == ["docker", "exec", "-e", "DJANGODOCKER_DB=mysite", "-e", "DJANGODOCKER_DB_USER=mysite", "db",
                        "sh", "-c", "exec pg_dump"]
    Done.returncode, Done.stderr = 1, b"pg_dump: error: connection failed\n"
    with pytest.raises(ob.OffsiteError, match="connection failed"):
        ob.dump_database(config(tmp_path, database=server), target, execute=execute)


def test_a_restore_takes_only_one_of_the_apps_snapshots(tmp_path):
    listed = json.dumps([{"id": "1111aaaa", "short_id": "1111aaaa"}, {"id": "2222bbbb", "short_id": "2222bbbb"}])
    restic = Restic({"snapshots": (0, listed, "")})
    assert ob.restore(config(tmp_path), str(tmp_path / "t"), runner=restic) == "2222bbbb"
    assert restic.calls[0][-3:] == ["--json", "--tag", "djangodocker-app=mysite"]
    assert restic.calls[1][-3:] == ["2222bbbb:/backup/mysite", "--target", "/restore"]
    assert "%s:/restore" % (tmp_path / "t") in restic.calls[1]
    assert ob.restore(config(tmp_path), str(tmp_path / "t"), "1111aaaa", runner=restic) == "1111aaaa"
    with pytest.raises(ob.OffsiteError, match="no snapshot 9999 of mysite"):
        ob.restore(config(tmp_path), str(tmp_path / "t"), "9999", runner=restic)


def test_the_status_warns_of_a_failed_run_or_an_old_backup():
    day = 86400
    assert ob.status_warning({}, "mysite", 48, 10 * day) == ""
    assert ob.status_warning({"last_good": 9 * day}, "mysite", 48, 10 * day) == ""
    assert "is 72 hours old" in ob.status_warning({"last_good": 7 * day}, "mysite", 48, 10 * day)
    failed = ob.status_warning({"last_good": 9 * day, "error": "restic backup failed"}, "mysite", 48, 10 * day)
    assert "failed: restic backup failed" in failed and "24 hours old" in failed


def test_an_upload_sends_the_given_backup_with_the_media_and_applies_no_retention(tmp_path):
    (tmp_path / "media").mkdir()
    restic = Restic()
    dump = str(tmp_path / "db-1-pre-migrate.sqlite3")
    assert ob.upload(config(tmp_path), dump, runner=restic) == "abc123ff"
    assert restic.commands() == ["unlock", "backup"]
    assert "%s:/backup/mysite/database.sqlite3:ro" % dump in restic.calls[1]
    assert "djangodocker-label=pre-migrate" in restic.calls[1]


def test_the_timers_script_writes_its_status_either_way(tmp_path, monkeypatch):
    cfg = config(tmp_path)
    path = tmp_path / "offsite.json"
    path.write_text(json.dumps(cfg))
    monkeypatch.setattr(ob, "back_up", lambda config: "f" * 64)
    assert ob.cli([str(path), "backup"], clock=lambda: 1000.0) == 0
    status = ob.read_status(os.path.join(cfg["offsite_dir"], "status.json"))
    assert status == {"last_good": 1000.0, "snapshot": "f" * 64, "error": ""}

    def broken(config):
        raise ob.OffsiteError("restic backup failed (exit 1): connection refused")

    monkeypatch.setattr(ob, "back_up", broken)
    assert ob.cli([str(path), "backup"], clock=lambda: 2000.0) == 1
    status = ob.read_status(os.path.join(cfg["offsite_dir"], "status.json"))
    assert status["last_good"] == 1000.0 and "connection refused" in status["error"]
    assert status["last_failure"] == 2000.0


def test_listing_snapshots_is_bounded_and_silence_is_said_so(tmp_path):
    silent = Restic({"snapshots": (143, "", "Fatal: unable to open config file: context canceled\n"
                                            "Is there a repository at the following location?\n")})
    with pytest.raises(ob.OffsiteError, match="did not answer within 5 s"):
        ob.restore(config(tmp_path, timeout=5), str(tmp_path / "t"), runner=silent)
    assert "exec timeout 5 restic" in silent.calls[0][silent.calls[0].index("-c") + 1]
