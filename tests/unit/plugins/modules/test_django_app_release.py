"""django_app_release: set the serving release aside, put it back exactly, or let it go."""

import os

import pytest

from ansible_collections.djangodocker.deploy.plugins.modules import django_app_release as module


class FakeDocker:
    """Containers by name, with the calls the module makes recorded."""

    def __init__(self, fail_on=None, **containers):
        self.containers = containers
        self.calls = []
        self.fail_on = fail_on

    def inspect(self, name):
        return self.containers.get(name)

    def names(self, prefix):
        return [name for name in self.containers if name.startswith(prefix)]

    def images(self, repository):
        return [tag for tag in getattr(self, "tags", []) if tag.startswith(repository + ":")]

    def attempt(self, *args):
        """`docker service inspect`: the image of the service of that name (SERVICES), with its digest;
        `docker secret rm`: refused for a secret in REFUSED."""
        self.calls.append(args)
        if args[:2] == ("secret", "rm"):
            if args[-1] in getattr(self, "refused", ()):
                return 1, "", "secret is in use by the following service: mysite\n"
            self.secret_names.remove(args[-1])
            return 0, "", ""
        image = getattr(self, "services", {}).get(args[-1])
        return (0, image + "@sha256:abc\n", "") if image else (1, "", "no such service")

    def celery(self, app):
        return sorted(name for name, c in self.containers.items() if c.get("celery") == app)

    def secrets(self, app):
        return [name for name in getattr(self, "secret_names", []) if name.startswith(app + "-env-")]

    def service_secrets(self, service):
        return set(getattr(self, "used_secrets", {}).get(service, ()))

    def run(self, *args):
        self.calls.append(args)
        if args == self.fail_on:
            self.fail_on = None  # once: the same call for another container works
            raise module.DockerError("docker %s failed" % " ".join(args))
        verb, rest = args[0], args[1:]
        if verb == "rm":
            del self.containers[rest[-1]]
        elif verb == "rename":
            self.containers[rest[1]] = self.containers.pop(rest[0])
        elif verb == "image":
            self.tags.remove(rest[-1])
        elif verb in ("stop", "start"):
            self.containers[rest[-1]]["State"]["Running"] = verb == "start"


def container(image, running=True, mounts=()):
    return {"Config": {"Image": image}, "State": {"Running": running},
            "Mounts": [{"Source": source, "Destination": "/x"} for source in mounts]}


def test_the_switch_sets_the_serving_release_aside_and_starts_the_next_one():
    docker = FakeDocker(mysite=container("mysite:old"), **{"mysite-next": container("mysite:new", running=False)})
    image, actions = module.switch(docker, "mysite", 10, check_mode=False)
    assert image == "mysite:old"
    assert docker.calls == [("stop", "--time", "10", "mysite"), ("rename", "mysite", "mysite-previous"),
                            ("rename", "mysite-next", "mysite"), ("start", "mysite")]
    # Never removed: stopped, and kept for a rollback.
    assert docker.containers["mysite-previous"]["State"]["Running"] is False
    assert image_of(docker, "mysite") == "mysite:new" and docker.containers["mysite"]["State"]["Running"]
    assert actions[0] == "stopped mysite and renamed it to mysite-previous"


def test_a_first_release_is_just_renamed_and_started():
    docker = FakeDocker(**{"mysite-next": container("mysite:new", running=False)})
    image, dummy = module.switch(docker, "mysite", 10, check_mode=False)
    assert image == "" and docker.calls == [("rename", "mysite-next", "mysite"), ("start", "mysite")]


def test_a_failed_start_undoes_the_switch():
    docker = FakeDocker(fail_on=("start", "mysite"), mysite=container("mysite:old"),
                        **{"mysite-next": container("mysite:new", running=False)})
    with pytest.raises(module.DockerError):
        module.switch(docker, "mysite", 10, check_mode=False)
    assert image_of(docker, "mysite") == "mysite:old" and docker.containers["mysite"]["State"]["Running"]
    assert image_of(docker, "mysite-next") == "mysite:new" and "mysite-previous" not in docker.containers


