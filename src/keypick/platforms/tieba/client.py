"""Thin IO for tieba.baidu.com: sign requests, check answers at one choke point, hand payloads to the parsers."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from keypick.content.schemas import Author, Comment, Post
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
from keypick.platforms.tieba import constants as c
from keypick.platforms.tieba.creator import creator_keyword, parse_user_threads
from keypick.platforms.tieba.endpoints import ENDPOINTS, profile_url, thread_url
from keypick.platforms.tieba.parsers import (
    parse_creator,
    parse_reply_page,
    parse_search_page,
    parse_sub_replies,
    parse_tbs,
    parse_thread_page,
)
from keypick.platforms.tieba.signing import build_headers, sign_params

ADAPTER_INFO = AdapterInfo(
    platform=Platform.TIEBA,
    capabilities=Capabilities(
        search=True,
        detail=True,
        comments=True,
        replies=True,
        author=True,
        author_posts=True,
        native_sorts=("recent→st=1 time desc", "default→st=2 relevance"),
        native_time_filter=False,
        needs_account=False,
        needs_browser=False,
        notes=(
            "New PC web API (2026-04), md5-signed in pure Python, plus a tbs token from /c/s/pc/sync. "
            "Works logged out as far as known; the PC API may want a BDUSS cookie, sent when given. "
            "Sent over plain HTTP (MediaCrawler sends it from inside a browser page): a 百度安全验证 "
            "answer stops the keyword with verification_required. Each thread costs one page_pc "
            "request (full first floor, forum, reply count), reused as its first reply page. "
            "Replies have no like counts; 楼中楼 come from the /p/comment HTML page, 10 a page. Author posts "
            "(mode creator, keywords are portraits or /home/main?id= links) page /c/u/feed/myThread, each "
            "thread completed from page_pc. "
            "No JSON answer was ever captured: shapes follow platforms.md field lists."
        ),
    ),
    page_size=c.PAGE_SIZE,
    creator_keyword=creator_keyword,
)

#: What a good HTML answer contains; without it, the page is checked for a verification or login wall.
_HTML_MARKERS = {"sub_replies": "lzl_single_post", "search_html": "s_post_list"}
#: page_pc answers kept between complete() and the first comments() call of the same thread.
_CACHED_PAGES = 64


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TiebaAdapter(PlatformAdapter):
    """The Tieba adapter: search, a user's threads, thread detail, replies with 楼中楼, author profiles."""

    info = ADAPTER_INFO

    def __init__(
        self,
        http: PlatformHttp,
        *,
        user_agent: str = c.DESKTOP_USER_AGENT,
        cookie: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        # `http` must be built with follow_redirects=False: a 302 to wappass.baidu.com is how
        # Baidu asks for its security check, and _check_status has to see it.
        self.http = http
        self.user_agent = user_agent
        self.cookie = cookie
        self._clock = clock
        self._tbs: str | None = None
        self._first_pages: OrderedDict[str, Any] = OrderedDict()

    def time_ordered(self, options: SearchOptions) -> bool:
        """True for st=1 (time descending), which lists the newest threads first."""
        return c.SORT_TO_ST.get(options.sort_by) is c.SearchSort.TIME_DESC

    async def search(self, keyword: str, *, cursor: Cursor | None, options: SearchOptions) -> SearchPage:
        """Return one multsearch page; the cursor is {"pn": N}, from 1."""
        pn = int((cursor or {}).get("pn", 1))
        st = c.SORT_TO_ST.get(options.sort_by, c.SearchSort.RELEVANCE)
        params = {"rn": c.PAGE_SIZE, "st": int(st), "word": keyword, "needbrand": 1, "sug_type": 2, "pn": pn,
                  "come_from": "search"}  # fmt: skip
        payload = await self._request("search", params=params)
        result = parse_search_page(payload, fetched_at=self._clock())
        next_cursor = None if result.end else {"pn": pn + 1}
        return SearchPage(posts=result.posts, next_cursor=next_cursor, skipped=result.skipped)

    async def complete(self, post: Post) -> Post:
        """Return the thread as page_pc shows it: full first floor, forum id, reply count, author."""
        payload = await self._thread_page(post.id, 1)
        self._first_pages[post.id] = payload
        while len(self._first_pages) > _CACHED_PAGES:
            self._first_pages.popitem(last=False)
        full = parse_thread_page(payload, fetched_at=self._clock())
        data = {**post.platform_data, **full.platform_data}
        data.pop("content_is_snippet", None)
        # Whatever the detail lacks, the search card may still know.
        kept = {k: getattr(post, k) for k in ("title", "author", "author_id", "author_avatar", "publish_time",
                                              "ip_location", "author_info") if getattr(full, k) is None}  # fmt: skip
        return full.model_copy(update={**kept, "crawl_time": post.crawl_time, "task_id": post.task_id,
                                       "platform_data": data})  # fmt: skip

    async def comments(self, post: Post, *, cursor: Cursor | None) -> CommentPage:
        """Return the next batch: a page of first-level replies, then the 楼中楼 pages of its floors."""
        state = cursor or {"pn": 1}
        next_pn: int | None = state.get("pn")
        queue: list[list[Any]] = [list(item) for item in state.get("queue", [])]
        fid = state.get("fid") or post.platform_data.get("forum_id") or ""
        found: list[Comment] = []
        # One request per round; an empty 楼中楼 page moves on, so a batch is only empty at the end.
        while not found and (queue or next_pn):
            if queue:
                pid, page, pages = queue[0]
                params = {"tid": post.id, "pid": pid, "fid": fid, "pn": page}
                html = await self._request("sub_replies", params=params, referer=thread_url(post.id))
                found = parse_sub_replies(html, post_id=post.id, parent_id=str(pid), fetched_at=self._clock())
                if page < pages and len(found) >= c.SUB_REPLIES_PER_PAGE:
                    queue[0] = [pid, page + 1, pages]
                else:
                    queue.pop(0)
                continue
            pn = int(next_pn or 1)
            cached = self._first_pages.pop(post.id, None) if pn == 1 else None
            payload = cached if cached is not None else await self._thread_page(post.id, pn)
            result = parse_reply_page(payload, post_id=post.id, fetched_at=self._clock())
            fid = fid or result.forum_id or ""
            # Ceil, not MC's n//10+1, which asks for an empty page whenever n is a multiple of 10.
            per = c.SUB_REPLIES_PER_PAGE
            queue = [[r.comment_id, 1, -(-(r.reply_count or 0) // per)] for r in result.comments if r.reply_count]
            next_pn = pn + 1 if pn < result.total_page and (result.comments or pn == 1) else None
            found = result.comments
        more = bool(queue) or next_pn is not None
        return CommentPage(comments=found, next_cursor={"pn": next_pn, "fid": fid, "queue": queue} if more else None)

    async def author_posts(self, author_id: str, *, cursor: Cursor | None) -> SearchPage:
        """Return one page of a user's threads (myThread), each completed from page_pc later; cursor {"pn": N}."""
        try:
            portrait = creator_keyword(author_id)
        except ValueError as exc:  # refused before a signed request is spent on it
            raise DataFetchError(f"tieba creator_posts: {exc}", platform=c.PLATFORM, endpoint="creator_posts") from None
        pn = int((cursor or {}).get("pn", 1))
        params = {"pn": pn, "rn": c.PAGE_SIZE, "portrait": portrait, "type": 1, "un": ""}
        payload = await self._request("creator_threads", params=params, referer=profile_url(portrait))
        result = parse_user_threads(payload, fetched_at=self._clock(), portrait=portrait)
        return SearchPage(posts=result.posts, next_cursor=None if result.end else {"pn": pn + 1},
                          skipped=result.skipped)  # fmt: skip

    async def author(self, author_id: str) -> Author:
        """Return the profile of a user portrait (the author_id of Tieba posts and replies)."""
        payload = await self._request("creator_info", params={"portrait": author_id, "un": ""})
        return parse_creator(payload, fetched_at=self._clock(), portrait=author_id)

    async def _thread_page(self, tid: str, pn: int) -> Any:
        """POST page_pc for one page of a thread; a stale tbs is replaced once."""
        for attempt in (0, 1):
            if self._tbs is None:
                self._tbs = parse_tbs(await self._request("sync", params={}))
            form = {"pn": pn, "lz": 0, "r": 2, "mark_type": 0, "back": 0, "fr": "", "kz": tid,
                    "session_request_times": 1, "tbs": self._tbs}  # fmt: skip
            try:
                return await self._request("thread", form=form, referer=thread_url(tid))
            except DataFetchError as exc:
                if attempt or not c.is_tbs_error(exc):
                    raise
                self._tbs = None
        raise AssertionError("unreachable")

    async def _request(
        self,
        endpoint: str,
        *,
        params: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        referer: str | None = None,
    ) -> Any:
        """The one choke point: signing, headers, politeness (PlatformHttp), status and envelope checks."""
        ep = ENDPOINTS[endpoint]
        is_json = ep.response == "json"
        query = sign_params(params) if ep.signed and params is not None else params
        content = None
        if form is not None:
            body = sign_params(form) if ep.signed else {k: str(v) for k, v in form.items()}
            content = urlencode(body).encode("utf-8")
        headers = build_headers(
            user_agent=self.user_agent, cookie=self.cookie, referer=referer, json=is_json, form=form is not None
        )
        check: Callable[[httpx.Response], Any] = partial(
            self._check_json if is_json else self._check_html, endpoint=endpoint
        )
        return await self.http.fetch(
            ep.method, ep.url, check=check, endpoint=endpoint, params=query, headers=headers, content=content
        )

    def _check_json(self, response: httpx.Response, *, endpoint: str) -> dict[str, Any]:
        """Return the JSON payload; raise the KeyPick error the status, body or error_code stands for."""
        self._check_status(response, endpoint)
        try:
            payload = response.json()
        except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
            raise self._page_error(response.text, endpoint) or self._malformed(response, endpoint) from None
        error = c.envelope_error(payload, endpoint=endpoint)
        if error is not None:
            raise error
        if not isinstance(payload, dict):
            raise self._malformed(response, endpoint)
        return payload

    def _check_html(self, response: httpx.Response, *, endpoint: str) -> str:
        """Return the page text; raise when it is a verification or login page instead."""
        self._check_status(response, endpoint)
        text = response.text
        if _HTML_MARKERS.get(endpoint, "\0") not in text and (error := self._page_error(text, endpoint)):
            raise error
        return text

    def _check_status(self, response: httpx.Response, endpoint: str) -> None:
        ctx: dict[str, Any] = {"platform": c.PLATFORM, "endpoint": endpoint, "raw_code": response.status_code}
        status = response.status_code
        where = response.headers.get("location", "") if 300 <= status < 400 else str(response.url)
        if _url_has(where, c.VERIFICATION_URL_MARKERS):
            raise VerificationRequired(f"tieba {endpoint}: sent to Baidu's security check ({where})", **ctx)
        if _url_has(where, c.LOGIN_URL_MARKERS):
            raise LoginRequired(f"tieba {endpoint}: sent to the Baidu login page ({where})", **ctx)
        if 300 <= status < 400:  # http is built with follow_redirects=False, so every 3xx lands here
            raise DataFetchError(f"tieba {endpoint}: unexpected HTTP {status} redirect to {where!r}", **ctx)
        if status == 403 and (error := self._page_error(response.text, endpoint)):
            raise error
        signal = c.HTTP_STATUS_SIGNALS.get(status)
        if signal is not None:
            retry_after = _retry_after(response) if status == 429 else None
            raise signal.error(f"tieba {endpoint}: HTTP {status} ({signal.why})", retry_after=retry_after, **ctx)
        if status >= 400:
            raise DataFetchError(f"tieba {endpoint}: HTTP {status}", **ctx)

    @staticmethod
    def _malformed(response: httpx.Response, endpoint: str) -> ParseError:
        snippet = response.text[:120].replace("\n", " ")
        return ParseError(f"tieba {endpoint}: malformed JSON (HTTP {response.status_code}): {snippet!r}",
                          platform=c.PLATFORM, endpoint=endpoint, raw_code=response.status_code)  # fmt: skip

    @staticmethod
    def _page_error(text: str, endpoint: str) -> VerificationRequired | LoginRequired | None:
        head = text[:20_000]
        if any(marker in head for marker in c.VERIFICATION_PAGE_MARKERS):
            return VerificationRequired(f"tieba {endpoint}: Baidu's security check page came back",
                                        platform=c.PLATFORM, endpoint=endpoint)  # fmt: skip
        if any(marker in head for marker in c.LOGIN_PAGE_MARKERS):
            return LoginRequired(f"tieba {endpoint}: a login page came back", platform=c.PLATFORM, endpoint=endpoint)
        return None


def _url_has(url: str, markers: tuple[str, ...]) -> bool:
    # Host and path only: the query may hold the user's keyword, which can be anything.
    parts = urlsplit(url)
    where = f"{parts.netloc}{parts.path}".lower()
    return any(marker in where for marker in markers)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # the HTTP-date form: let the slot's own backoff decide
        return None
