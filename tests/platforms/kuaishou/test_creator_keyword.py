"""The Kuaishou creator keyword: a user id or a profile link, read into the user_id /rest/v/profile/feed takes;
anything else is refused before a page-signed request, quoting what was sent.

No real Kuaishou capture exists: the "3x…" ids are those of the sandbox (kuaishou_data.ks_id), the form of
www.kuaishou.com/profile/ links; an id may also come as a number (the parsers read int ids too)."""

from __future__ import annotations

import json

import pytest

from keypick.exceptions import DataFetchError
from keypick.platforms.kuaishou import ADAPTER_INFO
from keypick.platforms.kuaishou.endpoints import creator_keyword
from keypick.sandbox.kuaishou_data import ks_id
from tests.platforms.kuaishou.mock_platform import adapter_factory, ok_json
from tests.platforms.kuaishou.payloads import douyin_awemes, real_user_id, reshaped_profile_feed
from tests.samples import load_sample


def test_every_id_the_replay_gives_reads_as_itself() -> None:
    # The replay's authors and commenters: the real douyin people under their Kuaishou-style ids.
    people = [a["author"]["uid"] for a in douyin_awemes()]
    people += [c["user"]["uid"] for c in load_sample("douyin", "comment_list-1.json")["comments"]]
    ids = {ks_id("user", uid) for uid in people}
    assert len(ids) > 10 and all(creator_keyword(i) == i for i in ids)
    assert creator_keyword("3xnobody00000000") == "3xnobody00000000"  # well-formed, unknown to the replay
    assert creator_keyword("2357512806") == "2357512806"  # a numeric user id
    assert ADAPTER_INFO.creator_keyword is creator_keyword


@pytest.mark.parametrize("form", ["https://www.kuaishou.com/profile/{id}", "https://kuaishou.com/profile/{id}/",
                                  "https://www.kuaishou.com/profile/{id}?source=NewReco", " {id} "])  # fmt: skip
def test_profile_links_read_as_the_user_id(form: str) -> None:
    user_id, _ = real_user_id()
    assert creator_keyword(form.format(id=user_id)) == user_id


@pytest.mark.parametrize(
    "bad",
    [
        "咖啡",
        "3x",
        "3X4SM73AYE7JQ7I",
        "user name",
        "0",
        "https://www.kuaishou.com/short-video/3xq2z8ybbc8ggqe",  # a video, not its author
        "https://www.kuaishou.com/profile/",
        "https://evil.example/profile/3xudqh1v5wifv9k",
    ],
)
def test_anything_else_is_refused_quoting_it(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        creator_keyword(bad)
    assert str(caught.value).startswith(f"{bad!r} is neither a Kuaishou user id")
    assert "https://www.kuaishou.com/profile/<user id>" in str(caught.value)


async def test_author_posts_send_the_user_id_and_refuse_without_a_request() -> None:
    user_id, _ = real_user_id()
    async with adapter_factory() as build:
        adapter, recorder, signer = build(ok_json(reshaped_profile_feed(user_id, pcursor="no_more")))
        page = await adapter.author_posts(f"https://www.kuaishou.com/profile/{user_id}", cursor=None)
        assert json.loads(recorder.requests[0].content)["user_id"] == user_id and len(page.posts) == 20
        with pytest.raises(DataFetchError, match="'咖啡' is neither a Kuaishou user id") as caught:
            await adapter.author_posts("咖啡", cursor=None)
    assert caught.value.endpoint == "creator_posts" and len(recorder.requests) == len(signer.signs) == 1