def test_nothing_to_switch_to_is_an_error():
    with pytest.raises(module.DockerError, match="no container mysite-next"):
        module.switch(FakeDocker(mysite=container("mysite:old")), "mysite", 10, check_mode=False)


def test_a_release_set_aside_by_an_interrupted_run_stays_the_one_to_go_back_to():
    docker = FakeDocker(**{"mysite-previous": container("mysite:good", running=False),
                           "mysite-next": container("mysite:new", running=False)})
    image, dummy = module.switch(docker, "mysite", 10, check_mode=False)
    assert image == "mysite:good" and image_of(docker, "mysite-previous") == "mysite:good"


def test_an_older_release_aside_gives_way_to_the_one_that_serves():
    docker = FakeDocker(**{"mysite": container("mysite:new"), "mysite-previous": container("mysite:older", False),
                           "mysite-next": container("mysite:newer", False)})
    image, dummy = module.switch(docker, "mysite", 10, check_mode=False)
    assert image == "mysite:new"
    assert docker.calls[0] == ("rm", "--force", "mysite-previous")
    assert image_of(docker, "mysite-previous") == "mysite:new" and image_of(docker, "mysite") == "mysite:newer"


def test_restore_removes_the_failed_release_and_starts_the_previous_one_as_it_was():
    previous = container("mysite:old", running=False, mounts=["/srv/env/release-old.env"])
    docker = FakeDocker(**{"mysite": container("mysite:new"), "mysite-previous": previous})
    restored, dummy = module.restore(docker, "mysite", True, check_mode=False)
    assert restored is True
    assert docker.calls == [("rm", "--force", "mysite"), ("rename", "mysite-previous", "mysite"), ("start", "mysite")]
    # The very container that served before: same image, same mounts (its own environment file).
    assert docker.containers["mysite"] is previous and previous["State"]["Running"] is True


def test_a_failed_first_release_is_stopped_and_kept_for_its_logs():
    docker = FakeDocker(mysite=container("mysite:new"))
    restored, actions = module.restore(docker, "mysite", True, check_mode=False)
    assert restored is False and docker.calls == [("stop", "mysite")]
    assert actions == ["stopped the failed release mysite (there is no previous release)"]


def test_a_failure_before_the_switch_leaves_the_serving_release_alone():
    docker = FakeDocker(mysite=container("mysite:old"), **{"mysite-next": container("mysite:new", False)})
    restored, dummy = module.restore(docker, "mysite", False, check_mode=False)
    assert restored is False and docker.calls == [("rm", "--force", "mysite-next")]
    assert docker.containers["mysite"]["State"]["Running"]


def test_retire_removes_the_previous_release_leftovers_and_unused_files(tmp_path):
    kept, stale = tmp_path / "release-new.env", tmp_path / "release-old.env"
    kept.write_text("A=1\n")
    stale.write_text("A=0\n")
    build = tmp_path / "build"
    (build / "newtag").mkdir(parents=True)
    (build / "oldtag").mkdir()
    (build / "oldtag" / "Dockerfile").write_text("FROM x\n")
    (build / "Dockerfile").write_text("FROM x\n")
    docker = FakeDocker(**{"mysite": container("mysite:new", mounts=[str(kept)]),
                           "mysite-previous": container("mysite:old", False),
                           "mysite-migrate-abc-1": container("mysite:new", False),
                           "mysite-next": container("mysite:newer", False),
                           "mysite-other": container("other:1")})
    actions = module.retire(docker, "mysite", [str(tmp_path / "*.env"), str(build / "*")], [str(build / "newtag")],
                            check_mode=False)
    assert sorted(docker.containers) == ["mysite", "mysite-other"]
    assert kept.exists() and not stale.exists()
    assert "removed %s, which no release uses" % stale in actions
    # The build folders of other releases (and an older layout's files) go; this release's stays.
    assert sorted(os.listdir(build)) == ["newtag"]


