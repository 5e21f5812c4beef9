"""The Tieba creator keyword: a portrait or a /home/main?id= link, read into the portrait myThread takes;
anything else (a /home/main?un= link names a user by name) is refused before a signed request, quoting it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from keypick.exceptions import DataFetchError
from keypick.platforms.tieba import ADAPTER_INFO
from keypick.platforms.tieba.creator import creator_keyword
from keypick.sandbox.tieba_data import TiebaData, authors
from tests.platforms.tieba.mock_platform import MakeAdapter, adapter_factory, ok_json
from tests.platforms.tieba.payloads import PORTRAIT, my_thread


@pytest.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    async with adapter_factory() as build:
        yield build


def test_every_portrait_the_replay_gives_reads_as_itself() -> None:
    # No Tieba capture holds a portrait (the search page links by un=): the replay's are "tb.1.{8 hex}.{22}".
    data = TiebaData(seed="keypick", anchor=datetime.now(UTC))
    portraits = {data.user(name)["portrait"] for name in authors()}
    assert len(portraits) > 5 and all(creator_keyword(p) == p for p in portraits)
    assert creator_keyword(PORTRAIT) == PORTRAIT
    assert ADAPTER_INFO.creator_keyword is creator_keyword


@pytest.mark.parametrize(
    "link",
    [
        f"https://tieba.baidu.com/home/main?id={PORTRAIT}",
        f"https://tieba.baidu.com/home/main?id={PORTRAIT}&fr=userbar",
        f"https://tieba.baidu.com/home/main/?fr=pb&id={PORTRAIT}",
        f"http://tieba.baidu.com/home/main?id={PORTRAIT}%3Ft%3D1722847500",  # the cache-buster, percent-encoded
        f"{PORTRAIT}?t=1722847500",  # copied out of an avatar URL
        f" {PORTRAIT} ",
    ],
)
def test_profile_links_read_as_the_portrait(link: str) -> None:
    assert creator_keyword(link) == PORTRAIT


def test_an_old_hex_portrait_reads_as_itself() -> None:
    # Accounts from before the tb.1 scheme keep an all-hex portrait; myThread takes it the same way.
    old = "7b5fe5b0b3e5a59de6b5b7e9a38e"
    assert creator_keyword(old) == old
    assert creator_keyword(f"https://tieba.baidu.com/home/main?id={old}") == old


@pytest.mark.parametrize(
    "bad",
    [
        "https://tieba.baidu.com/home/main?un=foo",  # a user name: myThread needs the portrait
        "https://tieba.baidu.com/home/main?un=%D3%C3%BB%A7%BC%D7",  # as the captured search page links
        "https://tieba.baidu.com/home/main",
        f"https://tieba.baidu.com/p/9094421380?id={PORTRAIT}",
        f"https://evil.example/home/main?id={PORTRAIT}",
        "tb.1.nobody.nobody",
        "用户甲",
        "1785412375",
    ],
)
def test_anything_else_is_refused_quoting_it(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        creator_keyword(bad)
    assert str(caught.value).startswith(f"{bad!r} is neither a Tieba portrait")
    assert "https://tieba.baidu.com/home/main?id=<portrait>" in str(caught.value)


async def test_author_posts_send_the_portrait_and_refuse_without_a_request(make_adapter: MakeAdapter) -> None:
    adapter, rec = make_adapter(ok_json(my_thread(has_more=0)))
    await adapter.author_posts(f"{PORTRAIT}?t=1", cursor=None)
    assert rec.params()["portrait"] == PORTRAIT
    with pytest.raises(DataFetchError, match=r"'https://tieba\.baidu\.com/home/main\?un=foo' is neither") as caught:
        await adapter.author_posts("https://tieba.baidu.com/home/main?un=foo", cursor=None)
    assert caught.value.endpoint == "creator_posts" and len(rec.requests) == 1
