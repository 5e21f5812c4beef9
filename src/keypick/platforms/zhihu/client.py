"""Thin IO for Zhihu: every call is sent from inside a www.zhihu.com page, checked at one choke point."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from keypick.content.schemas import Author, Comment, Post
from keypick.crawler.http import PlatformHttp
from keypick.enums import Platform
from keypick.exceptions import DataFetchError, LoginRequired, ParseError, RateLimited, VerificationRequired
from keypick.platforms.base import (
    AdapterInfo,
    Capabilities,
    CommentPage,
    Cursor,
    PlatformAdapter,
    SearchOptions,
    SearchPage,
)
from keypick.platforms.zhihu import constants as c
from keypick.platforms.zhihu.creator import creator_keyword, parse_member_answers
from keypick.platforms.zhihu.endpoints import ENDPOINTS, HOME_PAGE, ZHUANLAN_HOME, people_url, search_page_url
from keypick.platforms.zhihu.parsers import (
    parse_comment_page,
    parse_detail_html,
    parse_people_html,
    parse_search_page,
)
from keypick.platforms.zhihu.signing import build_headers, require_signing_cookie

ADAPTER_INFO = AdapterInfo(
    platform=Platform.ZHIHU,
    capabilities=Capabilities(
        search=True,
        detail=True,
        comments=True,
        replies=True,
        author=True,
        author_posts=True,
        native_sorts=("likes→upvoted_count", "recent→created_time", "default→relevance"),
        native_time_filter=True,
        content_types=tuple(t.value for t in c.CONTENT_TO_VERTICAL),
        needs_account=True,
        needs_browser=True,
        notes=(
            "www.zhihu.com web API (search_v3, comment_v5). Every call is sent from inside a real "
            "www.zhihu.com page in headless Chromium, whose own scripts add the x-zse-96 signature; the "
            "cookie must hold d_c0 (a logged-in browser's cookies are best). `since` maps to the coarsest "
            "native time_interval that covers it; `until` is filtered locally. Answers, articles and "
            "videos are kept; questions and ad/recommendation cards are skipped. Replies come from "
            "child_comment for every root that has any. Author posts (mode creator, keywords are the 32-hex "
            "author id, the url_token or a /people/ link) page the author's answers "
            "(/api/v4/members/{t}/answers) by offset."
        ),
    ),
    page_size=c.PAGE_SIZE,
    creator_keyword=creator_keyword,
)

_SEARCH_FIXED = {"gk_version": "gz-gaokao", "t": "general", "correction": 1, "filter_fields": "",
                 "show_all_topics": 0, "search_source": "Filter"}  # fmt: skip


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ZhihuAdapter(PlatformAdapter):
    """The Zhihu adapter: search, an author's answers, full text of cut cards, comments with replies, profiles."""

    info = ADAPTER_INFO

    def __init__(self, http: PlatformHttp, *, cookie: str | None, clock: Callable[[], datetime] = _utcnow) -> None:
        # The cookie itself travels with the browser page (PlatformHttp hands it to the fetcher);
        # the adapter only checks that it can be signed.
        self.http = http
        self.cookie = cookie
        self._clock = clock

    def time_ordered(self, options: SearchOptions) -> bool:
        """True for sort=created_time, which lists the newest content first."""
        return c.SORT_TO_NATIVE.get(options.sort_by) is c.SearchSort.CREATED

    def time_interval(self, options: SearchOptions) -> c.TimeInterval:
        """Return the narrowest native time_interval that still covers `since` (the engine trims the rest)."""
        if options.since is None:
            return c.TimeInterval.ANY
        window = self._clock() - options.since
        for interval, days in c.INTERVAL_DAYS:
            if window <= timedelta(days=days):
                return interval
        return c.TimeInterval.ANY

    async def search(self, keyword: str, *, cursor: Cursor | None, options: SearchOptions) -> SearchPage:
        """Return one search_v3 page; the cursor is {"offset": N}, from 0 by 20."""
        offset = int((cursor or {}).get("offset", 0))
        sort = c.SORT_TO_NATIVE.get(options.sort_by, c.SearchSort.DEFAULT)
        params = {**_SEARCH_FIXED, "q": keyword, "offset": offset, "limit": c.PAGE_SIZE, "lc_idx": offset,
                  "time_interval": self.time_interval(options).value, "sort": sort.value,
                  "vertical": c.CONTENT_TO_VERTICAL[options.content_type]}  # fmt: skip
        payload = await self._get(ENDPOINTS["search"].url, params, "search", page_url=search_page_url(keyword))
        result = parse_search_page(payload, fetched_at=self._clock())
        next_cursor = None if result.end else {"offset": offset + c.PAGE_SIZE}
        return SearchPage(posts=result.posts, next_cursor=next_cursor, skipped=result.skipped)

    async def author_posts(self, author_id: str, *, cursor: Cursor | None) -> SearchPage:
        """Return one page of an author's answers, newest first; the cursor is {"offset": N}, from 0 by 20."""
        try:
            member = creator_keyword(author_id)
        except ValueError as exc:  # refused before a browser request is spent on it
            raise DataFetchError(f"zhihu creator_posts: {exc}", platform=c.PLATFORM, endpoint="creator_posts") from None
        offset = int((cursor or {}).get("offset", 0))
        url = ENDPOINTS["creator_posts"].url.format(token=quote(member, safe=""))
        params = {"include": c.MEMBER_ANSWERS_INCLUDE, "offset": offset, "limit": c.PAGE_SIZE, "order_by": "created"}
        page = parse_member_answers(await self._get(url, params, "creator_posts"), fetched_at=self._clock())
        following = page.next_offset if page.next_offset is not None else offset + c.PAGE_SIZE
        # An offset that does not move would fetch the same page forever.
        done = page.end or following <= offset
        return SearchPage(posts=page.posts, next_cursor=None if done else {"offset": following}, skipped=page.skipped)

    async def complete(self, post: Post) -> Post:
        """Return the post with its full text from its page when the search card had only an excerpt."""
        data = post.platform_data
        qid = data.get("question_id")
        if not data.get("content_truncated"):
            return post
        if data.get("content_type") == c.ContentType.ANSWER and qid:
            url, endpoint, page = ENDPOINTS["answer_page"].url.format(qid=qid, id=post.id), "answer_page", HOME_PAGE
        elif data.get("content_type") == c.ContentType.ARTICLE:
            url, endpoint, page = ENDPOINTS["article_page"].url.format(id=post.id), "article_page", ZHUANLAN_HOME
        else:
            return post
        html = await self._get(url, None, endpoint, page_url=page, api=False)
        try:
            full = parse_detail_html(html, fetched_at=self._clock(), content_id=post.id)
        except ParseError as exc:
            # Keep the excerpt rather than lose the post; say why it is short.
            return post.model_copy(update={"platform_data": {**data, "full_text_error": exc.message}})
        merged = {**data, **full.platform_data, "content_truncated": False, "full_text": True}
        return full.model_copy(
            update={"title": full.title or post.title, "crawl_time": post.crawl_time, "task_id": post.task_id,
                    "platform_data": merged}
        )  # fmt: skip

    async def comments(self, post: Post, *, cursor: Cursor | None) -> CommentPage:
        """Return one page of root comments with all their replies; the cursor is {"offset": ...}."""
        kind = c.ContentType(str(post.platform_data.get("content_type") or c.ContentType.ANSWER))
        offset = str((cursor or {}).get("offset", ""))
        url = ENDPOINTS["root_comment"].url.format(resource=c.COMMENT_RESOURCE[kind], id=post.id)
        params = {"order": "score", "offset": offset, "limit": c.COMMENT_PAGE_SIZE}
        payload = await self._get(url, params, "root_comment", missing_ok=True)
        if payload is None:  # HTTP 404: the content has no comments (or comments are closed)
            return CommentPage(comments=[], next_cursor=None)
        page = parse_comment_page(payload, post_id=post.id, fetched_at=self._clock())
        found: dict[str, Comment] = {}
        for root in page.comments:
            found.setdefault(root.comment_id, root)
            if root.reply_count:
                for reply in await self._replies(post.id, root.comment_id):
                    found.setdefault(reply.comment_id, reply)
        # An offset that does not move would loop forever (MC stops there too).
        ended = page.end or not page.next_offset or page.next_offset == offset
        return CommentPage(comments=list(found.values()), next_cursor=None if ended else {"offset": page.next_offset})

    async def _replies(self, post_id: str, root_id: str) -> list[Comment]:
        """Return every child comment of a root, all pages."""
        url = ENDPOINTS["child_comment"].url.format(root_id=root_id)
        replies: list[Comment] = []
        offset = ""
        for _ in range(c.MAX_CHILD_PAGES):
            params = {"order": "sort", "offset": offset, "limit": c.COMMENT_PAGE_SIZE}
            payload = await self._get(url, params, "child_comment", missing_ok=True)
            if payload is None:
                break
            page = parse_comment_page(payload, post_id=post_id, fetched_at=self._clock(), root_id=root_id)
            replies.extend(page.comments)
            if page.end or not page.next_offset or page.next_offset == offset:
                break
            offset = page.next_offset
        return replies

    async def check_login(self) -> bool | None:
        """Ask /api/v4/me (from inside the page) whether the cookies are logged in; None without cookies."""
        if not self.cookie:
            return None
        me = await self._get(ENDPOINTS["me"].url, {"include": "email,is_active,is_bind_phone"}, "me")
        return bool(isinstance(me, dict) and me.get("id"))  # logged out is a 401 → LoginRequired

    async def author(self, author_id: str) -> Author:
        """Return the profile on /people/{id} (Zhihu serves it for the 32-hex id as for the url_token)."""
        html = await self._get(people_url(author_id), None, "people_page", api=False)
        return parse_people_html(html, user_key=author_id)

    async def aclose(self) -> None:
        """Close the adapter's own HTTP client (the shared browser belongs to the runtime)."""
        await self.http.client.aclose()

    async def _get(
        self,
        url: str,
        params: dict[str, Any] | None,
        endpoint: str,
        *,
        page_url: str = HOME_PAGE,
        api: bool = True,
        missing_ok: bool = False,
    ) -> Any:
        """The one choke point: cookie check, in-page send (PlatformHttp), status and envelope checks."""
        require_signing_cookie(self.cookie, endpoint=endpoint)
        check: Callable[[httpx.Response], Any] = partial(self._check, endpoint=endpoint, api=api, missing_ok=missing_ok)
        return await self.http.fetch(
            "GET", url, check=check, endpoint=endpoint, params=params, headers=build_headers(api=api), page_url=page_url
        )

    def _check(self, response: httpx.Response, *, endpoint: str, api: bool, missing_ok: bool) -> Any:
        """Return the JSON payload (or page text); raise the KeyPick error the answer stands for."""
        status = response.status_code
        self._check_redirect(response, endpoint)
        if missing_ok and status == 404:
            return None
        try:
            payload = response.json() if api or status >= 400 else None
        except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
            payload = None
        if payload is None and (page_error := _page_error(response.text, endpoint, json_expected=api)) is not None:
            raise page_error
        error = c.response_error(status, payload, endpoint=endpoint)
        if error is not None:
            if isinstance(error, RateLimited):
                error.retry_after = _retry_after(response)
            raise error
        if not api:
            return response.text
        if not isinstance(payload, dict):
            snippet = response.text[:120].replace("\n", " ")
            raise ParseError(f"zhihu {endpoint}: malformed JSON (HTTP {status}): {snippet!r}",
                             platform=c.PLATFORM, endpoint=endpoint, raw_code=status)  # fmt: skip
        return payload

    @staticmethod
    def _check_redirect(response: httpx.Response, endpoint: str) -> None:
        ctx: dict[str, Any] = {"platform": c.PLATFORM, "endpoint": endpoint, "raw_code": response.status_code}
        location = response.headers.get("location", "") if 300 <= response.status_code < 400 else ""
        where = location or _final_url(response)
        path = urlsplit(where).path
        # Paths only (the query may hold the keyword), and whole segments (a url_token may start "signin").
        if c.UNHUMAN_PATH in path:
            raise VerificationRequired(f"zhihu {endpoint}: sent to the security check ({where})", **ctx)
        if path.rstrip("/").endswith(c.SIGNIN_PATH):
            raise LoginRequired(f"zhihu {endpoint}: sent to the login page ({where})", **ctx)
        if location:
            raise DataFetchError(f"zhihu {endpoint}: unexpected redirect to {location!r}", **ctx)


def _page_error(text: str, endpoint: str, *, json_expected: bool) -> Exception | None:
    if not json_expected and "js-initialData" in text:
        return None
    head = text[:20_000]
    if any(marker in head for marker in c.VERIFICATION_PAGE_MARKERS):
        return VerificationRequired(f"zhihu {endpoint}: a security-check page came back", platform=c.PLATFORM)
    if any(marker in head for marker in c.LOGIN_PAGE_MARKERS):
        return LoginRequired(f"zhihu {endpoint}: a login page came back", platform=c.PLATFORM)
    return None


def _final_url(response: httpx.Response) -> str:
    try:
        return str(response.url)
    except RuntimeError:  # a Response built by a browser fetcher may carry no request
        return ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # the HTTP-date form: let the slot's own backoff decide
        return None
