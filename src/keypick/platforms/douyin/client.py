"""Thin IO for www.douyin.com: build requests, send them from inside the page, check answers at one choke point."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx

from keypick.browser.cookies import parse_cookie_string
from keypick.content.schemas import Author, Post
from keypick.crawler.http import PlatformHttp
from keypick.enums import Platform
from keypick.exceptions import DataFetchError
from keypick.platforms.base import (
    AdapterInfo,
    Capabilities,
    CommentPage,
    Cursor,
    PlatformAdapter,
    SearchOptions,
    SearchPage,
)
from keypick.platforms.douyin import constants as c
from keypick.platforms.douyin.endpoints import ENDPOINTS
from keypick.platforms.douyin.parsers import (
    CommentsResult,
    parse_comments_page,
    parse_search_page,
    parse_user_profile,
)
from keypick.platforms.douyin.posts import creator_keyword, parse_user_posts
from keypick.platforms.douyin.signing import build_headers, build_params

log = logging.getLogger(__name__)

ADAPTER_INFO = AdapterInfo(
    platform=Platform.DOUYIN,
    capabilities=Capabilities(
        search=True,
        detail=False,
        comments=True,
        replies=True,
        author=True,
        author_posts=True,
        native_sorts=("hot→0 general", "likes→1 most liked", "recent→2 latest"),
        native_time_filter=True,
        needs_account=True,
        needs_browser=True,
        notes=(
            "www.douyin.com web API. Every call is signed (a_bogus) by Douyin's own page scripts: "
            "KeyPick sends it with fetch() from inside a headless Chromium page opened with the "
            "account's cookies (keypick[browser]); an unsigned or refused call comes back as an empty "
            "body (risk_control). Search needs a logged-in cookie (KEYPICK_COOKIES_DY). The time "
            "filter is coarse (1, 7 or 180 days, else any). Search cards carry the whole aweme, so no "
            "detail call is made; they have no ip_label. Replies are paged from /comment/list/reply/ "
            "for every comment with reply_comment_total > 0. Douyin publishes no view counts. Author "
            "posts (mode creator; keywords are sec_uids, the author_id of Douyin posts, or profile links) "
            "page /aweme/post/ by max_cursor, 18 a page, through the same page."
        ),
    ),
    page_size=c.PAGE_SIZE,
    creator_keyword=creator_keyword,
)

#: Requests one comments() call may spend skipping empty reply pages before it hands back.
_MAX_STEPS = 4
_READ_MS_TOKEN = "() => window.localStorage.getItem('xmst')"


def _utcnow() -> datetime:
    return datetime.now(UTC)


def new_webid() -> str:
    """Return a fresh 19-digit web device id, as the web client makes one locally."""
    return str(10**18 + secrets.randbelow(9 * 10**18))


class DouyinAdapter(PlatformAdapter):
    """The Douyin adapter: search with native filters, comments with paged replies, author profiles."""

    info = ADAPTER_INFO

    def __init__(
        self,
        http: PlatformHttp,
        *,
        webid: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        # Cookies travel with the browser page (PlatformHttp hands them to the BrowserFetcher).
        self.http = http
        self.webid = webid or new_webid()
        self._clock = clock
        self._ms_token: str | None = None
        self._ms_token_read = False

    def time_ordered(self, options: SearchOptions) -> bool:
        """True for sort_type 2 (latest), which lists newest posts first."""
        return c.SORT_TO_SORT_TYPE.get(options.sort_by) is c.SortType.LATEST

    async def search(self, keyword: str, *, cursor: Cursor | None, options: SearchOptions) -> SearchPage:
        """Return one search page; the cursor is {"offset", "search_id"} (the previous page's logid)."""
        offset = int((cursor or {}).get("offset", 0))
        params: dict[str, Any] = {
            "search_channel": "aweme_general", "enable_history": 1, "keyword": keyword,
            "search_source": "tab_search", "query_correct_type": 1, "is_filter_search": 0,
            "offset": offset, "count": c.PAGE_SIZE, "need_filter_settings": 1, "list_type": "multi",
            "search_id": (cursor or {}).get("search_id") or "",
        }  # fmt: skip
        sort_type = c.SORT_TO_SORT_TYPE.get(options.sort_by, c.SortType.GENERAL)
        publish_time = c.publish_time_for(options.since, now=self._clock())
        if sort_type or publish_time:
            selected = {"sort_type": str(int(sort_type)), "publish_time": str(int(publish_time))}
            params["filter_selected"] = json.dumps(selected, separators=(",", ":"))
            params["is_filter_search"] = 1
        payload = await self._get("search", params)
        result = parse_search_page(payload, fetched_at=self._clock())
        # Step by the count asked for (MC steps 10 while asking 15, so its pages overlap).
        next_cursor = None if result.end else {"offset": offset + c.PAGE_SIZE, "search_id": result.logid or ""}
        return SearchPage(posts=result.posts, next_cursor=next_cursor, skipped=result.skipped)

    async def author_posts(self, author_id: str, *, cursor: Cursor | None) -> SearchPage:
        """Return one page of a user's posts (author_id: the sec_uid); the cursor is {"max_cursor"} the list gave."""
        try:
            sec_uid = creator_keyword(author_id)
        except ValueError as exc:
            message = f"douyin creator_posts: {exc}"
            raise DataFetchError(message, platform=c.PLATFORM, endpoint="creator_posts") from None
        after = int((cursor or {}).get("max_cursor", 0))
        params = {"sec_user_id": sec_uid, "count": c.POSTS_PAGE_SIZE, "max_cursor": after, "locate_query": "false",
                  "publish_video_strategy_type": 2}  # fmt: skip
        result = parse_user_posts(await self._get("creator_posts", params), fetched_at=self._clock())
        # Ends on has_more 0 or an empty page (the parser's has_more), or a max_cursor that does not move.
        more = result.has_more and result.max_cursor != after
        return SearchPage(posts=result.posts, next_cursor={"max_cursor": result.max_cursor} if more else None,
                          skipped=result.skipped)  # fmt: skip

    async def comments(self, post: Post, *, cursor: Cursor | None) -> CommentPage:
        """Return the next batch: a root page, or one reply page of the next root that has replies.

        The cursor is {"cursor": next root cursor or None, "roots": [cids with replies still to
        fetch], "reply_cursor": cursor inside roots[0]}; None once everything is fetched.
        """
        state: dict[str, Any] = {"cursor": 0, "roots": [], "reply_cursor": 0, **(cursor or {})}
        for _ in range(_MAX_STEPS):
            roots: list[str] = list(state["roots"])
            if roots:
                result = await self._reply_page(post, roots[0], int(state["reply_cursor"]))
                more = bool(result.has_more and result.comments and result.cursor > int(state["reply_cursor"]))
                state["reply_cursor"] = result.cursor if more else 0
                state["roots"] = roots if more else roots[1:]
            elif state["cursor"] is not None:
                result = await self._root_page(post, int(state["cursor"]))
                more = bool(result.has_more and result.comments and result.cursor > int(state["cursor"]))
                state["cursor"] = result.cursor if more else None
                state["roots"] = result.reply_roots
            else:
                return CommentPage(comments=[], next_cursor=None)
            done = state["cursor"] is None and not state["roots"]
            if result.comments or done:
                return CommentPage(comments=result.comments, next_cursor=None if done else state)
        return CommentPage(comments=[], next_cursor=None)  # only empty pages: stop rather than spin

    async def check_login(self) -> bool | None:
        """Read the login from the cookie as the site's own check does (LOGIN_STATUS, sessionid); None if unsure.

        Douyin has no login-check endpoint: its pages trust the LOGIN_STATUS cookie (platforms.md §2).
        """
        if not self.http.cookies:
            return None
        jar = dict(parse_cookie_string(self.http.cookies))
        if not jar.get("sessionid"):
            return False  # no session at all: search refuses it
        return True if jar.get("LOGIN_STATUS") == "1" else None

    async def author(self, author_id: str) -> Author:
        """Return the profile of a user (author_id is the sec_uid)."""
        params = {"sec_user_id": author_id, "publish_video_strategy_type": 2, "personal_center_strategy": 1}
        payload = await self._get("creator_info", params)
        return parse_user_profile(payload, fetched_at=self._clock())

    async def _root_page(self, post: Post, cursor: int) -> CommentsResult:
        params = {"aweme_id": post.id, "cursor": cursor, "count": c.COMMENT_PAGE_SIZE, "item_type": 0}
        payload = await self._get("comments", params)
        return parse_comments_page(payload, post_id=post.id, fetched_at=self._clock())

    async def _reply_page(self, post: Post, root: str, cursor: int) -> CommentsResult:
        params = {"item_id": post.id, "comment_id": root, "cursor": cursor, "count": c.COMMENT_PAGE_SIZE,
                  "item_type": 0}  # fmt: skip
        payload = await self._get("replies", params)
        return parse_comments_page(payload, post_id=post.id, fetched_at=self._clock(), parent_id=root)

    async def _get(self, endpoint: str, params: dict[str, Any]) -> dict[str, Any]:
        """The one choke point: common params, sent from inside the page (which signs it), then checked."""
        query = build_params(params, webid=self.webid, ms_token=await self._page_ms_token())
        check: Callable[[httpx.Response], dict[str, Any]] = partial(self._check, endpoint=endpoint)
        return await self.http.fetch(
            "GET", ENDPOINTS[endpoint].url, check=check, endpoint=endpoint, params=query,
            headers=build_headers(), page_url=c.HOME_URL,
        )  # fmt: skip

    async def _page_ms_token(self) -> str | None:
        """Return msToken from the page's localStorage["xmst"] (read once); None when it has none."""
        if self._ms_token_read or self.http.browser is None:
            return self._ms_token
        self._ms_token_read = True
        try:
            value = await self.http.browser.evaluate(
                self.http.route(c.HOME_URL), _READ_MS_TOKEN, cookies=self.http.cookies
            )
        except Exception as exc:  # the token is optional: the page's own fetch hook may still add it
            log.warning("douyin: could not read msToken from the page: %s", exc)
            value = None
        self._ms_token = value if isinstance(value, str) and value else None
        return self._ms_token

    def _check(self, response: httpx.Response, *, endpoint: str) -> dict[str, Any]:
        """Return the JSON payload; raise the KeyPick error the status, body or status_code stands for."""
        status = response.status_code
        ctx: dict[str, Any] = {"platform": c.PLATFORM, "endpoint": endpoint, "raw_code": status}
        if (signal := c.HTTP_STATUS_SIGNALS.get(status)) is not None:
            retry_after = _retry_after(response) if status == 429 else None
            raise signal.error(f"douyin {endpoint}: HTTP {status} ({signal.why})", retry_after=retry_after, **ctx)
        if status >= 300:
            raise DataFetchError(f"douyin {endpoint}: HTTP {status}", **ctx)
        text = response.text
        try:
            payload = json.loads(text) if text.strip() else None
        except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
            payload = None
        if payload is None:
            raise c.body_error(text, endpoint=endpoint, status=status)
        if (error := c.envelope_error(payload, endpoint=endpoint)) is not None:
            raise error
        assert isinstance(payload, dict)  # envelope_error rejects anything else
        return payload


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # the HTTP-date form: let the slot's own backoff decide
        return None
