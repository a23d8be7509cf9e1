"""site_answer: a page's answer judged at the end of the site's own redirects."""

import pytest

from ansible_collections.djangodocker.deploy.plugins.module_utils.site_answer import final_answer, next_hop


def site(pages):
    asked = []

    def ask(path, scheme):
        asked.append((path, scheme))
        return pages[path]
    return ask, asked


def test_a_redirect_on_the_site_is_followed_and_the_last_answer_judged():
    ask, asked = site({"/": (302, "/accounts/login/?next=/"), "/accounts/login/?next=/": (500, "")})
    assert final_answer(ask, "/", "http", "shop.example") == (500, "/accounts/login/?next=/")
    assert asked == [("/", "http"), ("/accounts/login/?next=/", "http")]


def test_absolute_and_relative_locations_on_the_same_host_are_the_site():
    assert next_hop(301, "https://shop.example/a/", "shop.example", "http", "/") == ("/a/", "https")
    assert next_hop(302, "login/", "shop.example", "http", "/admin/") == ("/admin/login/", "http")
    assert next_hop(308, "/x", "shop.example", "http", "/") == ("/x", "http")


def test_a_redirect_that_leaves_the_site_is_the_answer():
    assert next_hop(302, "https://sso.example/login", "shop.example", "http", "/") is None
    assert next_hop(302, "//cdn.example/x", "shop.example", "http", "/") is None
    assert next_hop(200, "/elsewhere", "shop.example", "http", "/") is None
    ask, dummy = site({"/": (302, "https://sso.example/login")})
    assert final_answer(ask, "/", "http", "shop.example") == (302, "/")


def test_a_redirect_loop_is_an_error():
    ask, dummy = site({"/a": (302, "/b"), "/b": (302, "/a")})
    with pytest.raises(ValueError, match="more than 5 redirects"):
        final_answer(ask, "/a", "http", "shop.example")
