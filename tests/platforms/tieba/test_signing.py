"""Tieba PC md5 signing (platforms.md §6.1) and request headers."""

from __future__ import annotations

import hashlib

from keypick.platforms.tieba.signing import SIGN_SECRET, build_headers, compute_sign, sign_params

SEARCH = {"rn": 20, "st": 1, "word": "咖啡", "needbrand": 1, "sug_type": 2, "pn": 1, "come_from": "search"}


def test_search_sign_is_md5_of_sorted_pairs_plus_secret() -> None:
    signed = sign_params(SEARCH)
    # Spelled out by hand: keys in sorted order ("_" sorts before lower-case letters), no separators.
    text = "_client_type=20come_from=searchneedbrand=1pn=1rn=20st=1subapp_type=pcsug_type=2word=咖啡"
    assert signed["sign"] == hashlib.md5((text + SIGN_SECRET).encode("utf-8")).hexdigest()
    assert signed["sign"] == "0874205a30abb7c4eb3b75c54e58ff07"
    assert (signed["subapp_type"], signed["_client_type"]) == ("pc", "20")
    assert all(isinstance(v, str) for v in signed.values())


def test_empty_params_still_carry_the_pc_markers() -> None:
    assert sign_params({}) == {"subapp_type": "pc", "_client_type": "20", "sign": "e9b101df871c39eedcf9a232c2d26ec8"}


def test_sign_skips_none_sign_and_sig_but_keeps_empty_strings() -> None:
    base = {"portrait": "tb.1.x", "un": ""}
    assert compute_sign(base | {"sign": "old", "sig": "x", "gone": None}) == compute_sign(base)
    assert compute_sign(base) != compute_sign({"portrait": "tb.1.x"})  # "un=" is part of the text
    signed = sign_params(base | {"sig": "x", "gone": None})
    assert set(signed) == {"portrait", "un", "subapp_type", "_client_type", "sign"}


def test_sign_does_not_depend_on_insertion_order_and_reads_booleans_as_digits() -> None:
    assert compute_sign({"a": 1, "b": 2}) == compute_sign({"b": "2", "a": "1"})
    assert compute_sign({"flag": True}) == compute_sign({"flag": "1"})


def test_given_pc_markers_are_overridden() -> None:
    assert sign_params({"subapp_type": "app"})["subapp_type"] == "pc"


def test_headers() -> None:
    headers = build_headers(user_agent="UA", cookie=" BDUSS=x; BAIDUID=y ", form=True)
    assert headers["User-Agent"] == "UA" and headers["Cookie"] == "BDUSS=x; BAIDUID=y"
    assert headers["Referer"] == "https://tieba.baidu.com/" and headers["Origin"] == "https://tieba.baidu.com"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded;charset=UTF-8"
    assert headers["Accept"].startswith("application/json")
    page = build_headers(user_agent="UA", referer="https://tieba.baidu.com/p/1", json=False)
    assert page["Accept"].startswith("text/html") and "Cookie" not in page and "Content-Type" not in page
    assert page["Referer"] == "https://tieba.baidu.com/p/1"
