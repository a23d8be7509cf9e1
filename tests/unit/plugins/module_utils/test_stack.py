"""stack: the collection's containers found by their labels, narrowed by app and service, shown aligned."""

import json

from ansible_collections.djangodocker.deploy.plugins.module_utils import stack


class FakeDocker:
    def __init__(self, rows):
        self.rows = rows

    def run(self, *args):
        return "\n".join(json.dumps(row) for row in self.rows) + "\n"


def row(name, labels, state="running"):
    return {"Names": name, "Labels": ",".join("%s=%s" % item for item in labels.items()), "State": state,
            "Status": "Up 2 hours (healthy)", "Image": name + ":t"}


ROWS = [
    row("nginx", {"djangodocker.deploy.front": "nginx"}),
    row("postgresql", {"djangodocker.deploy.database": "postgresql"}),
    row("mysite", {"djangodocker.deploy.app": "mysite", "djangodocker.deploy.env": "e1"}),
    row("mysite-next", {"djangodocker.deploy.app": "mysite"}),
    row("mysite-worker-abc", {"djangodocker.deploy.app": "mysite", "djangodocker.deploy.celery": "worker"}),
    row("blog", {"djangodocker.deploy.app": "blog"}),
    row("someone-elses", {"com.example": "x"}),
]


def test_the_stacks_containers_by_their_labels_sorted_by_app_then_service():
    found = stack.containers(FakeDocker(ROWS))
    assert [(c["service"], c["app"], c["name"]) for c in found] == [
        ("nginx", "", "nginx"), ("database", "", "postgresql"), ("web", "blog", "blog"),
        ("web", "mysite", "mysite"), ("worker", "mysite", "mysite-worker-abc")]


def test_narrowed_by_app_and_service():
    found = stack.containers(FakeDocker(ROWS))
    assert [c["name"] for c in stack.selected(found, apps=["mysite"])] == [
        "nginx", "postgresql", "mysite", "mysite-worker-abc"]
    assert [c["name"] for c in stack.selected(found, apps=["mysite"], services=["web", "worker"])] == [
        "mysite", "mysite-worker-abc"]


def test_times_ages_and_aligned_lines():
    assert stack.parse_time("2026-12-03T10:01:02.123456789Z").isoformat() == "2026-12-03T10:01:02+00:00"
    assert stack.parse_time("0001-01-01T00:00:00Z") is None
    assert [stack.age(s) for s in (5, 125, 7300, 200000)] == ["5 s", "2 min", "2 h", "2 d"]
    assert stack.table([["mysite", "serving", "abc"], ["host", "disk", "/srv"]]) == [
        "mysite  serving  abc", "host    disk     /srv"]
