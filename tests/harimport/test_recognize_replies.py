"""Recognising reply pages (Zhihu child_comment, Tieba 楼中楼) and the time a HAR entry was received."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keypick.exceptions import ParseError
from keypick.harimport.parse import parse_entry, received_at
from keypick.harimport.recognize import Recognised, recognise
from keypick.platforms.normalize import CHINA_TZ

from .sandbox_har import ANCHOR, Recorder, as_utc

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def _entry(url: str, text: str = "{}", started: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"request": {"method": "GET", "url": url},
                             "response": {"status": 200, "content": {"text": text}}}  # fmt: skip
    if started is not None:
        entry["startedDateTime"] = started
    return entry


def _recognised(entry: dict[str, Any]) -> Recognised:
    item = recognise(entry)
    assert isinstance(item, Recognised), item
    return item


def test_child_comment_page_names_its_root_not_its_post() -> None:
    url = "https://www.zhihu.com/api/v4/comment_v5/comment/11037283409/child_comment?order=sort&offset=&limit=10"
    item = _recognised(_entry(url, '{"data": []}'))
    assert (item.route.platform, item.route.kind, item.parent_id, item.post_id) == ("zhihu", "replies",
                                                                                   "11037283409", None)  # fmt: skip


def test_sub_reply_page_names_thread_and_floor() -> None:
    item = _recognised(_entry("https://tieba.baidu.com/p/comment?tid=9544608804&pid=118815692231&fid=1&pn=2", "<ul>"))
    assert (item.route.kind, item.post_id, item.parent_id, item.payload) == ("replies", "9544608804", "118815692231",
                                                                            "<ul>")  # fmt: skip
    for query, missing in (("pid=1&pn=1", "tid"), ("tid=1&pn=1", "pid"), ("pn=1", "tid and pid")):
        assert recognise(_entry(f"https://tieba.baidu.com/p/comment?{query}", "<ul>")) == (
            f"tieba replies page without {missing} in its URL"
        )


def test_sub_reply_page_must_be_html() -> None:
    item = _recognised(_entry("https://tieba.baidu.com/p/comment?tid=1&pid=2&pn=1", '{"error_code": 0}'))
    with pytest.raises(ParseError, match="expected the HTML 楼中楼 page"):
        parse_entry(item, now=NOW)


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        ("2026-06-01T12:00:00.123+08:00", datetime(2026, 6, 1, 4, 0, 0, 123000, tzinfo=UTC)),
        ("2026-06-01T04:00:00Z", datetime(2026, 6, 1, 4, tzinfo=UTC)),
        ("2026-06-01T04:00:00", datetime(2026, 6, 1, 4, tzinfo=UTC)),  # no zone: taken as UTC
        ("yesterday", NOW),
        (None, NOW),
    ],
)
def test_received_at(started: str | None, expected: datetime) -> None:
    assert received_at(_recognised(_entry("https://www.zhihu.com/api/v4/search_v3?q=x", started=started)),
                       now=NOW) == expected  # fmt: skip


async def test_relative_times_count_from_when_the_page_was_received() -> None:
    rec = Recorder()
    try:
        html = (await rec.tieba_get("/f/search/res", {"qw": "咖啡", "pn": 1}, record=False)).text
        tid = re.search(r'data-tid="(\d+)"', html)
        assert tid is not None
        page = await rec.page_pc(tid.group(1), record=False)
        floor = next(f for f in page["post_list"] if f["sub_post_number"])
        await rec.tieba_get("/p/comment", {"tid": tid.group(1), "fid": page["forum"]["id"], "pid": floor["id"],
                                           "pn": 1})  # fmt: skip
    finally:
        await rec.aclose()
    entry = rec.entries[0]
    # The replay writes absolute times; the page also shows "昨天 HH:MM" (a test edit of the saved page).
    text = re.sub(r'(<span class="lzl_time">)[^<]*', r"\g<1>昨天 09:30", entry["response"]["content"]["text"])
    entry["response"]["content"]["text"] = text
    replies = parse_entry(_recognised(entry), now=NOW)
    yesterday = ANCHOR.astimezone(CHINA_TZ).date() - timedelta(days=1)
    expected = as_utc(datetime(yesterday.year, yesterday.month, yesterday.day, 9, 30, tzinfo=CHINA_TZ))
    assert replies and all(getattr(r, "publish_time", None) == expected for r in replies)
