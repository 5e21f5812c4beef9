"""The Weibo creator keyword: a uid or a profile link, read into the uid the user timeline (containerid
107603{uid}) takes; anything else is refused before a request, quoting what was sent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from keypick.exceptions import DataFetchError
from keypick.platforms.weibo import ADAPTER_INFO
from keypick.platforms.weibo.endpoints import creator_keyword
from keypick.sandbox.samples import walk_dicts
from tests.platforms.weibo.mock_platform import MakeAdapter, adapter_factory, ok_json
from tests.platforms.weibo.payloads import timeline
from tests.samples import load_sample

UID = "1331994986"  # the owner of the real user-timeline capture
SAMPLES = ("getindex_user_timeline-1.json", "hotflow-1.json", "comments_show-1.json")


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


def test_every_real_uid_reads_as_itself() -> None:
    # Users are the objects with a screen_name; their `id` is an int in every capture.
    uids = {str(d["id"]) for name in SAMPLES for d in walk_dicts(load_sample("weibo", name)) if "screen_name" in d}
    assert UID in uids and len(uids) > 10
    assert all(creator_keyword(uid) == uid for uid in uids)
    assert ADAPTER_INFO.creator_keyword is creator_keyword


@pytest.mark.parametrize(
    "link",
    [
        f"https://weibo.com/u/{UID}",
        f"https://www.weibo.com/u/{UID}?refer_flag=1001030103_&is_all=1",
        f"http://weibo.com/{UID}/",
        f"https://m.weibo.cn/u/{UID}?uid={UID}&luicode=10000011",
        f"https://m.weibo.cn/profile/{UID}",
        f"  {UID}\t",
    ],
)
def test_profile_links_read_as_the_uid(link: str) -> None:
    assert creator_keyword(link) == UID


@pytest.mark.parametrize(
    "bad",
    [
        "notanumber",
        "0",
        "-5",
        f"{UID}a",
        f"https://weibo.com/{UID}/Hz2Ed6kyd",  # a post, not its author
        "https://m.weibo.cn/detail/4383183661430868",
        "https://weibo.com/n/用户甲",  # a screen name: the timeline needs the uid
        f"https://evil.example/u/{UID}",
        f"ftp://weibo.com/u/{UID}",
    ],
)
def test_anything_else_is_refused_quoting_it(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        creator_keyword(bad)
    assert str(caught.value).startswith(f"{bad!r} is neither a Weibo uid")
    assert "https://weibo.com/u/<uid>" in str(caught.value) and "m.weibo.cn/profile/<uid>" in str(caught.value)


def test_a_long_input_is_quoted_cut() -> None:
    with pytest.raises(ValueError, match=r"^'x{120}\.\.\.' is neither"):
        creator_keyword("x" * 300)


async def test_author_posts_send_the_uid_and_refuse_without_a_request(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(timeline()))
    page = await adapter.author_posts(f"https://m.weibo.cn/u/{UID}", cursor=None)
    assert (rec.params()["value"], rec.params()["containerid"]) == (UID, f"107603{UID}") and page.posts
    with pytest.raises(DataFetchError, match="'notanumber' is neither a Weibo uid") as caught:
        await adapter.author_posts("notanumber", cursor=None)
    assert caught.value.endpoint == "creator_posts" and len(rec.requests) == 1
