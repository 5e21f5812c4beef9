"""Request bytes and signatures: what is signed is what is sent (checked by decoding X-S as the sandbox does)."""

from __future__ import annotations

import json

import pytest

from keypick.platforms.xiaohongshu.signing import (
    Signer,
    base_headers,
    encode_body,
    encode_query,
    make_search_id,
    parse_cookie,
)
from keypick.sandbox.xiaohongshu import signature_problem
from tests.platforms.xiaohongshu.payloads import A1, COOKIE, FETCHED_AT

NOW_MS = int(FETCHED_AT.timestamp() * 1000)


def test_parse_cookie() -> None:
    assert parse_cookie(" a1=x; web_session=y=z ;; junk; a1=w ") == {"a1": "w", "web_session": "y=z"}
    assert parse_cookie(None) == {} and parse_cookie("") == {}
    assert parse_cookie(COOKIE)["a1"] == A1


def test_encode_query_keeps_order_and_commas() -> None:
    params = {"note_id": "abc", "cursor": "", "image_formats": "jpg,webp,avif", "q": "咖啡 a/b&c", "n": 10}
    assert encode_query(params) == (
        "note_id=abc&cursor=&image_formats=jpg,webp,avif&q=%E5%92%96%E5%95%A1%20a%2Fb%26c&n=10"
    )
    assert encode_query({"formats": ["jpg", "webp"]}) == "formats=jpg,webp"


def test_encode_body_is_compact_utf8() -> None:
    body = encode_body({"keyword": "咖啡", "page": 1, "extra": {"need_body_topic": 1}})
    assert body == '{"keyword":"咖啡","page":1,"extra":{"need_body_topic":1}}'.encode()


def test_search_id_is_base36_of_time_and_salt() -> None:
    search_id = make_search_id(1760931608022, 12345)
    assert int(search_id, 36) == (1760931608022 << 64) + 12345
    assert search_id == search_id.lower() and search_id.isalnum()
    assert make_search_id(0, 0) == "0"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/api/sns/web/v2/comment/page",
         {"note_id": "66696f98000000000d00f289", "cursor": "", "image_formats": "jpg,webp,avif", "xsec_token": "AB=="}),
        ("POST", "/api/sns/web/v1/search/notes", {"keyword": "咖啡 拿铁", "page": 1, "sort": "general"}),
    ],
)  # fmt: skip
def test_signature_covers_the_bytes_sent(method: str, path: str, data: dict[str, object]) -> None:
    headers = Signer().sign(method, path, cookies=parse_cookie(COOKIE), data=data, timestamp=FETCHED_AT.timestamp())  # type: ignore[arg-type]
    assert {"X-S", "X-T", "x-S-Common", "X-B3-Traceid"} <= set(headers)
    assert headers["X-S"].startswith("XYS_") and headers["X-T"] == str(NOW_MS)
    lower = {k.lower(): v for k, v in headers.items()}
    sent = path + (f"?{encode_query(data)}" if method == "GET" else encode_body(data).decode())
    assert signature_problem(lower, sent, A1, NOW_MS) is None
    # Any other bytes (a non-compact body, a re-encoded query) do not match the signature.
    other = path + (f"?{encode_query(data).replace(',', '%2C')}" if method == "GET" else json.dumps(data))
    assert signature_problem(lower, other, A1, NOW_MS) == "X-S was not computed over the bytes sent"
    assert signature_problem(lower, sent, "another-a1", NOW_MS) == "X-S was signed for another a1"
    assert (
        signature_problem(lower, sent, A1, NOW_MS + 10 * 60_000)
        == "X-T must be the signing time in ms, within 5 minutes"
    )


def test_x_rap_param_only_when_asked() -> None:
    signer, cookies = Signer(), parse_cookie(COOKIE)
    plain = signer.sign(
        "POST", "/api/sns/web/v1/feed", cookies=cookies, data={"a": 1}, timestamp=FETCHED_AT.timestamp()
    )
    rap = signer.sign("POST", "/api/sns/web/v1/feed", cookies=cookies, data={"a": 1}, timestamp=1.0e9, x_rap=True)
    assert "x-rap-param" not in plain and rap["x-rap-param"]


def test_base_headers() -> None:
    api = base_headers(user_agent="UA", cookie=COOKIE, json_body=True)
    assert api["Content-Type"] == "application/json;charset=UTF-8" and api["Origin"] == "https://www.xiaohongshu.com"
    assert api["Referer"] == "https://www.xiaohongshu.com/" and api["Cookie"] == COOKIE
    page = base_headers(user_agent="UA", cookie=COOKIE, page=True)
    assert "Origin" not in page and page["Accept"].startswith("text/html")
