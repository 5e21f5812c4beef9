"""The pure variation functions: same inputs, same bytes; real shapes kept."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from keypick.sandbox.samples import load_json
from keypick.sandbox.vary import (
    derive_digits,
    make_long,
    mid_to_bid,
    scale_count,
    vary_comment,
    vary_mblog,
    weibo_time,
)

CHINA = timezone(timedelta(hours=8))
WHEN = datetime(2026, 5, 31, 9, 5, 7, tzinfo=CHINA)


def _mblog(index: int) -> dict[str, object]:
    card: dict[str, object] = load_json("weibo", "getindex_user_timeline-1.json")["data"]["cards"][index]
    return card["mblog"]  # type: ignore[return-value]


def test_mid_to_bid_matches_the_real_pairs_in_the_samples() -> None:
    for card in load_json("weibo", "getindex_user_timeline-1.json")["data"]["cards"]:
        assert mid_to_bid(card["mblog"]["mid"]) == card["mblog"]["bid"]


def test_weibo_time_is_the_real_format() -> None:
    assert weibo_time(datetime(2019, 6, 14, 20, 39, 20, tzinfo=CHINA)) == "Fri Jun 14 20:39:20 +0800 2019"
    parsed = datetime.strptime(weibo_time(WHEN), "%a %b %d %H:%M:%S %z %Y")
    assert parsed == WHEN


def test_derive_digits_keeps_length_and_first_digit() -> None:
    new = derive_digits("4383183661430868", "k", 1, 2)
    assert len(new) == 16 and new.isdigit() and new[0] == "4"
    assert new == derive_digits("4383183661430868", "k", 1, 2)
    assert new != derive_digits("4383183661430868", "k", 1, 3)
    with pytest.raises(ValueError):
        derive_digits("abc", "k")


def test_scale_count_keeps_string_counts() -> None:
    assert scale_count("100万+", 1.3) == "100万+"
    assert scale_count(1000, 1.5) == 1500
    assert scale_count(True, 2.0) is True


def test_vary_mblog_is_deterministic_and_keeps_other_fields() -> None:
    raw = _mblog(4)  # has "100万+" as reposts_count
    first = vary_mblog(raw, seed="s", keyword="咖啡", page=2, slot=3, created_at=WHEN)
    again = vary_mblog(raw, seed="s", keyword="咖啡", page=2, slot=3, created_at=WHEN)
    assert json.dumps(first, ensure_ascii=False) == json.dumps(again, ensure_ascii=False)
    assert first["id"] == first["mid"] == first["idstr"] != raw["id"]
    assert first["bid"] == mid_to_bid(first["id"])
    assert first["created_at"] == weibo_time(WHEN)
    assert first["reposts_count"] == "100万+"
    assert isinstance(first["attitudes_count"], int) and first["attitudes_count"] != raw["attitudes_count"]
    assert "#咖啡#" in first["text"] and str(raw["text"]) in first["text"]
    for key in ("user", "pics", "source", "number_display_strategy", "visible"):
        assert first.get(key) == raw.get(key)
    assert raw["id"] == "4381207217392722"  # the cached sample itself is untouched


def test_vary_mblog_differs_by_keyword_page_and_slot() -> None:
    raw = _mblog(0)
    ids = {
        vary_mblog(raw, seed="s", keyword=k, page=p, slot=s, created_at=WHEN)["id"]
        for k in ("咖啡", "手冲")
        for p in (1, 2)
        for s in (0, 1)
    }
    assert len(ids) == 8


def test_make_long_cuts_the_list_text_and_keeps_the_full_one() -> None:
    mblog = vary_mblog(_mblog(0), seed="s", keyword="咖啡", page=1, slot=0, created_at=WHEN)
    listed, full = make_long(mblog, "第二段")
    assert listed["isLongText"] is True and full["isLongText"] is True
    assert listed["text"].endswith(f' ...<a href="/status/{mblog["id"]}">全文</a>')
    assert full["text"].startswith(mblog["text"]) and full["text"].endswith("第二段")


def test_vary_comment_renames_replies_under_the_new_root() -> None:
    raw = load_json("weibo", "hotflow-1.json")["data"]["data"][0]
    post_time = WHEN - timedelta(hours=5)
    comment = vary_comment(raw, seed="s", mid="4111111111111111", page=1, slot=0, post_time=post_time, now=WHEN)
    assert comment["id"] == comment["rootid"] == comment["mid"] != raw["id"]
    when = datetime.strptime(comment["created_at"], "%a %b %d %H:%M:%S %z %Y")
    assert post_time <= when <= WHEN
    (reply,) = comment["comments"]
    assert reply["rootid"] == comment["id"] and reply["id"] != raw["comments"][0]["id"]
    assert reply["bid"] == mid_to_bid(reply["id"])
    assert comment["user"] == raw["user"] and comment["text"] == raw["text"]
