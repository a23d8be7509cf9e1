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


def test_archives_come_from_an_index_without_an_engine(tmp_path):
    (tmp_path / "images.json").write_text(
        '{"python:3.13-slim": {"id": "%s", "file": "a.tar"}, "nginx:1.30": {"id": "%s", "file": "../../b.tar"},'
        ' "redis:8": {"id": "not-an-id", "file": "c.tar"}}' % (ID_A, ID_B))
    (tmp_path / "a.tar").write_text("")
    (tmp_path / "c.tar").write_text("")
    found, paths, missing = shipping.indexed_archives(str(tmp_path), ["python:3.13-slim", "nginx:1.30", "redis:8",
                                                                      "postgres:17"])
    assert found == {"python:3.13-slim": ID_A}
    assert paths == {"python:3.13-slim": str(tmp_path / "a.tar")}
    # A file name cannot leave the folder, an ID must be one, an image must be listed.
    assert missing == ["nginx:1.30", "redis:8", "postgres:17"]
    assert "holds no archive of nginx:1.30" in shipping.missing_message(["nginx:1.30"], str(tmp_path))


def test_a_folder_without_an_index_is_a_clear_error(tmp_path):
    with pytest.raises(Exception, match="no readable images.json"):
        shipping.indexed_archives(str(tmp_path), ["python:3.13-slim"])
