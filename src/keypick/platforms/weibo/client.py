"""Thin IO for m.weibo.cn: build requests, check answers at one choke point, hand payloads to the parsers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx

from keypick.content.schemas import Author, Post
from keypick.crawler.http import PlatformHttp
from keypick.enums import Platform
from keypick.exceptions import DataFetchError, LoginRequired, ParseError, VerificationRequired
from keypick.platforms.base import (
    AdapterInfo,
    Capabilities,
    CommentPage,
    Cursor,
    PlatformAdapter,
    SearchOptions,
    SearchPage,
)
from keypick.platforms.weibo import constants as c
from keypick.platforms.weibo.endpoints import ENDPOINTS, creator_keyword, detail_url
from keypick.platforms.weibo.parsers import (
    parse_comments_page,
    parse_detail_html,
    parse_search_page,
    parse_user_info,
)
from keypick.platforms.weibo.signing import build_headers

ADAPTER_INFO = AdapterInfo(
    platform=Platform.WEIBO,
    capabilities=Capabilities(
        search=True,
        detail=True,
        comments=True,
        replies=True,
        author=True,
        author_posts=True,
        native_sorts=("hot→60 popular", "recent→61 real-time", "default→1"),
        native_time_filter=False,
        needs_account=False,
        notes=(
            "m.weibo.cn mobile API, no signing; works without an account, a cookie lowers the risk "
            "of HTTP 432/418 blocks. Long posts cost one extra /detail request for the full text. "
            "Replies are only those hotflow embeds under each comment (no reply paging). Search "
            "cards show relative times ('06-14', '5分钟前'), resolved in China time. Author posts (mode "
            "creator, keywords are uids or weibo.com/u/ links) page the user timeline, containerid "
            "107603{uid}, by since_id."
        ),
    ),
    page_size=c.PAGE_SIZE,
    creator_keyword=creator_keyword,
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WeiboAdapter(PlatformAdapter):
    """The Weibo adapter: search, full text, comments with embedded replies, author profiles."""

    info = ADAPTER_INFO

    def __init__(
        self,
        http: PlatformHttp,
        *,
        user_agent: str,
        cookie: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        # `http` must be built with follow_redirects=False: a redirect to passport.weibo.cn is
        # how Weibo says "log in", and _check_status has to see it.
        self.http = http
        self.user_agent = user_agent
        self.cookie = cookie
        self._clock = clock

    def time_ordered(self, options: SearchOptions) -> bool:
        """True for the real-time search (type 61), which lists newest posts first."""
        return c.SORT_TO_SEARCH_TYPE.get(options.sort_by) is c.SearchType.REALTIME

    async def search(self, keyword: str, *, cursor: Cursor | None, options: SearchOptions) -> SearchPage:
        """Return one search page; the cursor is {"page": N}, from 1."""
        page = int((cursor or {}).get("page", 1))
        code = c.SORT_TO_SEARCH_TYPE.get(options.sort_by, c.SearchType.DEFAULT)
        # One param whose value holds "&q="; httpx percent-encodes it as a whole, as the site does.
        params = {"containerid": f"100103type={int(code)}&q={keyword}", "page_type": "searchall", "page": page}
        payload = await self._get(ENDPOINTS["search"].url, params, "search")
        result = parse_search_page(payload, fetched_at=self._clock())
        next_cursor = None if result.end else {"page": page + 1}
        return SearchPage(posts=result.posts, next_cursor=next_cursor, skipped=result.skipped)

    async def author_posts(self, author_id: str, *, cursor: Cursor | None) -> SearchPage:
        """Return one page of a user's timeline; the cursor is {"since_id"} (or {"page"}) the last page gave."""
        try:
            uid = creator_keyword(author_id)
        except ValueError as exc:  # refused before a request is spent on it
            raise DataFetchError(f"weibo creator_posts: {exc}", platform=c.PLATFORM, endpoint="creator_posts") from None
        params: dict[str, Any] = {"type": "uid", "value": uid,
                                  "containerid": f"{c.USER_POSTS_CONTAINER}{uid}", **(cursor or {})}  # fmt: skip
        payload = await self._get(ENDPOINTS["creator_posts"].url, params, "creator_posts")
        result = parse_search_page(payload, fetched_at=self._clock())
        next_cursor = None if result.end or not result.posts else _timeline_next(payload)
        return SearchPage(posts=result.posts, next_cursor=next_cursor, skipped=result.skipped)

    async def complete(self, post: Post) -> Post:
        """Return the post with its full text when the card was cut short (isLongText)."""
        if not post.platform_data.get("is_long_text"):
            return post
        mid = str(post.platform_data.get("mid") or post.id)
        html = await self._get(detail_url(mid), None, "detail", expect_json=False)
        try:
            full = parse_detail_html(html, fetched_at=self._clock())
        except ParseError as exc:
            # Keep the short text rather than lose the post; say why it is short.
            data = {**post.platform_data, "full_text_error": exc.message}
            return post.model_copy(update={"platform_data": data})
        data = {**full.platform_data, "full_text": True}
        return full.model_copy(update={"crawl_time": post.crawl_time, "task_id": post.task_id, "platform_data": data})

    async def comments(self, post: Post, *, cursor: Cursor | None) -> CommentPage:
        """Return one hotflow page; the cursor is {"max_id", "max_id_type"} from the previous page."""
        mid = str(post.platform_data.get("mid") or post.id)
        params: dict[str, Any] = {"id": mid, "mid": mid}
        if cursor and cursor.get("max_id"):  # the first page is asked for without max_id
            params["max_id"] = cursor["max_id"]
        params["max_id_type"] = (cursor or {}).get("max_id_type", 0)
        payload = await self._get(ENDPOINTS["comments"].url, params, "comments", referer=detail_url(mid))
        result = parse_comments_page(payload, post_id=post.id, fetched_at=self._clock())
        next_cursor = None if result.end else {"max_id": result.max_id, "max_id_type": result.max_id_type}
        return CommentPage(comments=result.comments, next_cursor=next_cursor)

    async def author(self, author_id: str) -> Author:
        """Return the profile of a user id."""
        containerid = f"{c.USER_INFO_CONTAINER}{author_id}"
        params = {"jumpfrom": "weibocom", "type": "uid", "value": author_id, "containerid": containerid}
        payload = await self._get(ENDPOINTS["creator_info"].url, params, "creator_info")
        return parse_user_info(payload, fetched_at=self._clock())

    async def check_login(self) -> bool | None:
        """Ask /api/config whether the cookies are logged in (data.login); None without cookies."""
        if not self.cookie:
            return None
        payload = await self._get(ENDPOINTS["config"].url, None, "login_check")
        return bool((payload.get("data") or {}).get("login"))

    async def _get(
        self,
        url: str,
        params: dict[str, Any] | None,
        endpoint: str,
        *,
        expect_json: bool = True,
        referer: str | None = None,
    ) -> Any:
        """The one choke point: headers, politeness (PlatformHttp), status and envelope checks."""
        headers = build_headers(user_agent=self.user_agent, cookie=self.cookie, referer=referer, xhr=expect_json)
        check: Callable[[httpx.Response], Any] = partial(
            self._check_json if expect_json else self._check_html, endpoint=endpoint
        )
        return await self.http.fetch("GET", url, check=check, endpoint=endpoint, params=params, headers=headers)

    def _check_json(self, response: httpx.Response, *, endpoint: str) -> dict[str, Any]:
        """Return the JSON payload; raise the KeyPick error the status, body or `ok` stands for."""
        self._check_status(response, endpoint)
        try:
            payload = response.json()
        except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
            raise self._non_json(response, endpoint) from None
        error = c.envelope_error(payload, endpoint=endpoint)
        if error is not None:
            raise error
        assert isinstance(payload, dict)  # envelope_error rejects anything else
        return payload

    def _check_html(self, response: httpx.Response, *, endpoint: str) -> str:
        """Return the page text; raise when it is a login or verification page instead."""
        self._check_status(response, endpoint)
        text = response.text
        if "$render_data" not in text:
            page_error = self._page_error(text, endpoint)
            if page_error is not None:
                raise page_error
        return text

    def _check_status(self, response: httpx.Response, endpoint: str) -> None:
        ctx: dict[str, Any] = {"platform": c.PLATFORM, "endpoint": endpoint, "raw_code": response.status_code}
        status = response.status_code
        if 300 <= status < 400:  # http is built with follow_redirects=False, so every 3xx lands here
            location = response.headers.get("location", "")
            if _is_login_url(location):
                raise LoginRequired(f"weibo {endpoint}: redirected to the login page ({location})", **ctx)
            raise DataFetchError(f"weibo {endpoint}: unexpected HTTP {status} redirect to {location!r}", **ctx)
        if _is_login_url(str(response.url)):  # a client that followed the redirect anyway
            raise LoginRequired(f"weibo {endpoint}: landed on the login page ({response.url})", **ctx)
        signal = c.HTTP_STATUS_SIGNALS.get(status)
        if signal is not None:
            retry_after = _retry_after(response) if status == 429 else None
            raise signal.error(f"weibo {endpoint}: HTTP {status} ({signal.why})", retry_after=retry_after, **ctx)
        if status >= 400:
            raise DataFetchError(f"weibo {endpoint}: HTTP {status}", **ctx)

    def _non_json(self, response: httpx.Response, endpoint: str) -> Exception:
        page_error = self._page_error(response.text, endpoint)
        if page_error is not None:
            return page_error
        snippet = response.text[:120].replace("\n", " ")
        return ParseError(
            f"weibo {endpoint}: malformed JSON (HTTP {response.status_code}): {snippet!r}",
            platform=c.PLATFORM,
            endpoint=endpoint,
            raw_code=response.status_code,
        )

    @staticmethod
    def _page_error(text: str, endpoint: str) -> Exception | None:
        head = text[:20_000]
        if any(marker in head for marker in c.VERIFICATION_PAGE_MARKERS):
            return VerificationRequired(f"weibo {endpoint}: a verification page came back", platform=c.PLATFORM)
        if any(marker in head for marker in c.LOGIN_PAGE_MARKERS):
            return LoginRequired(f"weibo {endpoint}: a login page came back", platform=c.PLATFORM)
        return None


def _timeline_next(payload: Any) -> Cursor | None:
    """Return the next timeline page's cursor: since_id today, page in older answers; None at the end."""
    info = payload.get("data", {}).get("cardlistInfo") if isinstance(payload, dict) else None
    info = info if isinstance(info, dict) else {}
    if info.get("since_id"):
        return {"since_id": str(info["since_id"])}
    return {"page": int(info["page"])} if str(info.get("page") or "").isdigit() else None


def _is_login_url(url: str) -> bool:
    # Host and path only: the query may hold the user's keyword, which can be anything ("login").
    parts = urlsplit(url)
    where = f"{parts.netloc}{parts.path}".lower()
    return any(marker in where for marker in c.LOGIN_URL_MARKERS)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # the HTTP-date form: let the slot's own backoff decide
        return None
