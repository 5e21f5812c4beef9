"""DouyinAdapter against the www.douyin.com replay in process, through a page that signs like the sandbox page.

No Chromium here (tests/crawl/test_douyin_e2e.py runs the real page): `SandboxPage` appends `a_bogus`
as the page's hook does. This checks that what the adapter sends is what the replay demands.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, timedelta

import httpx
import pytest

from keypick.config import Politeness
from keypick.crawler.http import PlatformHttp
from keypick.crawler.ratelimit import Slot
from keypick.enums import SortBy
from keypick.exceptions import LoginRequired, RiskControl
from keypick.platforms.base import SearchOptions
from keypick.platforms.douyin import DouyinAdapter
from keypick.sandbox import create_sandbox_app
from tests.platforms.douyin.fake_browser import SandboxPage
from tests.sandbox.conftest import ANCHOR

Make = Callable[..., DouyinAdapter]


@pytest.fixture
async def make() -> AsyncIterator[Make]:
    pages: list[SandboxPage] = []
    clients: list[httpx.AsyncClient] = []

    def build(*, cookie: str | None = "sessionid=abc", signed: bool = True) -> DouyinAdapter:
        page = SandboxPage(create_sandbox_app(anchor=ANCHOR), sign_requests=signed)
        client = httpx.AsyncClient()
        pages.append(page)
        clients.append(client)
        politeness = Politeness(min_interval=0, jitter=0, backoff_base=0, daily_budget=0, max_retries=0)
        http = PlatformHttp("douyin", client=client, slot=Slot("douyin", politeness),
                            sandbox_url="http://sandbox.test", browser=page, cookies=cookie)  # fmt: skip
        return DouyinAdapter(http, clock=lambda: ANCHOR.astimezone(UTC))

    yield build
    for page in pages:
        await page.aclose()
    for client in clients:
        await client.aclose()


async def test_search_pages_to_the_end_newest_first(make: Make) -> None:
    adapter = make()
    options = SearchOptions(sort_by=SortBy.RECENT)
    posts, cursor, pages = [], None, 0
    while True:
        page = await adapter.search("咖啡", cursor=cursor, options=options)
        posts += page.posts
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 5 and len(posts) == len({p.id for p in posts}) == 50
    times = [p.publish_time for p in posts]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]
    assert all("咖啡" in p.content and "咖啡" in p.tags for p in posts)


async def test_time_window_uses_the_native_filter(make: Make) -> None:
    adapter = make()
    since = ANCHOR.astimezone(UTC) - timedelta(hours=20)
    page = await adapter.search("咖啡", cursor=None, options=SearchOptions(sort_by=SortBy.RECENT, since=since))
    assert len(page.posts) == 10 and page.next_cursor is not None
    last = await adapter.search("咖啡", cursor=page.next_cursor, options=SearchOptions(since=since))
    assert last.next_cursor is None and 0 < len(last.posts) < 10  # publish_time=1 keeps about 16


async def test_comments_replies_and_the_author(make: Make) -> None:
    adapter = make()
    post = (await adapter.search("手冲", cursor=None, options=SearchOptions())).posts[0]
    collected, cursor = [], None
    while True:
        page = await adapter.comments(post, cursor=cursor)
        collected += page.comments
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    roots = [c for c in collected if c.parent_id is None]
    replies = [c for c in collected if c.parent_id is not None]
    assert len(roots) == 30 and len(replies) == sum(c.reply_count or 0 for c in roots)
    assert len({c.comment_id for c in collected}) == len(collected)
    assert {r.parent_id for r in replies} <= {c.comment_id for c in roots}
    assert post.author_id is not None
    author = await adapter.author(post.author_id)
    assert author.author_id == post.author_id and author.nickname == post.author


async def test_an_unsigned_call_is_refused_with_an_empty_body(make: Make) -> None:
    with pytest.raises(RiskControl, match="empty body"):
        await make(signed=False).search("咖啡", cursor=None, options=SearchOptions())


async def test_no_login_cookie(make: Make) -> None:
    with pytest.raises(LoginRequired, match="用户未登录"):
        await make(cookie=None).search("咖啡", cursor=None, options=SearchOptions())
