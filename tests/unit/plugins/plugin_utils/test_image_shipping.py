"""Images from the controller: what is sent, and where the controller keeps it."""

import pytest

from ansible_collections.djangodocker.deploy.plugins.plugin_utils import image_shipping as shipping

ID_A = "sha256:" + "a" * 64
ID_B = "sha256:" + "b" * 64


def test_references_as_the_engine_lists_them():
    assert shipping.reference("python:3.13-slim") == "python:3.13-slim"
    assert shipping.reference("goacme/lego") == "goacme/lego:latest"
    assert shipping.reference("localhost:5000/app") == "localhost:5000/app:latest"


def test_only_what_the_host_lacks_or_has_otherwise_is_sent():
    info = [{"Id": ID_A, "RepoTags": ["python:3.13-slim"]}, {"Id": ID_A, "RepoTags": ["nginx:1.30"]}]
    on_host = shipping.host_ids(info, ["python:3.13-slim", "nginx:1.30", "redis:8.0"])
    assert on_host == {"python:3.13-slim": ID_A, "nginx:1.30": ID_A}
    controller = {"python:3.13-slim": ID_A, "nginx:1.30": ID_B, "redis:8.0": ID_B}
    assert shipping.to_ship(controller, on_host) == ["nginx:1.30", "redis:8.0"]
    assert shipping.to_ship({"python:3.13-slim": ID_A}, on_host) == []


def test_one_archive_per_image_id(tmp_path):
    assert shipping.archive_path(str(tmp_path), ID_A) == str(tmp_path / ("a" * 64 + ".tar"))
    with pytest.raises(ValueError):
        shipping.archive_path(str(tmp_path), "../../etc/passwd")


def test_missing_images_are_named():
    message = shipping.missing_message(["python:3.13-slim", "nginx:1.30"])
    assert "lacks python:3.13-slim, nginx:1.30" in message and "nothing was changed" in message
