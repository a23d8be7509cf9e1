"""docker_inspect: one container's description, or None."""

from ansible_collections.djangodocker.deploy.plugins.module_utils.docker_inspect import inspect_container


def test_the_container_is_described_by_the_engine(engine_module):
    fake = engine_module(out='[{"Name": "/mysite", "State": {"Running": true}}]')
    assert inspect_container(fake, "mysite") == {"Name": "/mysite", "State": {"Running": True}}
    assert fake.calls == [["docker", "container", "inspect", "mysite"]]


def test_no_container_or_no_engine_yet_is_none_not_an_error(engine_module):
    assert inspect_container(engine_module(code=1, out="[]"), "x") is None
    assert inspect_container(engine_module(out="[]"), "x") is None
    no_docker = engine_module(docker=None)
    assert inspect_container(no_docker, "x") is None and no_docker.calls == []
