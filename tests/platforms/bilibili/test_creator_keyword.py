"""The Bilibili creator keyword: a mid or a space link, read into the mid /x/space/wbi/arc/search takes;
anything else is refused before a signed request, quoting what was sent."""

from __future__ import annotations

import pytest

from keypick.exceptions import DataFetchError
from keypick.platforms.bilibili import ADAPTER_INFO
from keypick.platforms.bilibili.space import creator_keyword
from keypick.sandbox.samples import walk_dicts
from tests.platforms.bilibili.mock_platform import adapter_factory, ok_json, params_of
from tests.platforms.bilibili.payloads import space_videos
from tests.samples import load_sample

MID = "5843802"  # an uploader of search_type_video-1
SAMPLES = ("search_type_video-1.json", "search_type_video-2.json", "reply-1.json", "reply-2.json",
           "reply_wbi_main-1.json")  # fmt: skip
SPACE = "/x/space/wbi/arc/search"


def test_every_real_mid_reads_as_itself() -> None:
    # mids come as ints (search items, reply.mid) and as strings (member.mid, mid_str): both read the same.
    found = [d[k] for name in SAMPLES for d in walk_dicts(load_sample("bilibili", name))
             for k in ("mid", "mid_str") if k in d]  # fmt: skip
    assert {type(m) for m in found} == {int, str} and len(found) > 50
    assert all(creator_keyword(str(mid)) == str(mid) for mid in found)
    assert creator_keyword("2608191526107180") == "2608191526107180"  # the 16-digit mid of search_type_video-1
    assert ADAPTER_INFO.creator_keyword is creator_keyword


@pytest.mark.parametrize(
    "link",
    [
        f"https://space.bilibili.com/{MID}",
        f"https://space.bilibili.com/{MID}/",
        f"https://space.bilibili.com/{MID}/video?tid=0&pn=2",
        f"http://space.bilibili.com/{MID}/dynamic",
        f" {MID} ",
    ],
)
def test_space_links_read_as_the_mid(link: str) -> None:
    assert creator_keyword(link) == MID


@pytest.mark.parametrize(
    "bad",
    [
        "-5",
        "0",
        "012",
        "用户甲",
        "BV1M1421t7hT",  # a video, not its uploader
        "https://www.bilibili.com/video/BV1M1421t7hT",
        "https://space.bilibili.com/",
        f"https://evil.example/{MID}",
        "1" * 20,
    ],
)
def test_anything_else_is_refused_quoting_it(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        creator_keyword(bad)
    assert str(caught.value).startswith(f"{bad!r} is neither a Bilibili mid")
    assert "https://space.bilibili.com/<mid>" in str(caught.value)


async def test_author_posts_send_the_mid_and_refuse_without_a_request() -> None:
    async with adapter_factory() as build:
        adapter, router = build({SPACE: [ok_json(space_videos())]})
        page = await adapter.author_posts(f"https://space.bilibili.com/{MID}/video", cursor=None)
        (sent,) = router.on(SPACE)
        assert params_of(sent)["mid"] == MID and sent.headers["Referer"].endswith(f"/{MID}/video") and page.posts
        sent_before = len(router.requests)
        with pytest.raises(DataFetchError, match="'-5' is neither a Bilibili mid") as caught:
            await adapter.author_posts("-5", cursor=None)
    assert caught.value.endpoint == "creator_posts" and len(router.requests) == sent_before