@pytest.mark.parametrize("state", ["switch", "restore", "retire"])
def test_check_mode_changes_nothing(state, tmp_path):
    stale = tmp_path / "release-old.env"
    stale.write_text("A=0\n")
    docker = FakeDocker(**{"mysite": container("mysite:new"), "mysite-previous": container("mysite:old", False)})
    if state == "switch":
        dummy, actions = module.switch(docker, "mysite", 10, check_mode=True)
    elif state == "restore":
        dummy, actions = module.restore(docker, "mysite", True, check_mode=True)
    else:
        actions = module.retire(docker, "mysite", [str(tmp_path / "*.env")], [], check_mode=True)
    assert actions and docker.calls == [] and os.path.exists(stale)


def image_of(docker, name):
    return docker.containers[name]["Config"]["Image"]


def test_the_history_gets_each_served_release_once(tmp_path):
    history = str(tmp_path / "releases")
    assert module.record(history, "mysite:a", False) == (["mysite:a"], True)
    assert module.record(history, "mysite:a", False) == (["mysite:a"], False)
    assert module.record(history, "mysite:b", False) == (["mysite:a", "mysite:b"], True)
    # A rollback to a is a release too: the next rollback goes back to b.
    assert module.record(history, "mysite:a", False)[0] == ["mysite:a", "mysite:b", "mysite:a"]


def test_the_history_keeps_the_newest_and_check_mode_writes_nothing(tmp_path):
    history = str(tmp_path / "releases")
    for number in range(25):
        module.record(history, "mysite:%d" % number, False)
    lines, dummy = module.record(history, "mysite:x", True)
    assert lines[-1] == "mysite:x" and len(lines) == 20
    with open(history) as handle:
        assert handle.read().split()[-1] == "mysite:24"


def test_a_drained_release_is_set_aside_running_and_retire_removes_it():
    docker = FakeDocker(mysite=container("mysite:old"), **{"mysite-next": container("mysite:new", running=False)})
    image, actions = module.switch(docker, "mysite", 10, check_mode=False, stop_previous=False)
    assert image == "mysite:old"
    assert ("stop", "--time", "10", "mysite") not in docker.calls
    assert docker.containers["mysite-previous"]["State"]["Running"] is True
    assert actions[0] == "renamed mysite (drained, still running) to mysite-previous"
    module.retire(docker, "mysite", [], [], check_mode=False)
    assert "mysite-previous" not in docker.containers


def test_a_failed_start_after_a_drained_switch_leaves_the_serving_release_running():
    docker = FakeDocker(fail_on=("start", "mysite"), mysite=container("mysite:old"),
                        **{"mysite-next": container("mysite:new", running=False)})
    with pytest.raises(module.DockerError):
        module.switch(docker, "mysite", 10, check_mode=False, stop_previous=False)
    assert image_of(docker, "mysite") == "mysite:old" and docker.containers["mysite"]["State"]["Running"]


def test_celery_turned_off_its_containers_are_stopped_with_time_and_removed_at_retire():
    worker = dict(container("mysite:old"), celery="mysite")
    docker = FakeDocker(mysite=container("mysite:new"), **{"mysite-worker-0123456789ab": worker,
                                                           "mysite-beat": dict(container("mysite:new"), celery="mysite"),
                                                           "other-beat": dict(container("other:1"), celery="other")})
    actions = module.retire(docker, "mysite", [], [], check_mode=False, celery_leftovers=True, celery_stop_timeout=45)
    assert set(docker.containers) == {"mysite", "other-beat"}
    assert ("stop", "--time", "45", "mysite-beat") in docker.calls
    assert "stopped and removed mysite-worker-0123456789ab (the app runs no Celery any more)" in actions


def test_celery_containers_stay_unless_asked():
    docker = FakeDocker(mysite=container("mysite:new"), **{"mysite-beat": dict(container("mysite:new"), celery="mysite")})
    module.retire(docker, "mysite", [], [], check_mode=False)
    assert "mysite-beat" in docker.containers


