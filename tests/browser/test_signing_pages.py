"""The sandbox signing pages and the cookie helpers, without a browser."""

from __future__ import annotations

import json

import pytest
from starlette.requests import Request

from keypick.browser.cookies import browser_cookies, parse_cookie_string, registrable_domain
from keypick.sandbox.signing_pages import PLATFORMS, X_ZST_81, sign, signing_page, verify_signature

UA = "Mozilla/5.0 test"


def make_request(path: str, query: str = "", headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "headers": raw}  # fmt: skip
    return Request(scope)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_page_is_a_full_html_page_with_the_hook(platform: str) -> None:
    page = signing_page(platform)
    assert page.startswith("<!DOCTYPE html>") and "<title>" in page and "sandbox hook" in page
    assert 'rel="icon" href="data:,"' in page  # no stray /favicon.ico request


def test_unknown_platform_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        signing_page("weibo")
    with pytest.raises(KeyError):
        verify_signature("weibo", make_request("/"))


def test_douyin_signature_covers_the_raw_query_and_the_user_agent() -> None:
    path, query = "/www.douyin.com/aweme/v1/web/aweme/detail/", "aweme_id=1&kw=%E4%B8%AD%20x"
    sig = sign("douyin", f"{path}?{query}\n{UA}")
    assert verify_signature("douyin", make_request(path, f"{query}&a_bogus={sig}", {"user-agent": UA}))
    assert not verify_signature("douyin", make_request(path, f"{query}&a_bogus={sig}", {"user-agent": "other"}))
    assert not verify_signature("douyin", make_request(path, f"aweme_id=2&a_bogus={sig}", {"user-agent": UA}))
    assert not verify_signature("douyin", make_request(path, query, {"user-agent": UA}))


def test_zhihu_signature_needs_d_c0_and_covers_it_as_sent() -> None:
    path, query, dc0 = "/www.zhihu.com/api/v4/search_v3", "q=python", '"AbC=|1700000000"'
    header = "2.0_" + sign("zhihu", f"{path}?{query}\n{dc0}")
    good = {"x-zse-96": header, "cookie": f"z_c0=x; d_c0={dc0}", "x-zst-81": X_ZST_81}
    assert verify_signature("zhihu", make_request(path, query, good))
    assert not verify_signature("zhihu", make_request(path, query, {**good, "cookie": "d_c0=other"}))
    assert not verify_signature("zhihu", make_request(path, query, {"x-zse-96": header}))
    assert not verify_signature("zhihu", make_request(path, query, {**good, "x-zse-96": header[4:]}))


def test_kuaishou_signature_covers_the_real_path_and_the_json_body() -> None:
    body = {"keyword": "美食", "pcursor": "1", "page": "search"}
    sig = sign("kuaishou", "/rest/v/search/feed\n" + json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    request = make_request("/www.kuaishou.com/rest/v/search/feed", f"__NS_hxfalcon={sig}&caver=2")
    spaced = json.dumps(body).encode()  # another serialisation of the same body still verifies
    assert verify_signature("kuaishou", request, spaced)
    assert not verify_signature("kuaishou", request, json.dumps({**body, "pcursor": "2"}).encode())
    assert not verify_signature("kuaishou", request, b"not json")


def test_cookie_string_parsing() -> None:
    pairs = parse_cookie_string(" a=1; b = x=y ;; =nameless; novalue; c=")
    assert pairs == [("a", "1"), ("b", "x=y"), ("c", "")]
    assert parse_cookie_string(None) == []


def test_cookie_domains() -> None:
    assert registrable_domain("www.douyin.com") == "douyin.com"
    assert registrable_domain("zhuanlan.zhihu.com") == "zhihu.com"
    assert registrable_domain("www.example.com.cn") == "example.com.cn"
    real = browser_cookies("a=1", "https://www.douyin.com/?recommend=1")
    assert real == [{"name": "a", "value": "1", "domain": ".douyin.com", "path": "/", "secure": True}]
    sandbox = browser_cookies("a=1", "http://127.0.0.1:8123/www.douyin.com/")
    assert sandbox == [{"name": "a", "value": "1", "url": "http://127.0.0.1:8123/"}]
