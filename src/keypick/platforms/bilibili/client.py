"""Thin IO for api.bilibili.com: sign, send through one choke point, check, hand payloads to the parsers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx

from keypick.content.schemas import Author, Comment, Post
from keypick.crawler.http import PlatformHttp
from keypick.enums import Platform
from keypick.exceptions import DataFetchError, ParseError, RiskControl
from keypick.platforms.base import (
    AdapterInfo,
    Capabilities,
    CommentPage,
    Cursor,
    PlatformAdapter,
    SearchOptions,
    SearchPage,
)
from keypick.platforms.bilibili import constants as c
from keypick.platforms.bilibili.endpoints import ENDPOINTS, video_url
from keypick.platforms.bilibili.parsers import (
    parse_comments_page,
    parse_search_page,
    parse_user_info,
    parse_view_detail,
)
from keypick.platforms.bilibili.signing import WbiKeys, build_headers, parse_nav_keys, sign_params
from keypick.platforms.bilibili.space import creator_keyword, parse_space_videos

ADAPTER_INFO = AdapterInfo(
    platform=Platform.BILIBILI,
    capabilities=Capabilities(
        search=True,
        detail=True,
        comments=True,
        replies=True,
        author=True,
        author_posts=True,
        native_sorts=("hot→click (most played)", "recent→pubdate (newest first)", "default→'' (综合)"),
        native_time_filter=True,
        content_types=("all", "video"),  # search_type=video: every result is a video
        needs_account=False,
        needs_browser=False,
        notes=(
            "api.bilibili.com web API, WBI-signed in pure Python (keys from /x/web-interface/nav, refreshed "
            "once on -352). Works without an account; a logged-in cookie (SESSDATA, buvid3) makes -412 and "
            "-352 risk answers rarer, and /x/space/wbi/acc/info often needs one. Each video costs one "
            "/view/detail request for shares and coins. Replies: up to 3 embedded per comment, the rest "
            "paged from /x/v2/reply/reply. The time filter is pubtime_begin_s/pubtime_end_s. Author posts "
            "(mode creator, keywords are mids or space links) page /x/space/wbi/arc/search newest first."
        ),
    ),
    page_size=c.PAGE_SIZE,
    creator_keyword=creator_keyword,
)

#: Requests one comments() call may spend skipping pages that only repeat comments already returned.
_MAX_EMPTY_STEPS = 5


def _utcnow() -> datetime:
    return datetime.now(UTC)


class BilibiliAdapter(PlatformAdapter):
    """The Bilibili adapter: video search, detail, comments with all replies, uploader profiles."""

    info = ADAPTER_INFO

    def __init__(
        self,
        http: PlatformHttp,
        *,
        user_agent: str = c.DESKTOP_USER_AGENT,
        cookie: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.http = http
        self.user_agent = user_agent
        self.cookie = cookie
        self._clock = clock
        self._keys: WbiKeys | None = None

    def time_ordered(self, options: SearchOptions) -> bool:
        """True for order=pubdate, which lists the newest videos first."""
        return c.SORT_TO_ORDER.get(options.sort_by) is c.SearchOrder.PUBDATE

    async def search(self, keyword: str, *, cursor: Cursor | None, options: SearchOptions) -> SearchPage:
        """Return one page of videos; the cursor is {"page": N}, from 1."""
        page = int((cursor or {}).get("page", 1))
        order = c.SORT_TO_ORDER.get(options.sort_by, c.SearchOrder.DEFAULT)
        params: dict[str, Any] = {"search_type": "video", "keyword": keyword, "page": page,
                                  "page_size": c.PAGE_SIZE, "order": order.value}  # fmt: skip
        if options.since or options.until:
            begin = int(options.since.timestamp()) if options.since else 0
            # pubtime_end_s is inclusive, KeyPick's `until` exclusive.
            end = options.until - timedelta(seconds=1) if options.until else self._clock()
            params |= {"pubtime_begin_s": begin, "pubtime_end_s": int(end.timestamp())}
        payload = await self._signed("search", params)
        result = parse_search_page(payload, fetched_at=self._clock())
        next_cursor = None if result.end else {"page": page + 1}
        return SearchPage(posts=result.posts, next_cursor=next_cursor, skipped=result.skipped)

    async def complete(self, post: Post) -> Post:
        """Return the post with the /view/detail counts the search item lacks (shares, coins)."""
        bvid, aid = post.platform_data.get("bvid"), post.platform_data.get("aid")
        if not (bvid or aid):
            return post
        params = {"bvid": bvid} if bvid else {"aid": aid}
        payload = await self._get("detail", params, referer=video_url(bvid, aid))
        try:
            full = parse_view_detail(payload, fetched_at=self._clock())
        except ParseError as exc:
            return post.model_copy(update={"platform_data": {**post.platform_data, "detail_error": exc.message}})
        update = {
            "id": post.id,
            "crawl_time": post.crawl_time,
            "task_id": post.task_id,
            "tags": full.tags or post.tags,
            # View.pic is http://; the search card's protocol-relative pic became https.
            "images": post.images or full.images,
            "platform_data": {**post.platform_data, **full.platform_data, "detail": True},
        }
        return full.model_copy(update=update)

    async def comments(self, post: Post, *, cursor: Cursor | None) -> CommentPage:
        """Return the next page of comments: main pages, each followed by the sub-reply pages it needs.

        The cursor holds the main `next`, the queue of roots still owing replies (with the ids of the
        replies already embedded, so they are not returned twice) and the pinned ids of page one.
        """
        aid = post.platform_data.get("aid")
        if not aid:
            raise DataFetchError(f"bilibili comments: post {post.id} has no aid", platform=c.PLATFORM)
        given = cursor or {}
        state: dict[str, Any] = {
            "next": given.get("next", 0),
            "queue": [list(entry) for entry in given.get("queue", [])],
            "pn": given.get("pn", 1),
            "pinned": list(given.get("pinned", [])),
        }
        referer = video_url(post.platform_data.get("bvid"), str(aid))
        comments: list[Comment] = []
        for _ in range(_MAX_EMPTY_STEPS):
            if state["queue"]:
                comments = await self._replies_step(post.id, str(aid), state, referer)
            elif state["next"] is not None:
                comments = await self._main_step(post.id, str(aid), state, referer)
            if comments or (not state["queue"] and state["next"] is None):
                break
        done = not state["queue"] and state["next"] is None
        return CommentPage(comments=comments, next_cursor=None if done else state)

    async def _main_step(self, post_id: str, aid: str, state: dict[str, Any], referer: str) -> list[Comment]:
        params = {"oid": aid, "type": c.COMMENT_TYPE_VIDEO, "mode": int(c.CommentMode.HOT),
                  "ps": c.COMMENT_PAGE_SIZE, "next": state["next"]}  # fmt: skip
        payload = await self._signed("comments", params, referer=referer)
        result = parse_comments_page(payload, post_id=post_id, fetched_at=self._clock())
        first = state["next"] == 0
        # Pinned comments lead page one and may come back among the ordinary ones later.
        skip = set() if first else set(state["pinned"])
        if first:
            state["pinned"] = result.pinned
        state["queue"] += [[root, embedded] for root, embedded in result.pending.items() if root not in skip]
        stuck = result.next == state["next"]  # a cursor that does not move would loop forever
        state["next"] = None if result.end or stuck else result.next
        return [comment for comment in result.comments if comment.comment_id not in skip]

    async def _replies_step(self, post_id: str, aid: str, state: dict[str, Any], referer: str) -> list[Comment]:
        root, embedded = state["queue"][0]
        params = {"oid": aid, "type": c.COMMENT_TYPE_VIDEO, "root": root, "ps": c.REPLY_PAGE_SIZE, "pn": state["pn"]}
        payload = await self._signed("replies", params, referer=referer)
        result = parse_comments_page(payload, post_id=post_id, fetched_at=self._clock())
        # A page number that did not move (the answer is not page pn) would repeat the same replies.
        if result.end or result.next != state["pn"] + 1:
            state["queue"] = state["queue"][1:]
            state["pn"] = 1
        else:
            state["pn"] += 1
        return [comment for comment in result.comments if comment.comment_id not in (root, *embedded)]

    async def check_login(self) -> bool | None:
        """Ask /x/web-interface/nav whether the cookies are logged in (data.isLogin); None without cookies."""
        if not self.cookie:
            return None
        headers = build_headers(user_agent=self.user_agent, cookie=self.cookie, referer=None)
        logged_in: bool = await self.http.fetch(
            "GET", ENDPOINTS["nav"].url, check=self._nav_login, endpoint="nav", params=None, headers=headers
        )
        return logged_in

    def _nav_login(self, response: httpx.Response) -> bool:
        """Return data.isLogin of a nav answer; keep the WBI keys the same answer carries."""
        self._keys = self._check(response, endpoint="nav", nav=True)
        data = response.json().get("data")
        return bool(data.get("isLogin")) if isinstance(data, dict) else False

    async def author_posts(self, author_id: str, *, cursor: Cursor | None) -> SearchPage:
        """Return one page of an uploader's videos, newest first; the cursor is {"pn": N}, from 1."""
        try:
            mid = creator_keyword(author_id)
        except ValueError as exc:  # refused before a signed request is spent on it
            raise DataFetchError(
                f"bilibili creator_posts: {exc}", platform=c.PLATFORM, endpoint="creator_posts"
            ) from None
        pn = int((cursor or {}).get("pn", 1))
        params = {"mid": mid, "ps": c.SPACE_PAGE_SIZE, "pn": pn, "order": "pubdate"}
        payload = await self._signed("creator_posts", params, referer=f"{c.SPACE_URL}/{mid}/video")
        result = parse_space_videos(payload, fetched_at=self._clock(), page=pn, page_size=c.SPACE_PAGE_SIZE)
        return SearchPage(posts=result.posts, next_cursor=None if result.end else {"pn": pn + 1},
                          skipped=result.skipped)  # fmt: skip

    async def author(self, author_id: str) -> Author:
        """Return the profile of a user (mid)."""
        payload = await self._signed("creator_info", {"mid": author_id}, referer=f"{c.SPACE_URL}/{author_id}")
        return parse_user_info(payload, fetched_at=self._clock())

    async def _signed(self, endpoint: str, params: dict[str, Any], *, referer: str | None = None) -> Any:
        """Send a WBI-signed request; on -352 refresh the keys and try once more, then give up."""
        try:
            return await self._get(endpoint, await self._sign(params, refresh=False), referer=referer)
        except RiskControl as exc:
            if exc.raw_code != c.CODE_SIGNATURE_REJECTED:
                raise
        try:
            return await self._get(endpoint, await self._sign(params, refresh=True), referer=referer)
        except RiskControl as exc:
            if exc.raw_code != c.CODE_SIGNATURE_REJECTED:
                raise
            raise RiskControl(
                f"bilibili {endpoint}: -352 again with fresh WBI keys (risk control, not a stale key)",
                platform=c.PLATFORM, endpoint=endpoint, raw_code=exc.raw_code,
            ) from exc  # fmt: skip

    async def _sign(self, params: dict[str, Any], *, refresh: bool) -> dict[str, str]:
        if self._keys is None or refresh:
            self._keys = await self._get("nav", None, check_nav=True)
        return sign_params(params, self._keys, wts=int(self._clock().timestamp()))

    async def _get(
        self, endpoint: str, params: dict[str, Any] | None, *, referer: str | None = None, check_nav: bool = False
    ) -> Any:
        """The one choke point: headers, politeness (PlatformHttp), status and envelope checks."""
        headers = build_headers(user_agent=self.user_agent, cookie=self.cookie, referer=referer)
        check = partial(self._check, endpoint=endpoint, nav=check_nav)
        url = ENDPOINTS[endpoint].url
        return await self.http.fetch("GET", url, check=check, endpoint=endpoint, params=params, headers=headers)

    def _check(self, response: httpx.Response, *, endpoint: str, nav: bool) -> Any:
        """Return the payload (or the WBI keys for nav); raise the KeyPick error the answer stands for."""
        ctx: dict[str, Any] = {"platform": c.PLATFORM, "endpoint": endpoint, "raw_code": response.status_code}
        status = response.status_code
        signal = c.HTTP_STATUS_SIGNALS.get(status)
        if signal is not None:
            retry_after = _retry_after(response) if status == 429 else None
            raise signal.error(f"bilibili {endpoint}: HTTP {status} ({signal.why})", retry_after=retry_after, **ctx)
        if status >= 300:  # redirects are not followed; none is expected from the API
            raise DataFetchError(f"bilibili {endpoint}: HTTP {status}", **ctx)
        try:
            payload = response.json()
        except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
            snippet = response.text[:120].replace("\n", " ")
            raise ParseError(f"bilibili {endpoint}: malformed JSON (HTTP {status}): {snippet!r}", **ctx) from None
        if nav:
            return parse_nav_keys(payload)
        error = c.envelope_error(payload, endpoint=endpoint)
        if error is not None:
            raise error
        return payload


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # the HTTP-date form: let the slot's own backoff decide
        return None
