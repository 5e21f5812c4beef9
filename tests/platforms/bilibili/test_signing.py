"""WBI signing (pure functions) against the public example vector, and the request headers."""

from __future__ import annotations

import hashlib

import pytest

from keypick.exceptions import LoginRequired, ParseError
from keypick.platforms.bilibili.signing import (
    MIXIN_TABLE,
    WbiKeys,
    build_headers,
    clean_value,
    encode_query,
    key_from_url,
    mixin_key,
    parse_nav_keys,
    sign_params,
)
from tests.platforms.bilibili.payloads import IMG_KEY, MIXIN, SUB_KEY, nav

KEYS = WbiKeys(IMG_KEY, SUB_KEY)


def test_the_table_is_a_permutation_of_64() -> None:
    assert sorted(MIXIN_TABLE) == list(range(64))


def test_mixin_key_of_the_example_keys() -> None:
    assert mixin_key(KEYS) == MIXIN


def test_mixin_key_rejects_short_keys() -> None:
    with pytest.raises(ValueError, match="32 \\+ 32"):
        mixin_key(WbiKeys("abc", SUB_KEY))


def test_sign_params_matches_the_example_vector() -> None:
    # The documented example: foo=114, bar=514, zab=1919810 at wts=1702204169.
    signed = sign_params({"foo": "114", "bar": "514", "zab": 1919810}, KEYS, wts=1702204169)
    assert list(signed) == ["bar", "foo", "wts", "zab", "w_rid"]
    assert signed == {"bar": "514", "foo": "114", "wts": "1702204169", "zab": "1919810",
                      "w_rid": "8f6f2b5b3d485fe1886cec6a0be8c5d4"}  # fmt: skip


def test_sign_params_strips_encodes_and_replaces_old_signatures() -> None:
    signed = sign_params({"keyword": "a b!'()*c", "w_rid": "old", "wts": 1, "none": None}, KEYS, wts=100)
    assert signed["keyword"] == "a bc" and signed["wts"] == "100" and "none" not in signed
    query = "keyword=a%20bc&wts=100"  # encodeURIComponent: space → %20, never "+"
    assert signed["w_rid"] == hashlib.md5((query + MIXIN).encode()).hexdigest()


def test_encode_query_encodes_utf8_and_reserved_characters() -> None:
    assert encode_query({"keyword": "咖啡&茶", "k=": "/"}) == "keyword=%E5%92%96%E5%95%A1%26%E8%8C%B6&k%3D=%2F"
    assert clean_value("(x)!*'") == "x" and clean_value(20) == "20"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (f"https://i0.hdslb.com/bfs/wbi/{IMG_KEY}.png", IMG_KEY),
        (f"https://i0.hdslb.com/bfs/wbi/{SUB_KEY}.png?x=1", SUB_KEY),
        ("noext", "noext"),
        (None, ""),
    ],
)
def test_key_from_url(url: object, key: str) -> None:
    assert key_from_url(url) == key


def test_nav_keys_logged_out_and_logged_in() -> None:
    assert parse_nav_keys(nav()) == KEYS  # code -101 still carries the keys
    assert parse_nav_keys(nav(logged_in=True)) == KEYS


def test_nav_without_keys_raises_what_the_code_says() -> None:
    with pytest.raises(LoginRequired):
        parse_nav_keys({"code": -101, "message": "账号未登录", "ttl": 1})
    with pytest.raises(ParseError, match="wbi_img"):
        parse_nav_keys({"code": 0, "message": "0", "data": {"wbi_img": {"img_url": "https://x/short.png"}}})
    with pytest.raises(ParseError):
        parse_nav_keys("<html>")


def test_headers_are_a_desktop_browser_on_www_bilibili_com() -> None:
    headers = build_headers(user_agent="UA", cookie=" SESSDATA=x; buvid3=y ")
    assert headers["User-Agent"] == "UA"
    assert headers["Referer"] == "https://www.bilibili.com/" and headers["Origin"] == "https://www.bilibili.com"
    assert headers["Cookie"] == "SESSDATA=x; buvid3=y"
    assert "Cookie" not in build_headers(user_agent="UA", cookie="  ")
    assert build_headers(user_agent="UA", referer="https://www.bilibili.com/video/BV1")["Referer"].endswith("BV1")