def test_retire_removes_image_tags_beyond_the_newest_kept_but_never_a_protected_one():
    docker = FakeDocker(mysite=container("mysite:e"))
    # Newest first, as DockerCli.images returns them; mysite:a is the previous release's (a rollback).
    docker.tags = ["mysite:e", "mysite:d", "mysite:c", "mysite:b", "mysite:a"]
    actions = module.prune_images(docker, "mysite", 2, ["mysite:e", "mysite:a"], check_mode=False)
    assert docker.tags == ["mysite:e", "mysite:d", "mysite:a"]
    assert actions == ["removed image mysite:c (beyond the newest 2)", "removed image mysite:b (beyond the newest 2)"]
    assert module.prune_images(docker, "mysite", 2, ["mysite:e", "mysite:a"], check_mode=False) == []
    # 0 keeps every image; check mode says what it would remove and removes nothing.
    assert module.prune_images(docker, "mysite", 0, [], check_mode=False) == []
    assert module.prune_images(docker, "mysite", 1, [], check_mode=True) == [
        "removed image mysite:d (beyond the newest 1)", "removed image mysite:a (beyond the newest 1)"]
    assert docker.tags == ["mysite:e", "mysite:d", "mysite:a"]


def test_the_engine_lists_a_repository_s_tags_newest_first_without_untagged_ones():
    class Module:
        def run_command(self, args):
            assert args[:5] == ["docker", "image", "ls", "--filter", "reference=mysite"]
            return 0, ("2026-11-26 09:00:00 +0000 UTC\tmysite:old\n"
                       "2026-11-26 10:00:00 +0000 UTC\tmysite:new\n"
                       "2026-11-26 09:30:00 +0000 UTC\tmysite:<none>\n"), ""
    assert module.DockerCli(Module()).images("mysite") == ["mysite:new", "mysite:old"]


def test_creation_times_are_compared_as_times_across_a_change_of_offset():
    # 01:30 +0100 (after the clocks went back) is later than 02:10 +0200 (before).
    assert module.created_at("2026-10-25 01:30:00 +0100 CET") > module.created_at("2026-10-25 02:10:00 +0200 CEST")
    assert module.created_at("not a time") == 0.0


def params(state, retire=None, **more):
    return dict({"name": "mysite", "state": state, "switched": True, "stop_timeout": 10, "stop_previous": False,
                 "retire": None if retire is None else dict(module.RETIRE_DEFAULTS, **retire),
                 "release_lock": None}, **more)


def test_a_switch_with_a_retire_policy_lets_the_previous_release_go_in_the_same_call(tmp_path):
    docker = FakeDocker(mysite=container("mysite:c"), **{"mysite-next": container("mysite:d", running=False),
                                                         "mysite-migrate-1": container("mysite:d")})
    docker.tags = ["mysite:d", "mysite:c", "mysite:b", "mysite:a"]
    (tmp_path / "old.env").write_text("")
    result, actions = module.release(docker, params("switch", {
        "prune": [str(tmp_path / "*.env")], "history": str(tmp_path / "releases"),
        "keep_images": 1, "protect_images": ["mysite:d"]}), check_mode=False)
    assert result["switched"] and result["previous_image"] == "mysite:c"
    assert set(docker.containers) == {"mysite"} and image_of(docker, "mysite") == "mysite:d"
    assert not (tmp_path / "old.env").exists()
    assert result["history"] == ["mysite:d"]
    # The previous release's image stays for a rollback although the role could not name it beforehand.
    assert docker.tags == ["mysite:d", "mysite:c"]
    assert "removed mysite-previous" in actions


def test_a_switch_without_a_retire_policy_keeps_the_previous_release():
    docker = FakeDocker(mysite=container("mysite:c"), **{"mysite-next": container("mysite:d", running=False)})
    result, dummy = module.release(docker, params("switch"), check_mode=False)
    assert result["switched"] and "mysite-previous" in docker.containers


