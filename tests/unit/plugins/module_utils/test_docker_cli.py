"""docker_cli: the one way the modules talk to the engine."""

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_cli import Docker, DockerError


def test_the_container_is_described_by_the_engine(engine_module):
    fake = engine_module(out='[{"Name": "/mysite", "State": {"Running": true}}]')
    assert Docker(fake).inspect("mysite") == {"Name": "/mysite", "State": {"Running": True}}
    assert fake.calls == [["docker", "container", "inspect", "mysite"]]


def test_no_container_or_no_engine_yet_is_none_not_an_error(engine_module):
    assert Docker(engine_module(code=1, out="[]")).inspect("x") is None
    assert Docker(engine_module(out="[]")).inspect("x") is None
    no_docker = engine_module(docker=None)
    assert Docker(no_docker).inspect("x") is None and no_docker.calls == []


def test_a_name_is_never_taken_for_the_prefix_of_another_containers_id(engine_module):
    # `docker container inspect abc` also finds the container whose Id starts with abc.
    fake = engine_module(out='[{"Id": "abc123", "Name": "/somebody-else", "State": {}}]')
    assert Docker(fake).inspect("abc") is None


def test_a_failed_command_raises_naming_it(engine_module):
    with pytest.raises(DockerError, match="docker rename a b failed"):
        Docker(engine_module(code=1)).run("rename", "a", "b")


def test_containers_are_listed_by_every_filter(engine_module):
    fake = engine_module(out="mysite-worker-a\nmysite-beat\n")
    assert Docker(fake).container_names("label=x", "label=y") == ["mysite-worker-a", "mysite-beat"]
    assert fake.calls == [["docker", "container", "ls", "--all", "--format", "{{.Names}}",
                           "--filter", "label=x", "--filter", "label=y"]]


def test_logs_are_the_last_lines_of_both_streams_and_none_without_a_container(engine_module):
    fake = engine_module(out="one\ntwo\n")
    assert Docker(fake).logs("mysite-next", 30) == ["one", "two"]
    assert fake.calls == [["docker", "logs", "--tail", "30", "mysite-next"]]
    assert Docker(engine_module(code=1)).logs("gone", 30) == []
    assert Docker(engine_module(docker=None)).logs("x", 30) == []
