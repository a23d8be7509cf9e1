"""csrf_origins: what browsers send as Origin for the site's names."""

from ansible_collections.djangodocker.deploy.plugins.filter.csrf_origins import csrf_origins


def test_default_ports_are_left_out_as_browsers_leave_them_out():
    assert csrf_origins(["example.com", "www.example.com"]) == [
        "http://example.com", "http://www.example.com", "https://example.com", "https://www.example.com"]


def test_other_ports_are_part_of_the_origin_and_wildcards_are_no_origin():
    assert csrf_origins(["example.com", "*.example.com", "*"], 8080, "8443") == [
        "http://example.com:8080", "https://example.com:8443"]