def test_a_failed_retire_after_the_switch_says_the_new_release_serves():
    docker = FakeDocker(fail_on=("rm", "--force", "mysite-previous"), mysite=container("mysite:c"),
                        **{"mysite-next": container("mysite:d", running=False)})
    with pytest.raises(module.RetireError) as raised:
        module.release(docker, params("switch", {}), check_mode=False)
    assert raised.value.result["switched"] and raised.value.result["previous_image"] == "mysite:c"
    assert image_of(docker, "mysite") == "mysite:d" and docker.containers["mysite"]["State"]["Running"]


def test_a_failed_switch_is_no_retire_error():
    docker = FakeDocker(fail_on=("start", "mysite"), mysite=container("mysite:c"),
                        **{"mysite-next": container("mysite:d", running=False)})
    with pytest.raises(module.DockerError):
        module.release(docker, params("switch", {}), check_mode=False)
    assert "mysite-previous" not in docker.containers and image_of(docker, "mysite") == "mysite:c"


def test_retire_without_a_policy_removes_only_the_previous_release_and_leftovers():
    docker = FakeDocker(mysite=container("mysite:d"), **{"mysite-previous": container("mysite:c")})
    docker.tags = ["mysite:d", "mysite:c"]
    result, actions = module.release(docker, params("retire"), check_mode=False)
    assert set(docker.containers) == {"mysite"} and docker.tags == ["mysite:d", "mysite:c"]
    assert actions == ["removed mysite-previous"]


def held_lock(tmp_path):
    path = tmp_path / "deploy.lock"
    path.write_text('{"holder": "run-a", "since": 0}')
    return {"path": str(path), "holder": "run-a"}


def test_the_release_s_last_call_gives_the_deploy_lock_back(tmp_path):
    lock = held_lock(tmp_path)
    docker = FakeDocker(mysite=container("mysite:c"), **{"mysite-next": container("mysite:d", running=False)})
    result, dummy = module.release(docker, params("switch", {}, release_lock=lock), check_mode=False)
    assert result["lock_released"] and not os.path.exists(lock["path"])


def test_a_switch_that_does_not_retire_keeps_the_lock_and_so_does_a_failed_retire(tmp_path):
    lock = held_lock(tmp_path)
    docker = FakeDocker(mysite=container("mysite:c"), **{"mysite-next": container("mysite:d", running=False)})
    result, dummy = module.release(docker, params("switch", release_lock=lock), check_mode=False)
    assert not result["lock_released"] and os.path.exists(lock["path"])
    docker = FakeDocker(fail_on=("rm", "--force", "mysite-previous"), mysite=container("mysite:d"),
                        **{"mysite-previous": container("mysite:c")})
    with pytest.raises(module.DockerError):
        module.release(docker, params("retire", {}, release_lock=lock), check_mode=False)
    assert os.path.exists(lock["path"])


def test_another_run_s_lock_is_not_given_back(tmp_path):
    lock = held_lock(tmp_path)
    docker = FakeDocker(mysite=container("mysite:d"))
    result, dummy = module.release(docker, params("retire", {}, release_lock=dict(lock, holder="run-b")),
                                   check_mode=False)
    assert not result["lock_released"] and os.path.exists(lock["path"])


# The release a rollback goes back to

def history_file(tmp_path, *images):
    path = tmp_path / "releases"
    path.write_text("".join(image + "\n" for image in images))
    return str(path)


def test_the_target_is_the_newest_release_that_served_but_the_serving_one_whose_image_is_still_here(tmp_path):
    docker = FakeDocker(mysite=container("mysite:c"))
    docker.tags = ["mysite:c", "mysite:b", "mysite:failed"]
    # a's image went; c serves; "failed" never served (not in the history).
    history = history_file(tmp_path, "mysite:a", "mysite:b", "mysite:c")
    assert module.rollback_target(docker, "mysite", history, "") == "b"
    assert docker.calls == []


def test_a_named_target_must_be_an_image_on_the_host(tmp_path):
    docker = FakeDocker(mysite=container("mysite:c"))
    docker.tags = ["mysite:c", "mysite:a"]
    assert module.rollback_target(docker, "mysite", history_file(tmp_path), "a") == "a"
    with pytest.raises(module.DockerError, match="no image mysite:zz .* Images of mysite there: mysite:c, mysite:a"):
        module.rollback_target(docker, "mysite", history_file(tmp_path), "zz")


