# -*- coding: utf-8 -*-
# Copyright: djangodocker.deploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.djangodocker.deploy.plugins.module_utils.url_logins import (
    hide_url_passwords, masked, url_passwords)

INDEX = "https://deploy:s3cr3t@pypi.example.com/simple/"


def test_passwords_of_urls_anywhere_in_the_arguments():
    args = {"mirrors": [{"name": "PyPI index", "url": INDEX + "django/"}],
            "files": {"pip.conf": "[global]\nindex-url = http://me:p%40ss@10.0.0.1:8080/simple/\n"},
            "plain": "https://mirrors.aliyun.com/pypi/simple/", "count": 3}
    assert url_passwords(args) == {"s3cr3t", "p%40ss"}


def test_no_login_no_password():
    assert url_passwords(["https://mirrors.aliyun.com/pypi/simple/", "http://user@host/", "a:b@c", None]) == set()


def test_a_password_holding_at_signs_ends_at_the_last_one_before_the_host():
    assert url_passwords("https://u:a@b@host/simple/") == {"a@b"}


def test_an_action_result_is_masked_only_where_a_password_is():
    result = {"msg": "PyPI index %sdjango/: timed out" % INDEX, "failed": True, "steps": ["context"]}
    assert masked(result, {"context": {"mirrors": [{"url": INDEX}]}}) == {
        "msg": "PyPI index https://deploy:********@pypi.example.com/simple/django/: timed out", "failed": True,
        "steps": ["context"]}
    assert masked(result, {"url": "https://pypi.example.com/simple/"}) is result


class FakeModule:
    def __init__(self, params):
        self.params, self.no_log_values = params, set()


def test_a_module_adds_the_passwords_to_its_no_log_values():
    module = FakeModule({"mirrors": [{"url": INDEX}], "mirror_check": "fail"})
    hide_url_passwords(module)
    assert module.no_log_values == {"s3cr3t"}