def test_no_earlier_release_to_go_back_to_is_an_error(tmp_path):
    docker = FakeDocker(mysite=container("mysite:c"))
    docker.tags = ["mysite:c"]
    with pytest.raises(module.DockerError, match="of an earlier release that served"):
        module.rollback_target(docker, "mysite", history_file(tmp_path, "mysite:c"), "")
    with pytest.raises(module.DockerError, match="Images of mysite there: mysite:c"):
        module.rollback_target(docker, "mysite", str(tmp_path / "none"), "")


# Swarm mode: the images are in the registry, the serving one is the service's

REGISTRY = "10.0.0.2:5000"


def test_in_swarm_mode_the_target_is_found_in_the_registry_s_repository_beside_the_service_s_image(tmp_path):
    docker = FakeDocker()
    docker.services = {"mysite": REGISTRY + "/mysite:c"}
    docker.tags = [REGISTRY + "/mysite:c", REGISTRY + "/mysite:b", "mysite:old-single-host"]
    history = history_file(tmp_path, REGISTRY + "/mysite:b", REGISTRY + "/mysite:c")
    assert module.rollback_target(docker, "mysite", history, "", "swarm", REGISTRY + "/") == "b"
    assert module.rollback_target(docker, "mysite", history, "c", "swarm", REGISTRY) == "c"


def test_in_swarm_mode_retire_records_the_service_s_image_and_keeps_the_registry_s_newest(tmp_path):
    docker = FakeDocker()
    docker.services = {"mysite": REGISTRY + "/mysite:c"}
    docker.tags = [REGISTRY + "/mysite:c", REGISTRY + "/mysite:b", REGISTRY + "/mysite:a"]
    history = str(tmp_path / "releases")
    policy = dict(module.RETIRE_DEFAULTS, history=history, keep_images=2, mode="swarm", registry=REGISTRY,
                  protect_images=[REGISTRY + "/mysite:c"])
    result, actions = module.retire_all(docker, "mysite", policy, check_mode=False)
    assert result["history"] == [REGISTRY + "/mysite:c"]
    assert docker.tags == [REGISTRY + "/mysite:c", REGISTRY + "/mysite:b"]
    assert "recorded %s/mysite:c as a release that served" % REGISTRY in actions


def test_in_swarm_mode_retire_removes_the_app_s_secrets_no_service_uses(tmp_path):
    docker = FakeDocker()
    docker.services = {"mysite": REGISTRY + "/mysite:c"}
    docker.secret_names = ["mysite-env-aaa", "mysite-env-bbb", "mysite-env-ccc", "mysite-env-ddd"]
    docker.used_secrets = {"mysite": ["mysite-env-ccc"], "mysite-worker": ["mysite-env-ccc"], "mysite-beat": []}
    # The engine still holds this one for a service (e.g. its previous spec): kept, and said so.
    docker.refused = {"mysite-env-ddd"}
    policy = dict(module.RETIRE_DEFAULTS, history="", keep_images=2, mode="swarm", registry=REGISTRY, protect_images=[])
    dummy, actions = module.retire_all(docker, "mysite", policy, check_mode=False)
    assert docker.secret_names == ["mysite-env-ccc", "mysite-env-ddd"]
    assert "removed secret mysite-env-aaa, which no service of the app uses" in actions
    assert "kept secret mysite-env-ddd (secret is in use by the following service: mysite)" in actions
    # Check mode says so and removes nothing; a single-host retire never lists secrets.
    docker.secret_names = ["mysite-env-aaa", "mysite-env-ccc"]
    dummy, actions = module.retire_all(docker, "mysite", policy, check_mode=True)
    assert docker.secret_names == ["mysite-env-aaa", "mysite-env-ccc"] and len(actions) == 1
    dummy, actions = module.retire_all(docker, "mysite", dict(policy, mode=""), check_mode=False)
    assert docker.secret_names == ["mysite-env-aaa", "mysite-env-ccc"]
