"""Thin IO for Xiaohongshu: sign requests, check answers at one choke point, hand payloads to the parsers."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx

from keypick.content.schemas import Author, Comment, Post
from keypick.crawler.http import PlatformHttp
from keypick.enums import Platform
from keypick.exceptions import DataFetchError, LoginRequired, ParseError
from keypick.platforms.base import (
    AdapterInfo,
    Capabilities,
    CommentPage,
    Cursor,
    PlatformAdapter,
    SearchOptions,
    SearchPage,
)
from keypick.platforms.xiaohongshu import constants as c
from keypick.platforms.xiaohongshu.endpoints import ENDPOINTS
from keypick.platforms.xiaohongshu.parsers import (
    CommentsResult,
    parse_comments_page,
    parse_creator_html,
    parse_feed,
    parse_note_html,
    parse_search_page,
)
from keypick.platforms.xiaohongshu.posted import creator_keyword, parse_creator_ref, parse_user_posted
from keypick.platforms.xiaohongshu.signing import (
    Signer,
    base_headers,
    encode_body,
    encode_query,
    make_search_id,
    parse_cookie,
)

ADAPTER_INFO = AdapterInfo(
    platform=Platform.XIAOHONGSHU,
    capabilities=Capabilities(
        search=True,
        detail=True,
        comments=True,
        replies=True,
        author=True,
        author_posts=True,
        native_sorts=("hot→popularity_descending", "recent→time_descending", "default→general"),
        native_time_filter=False,
        content_types=tuple(t.value for t in c.CONTENT_TO_NOTE_TYPE),
        needs_account=True,
        needs_browser=False,
        notes=(
            "edith.xiaohongshu.com web API signed in pure Python with xhshow; needs a logged-in cookie "
            "(a1 and web_session). Search cards have no text and only a display date ('05-15', '3天前', "
            "read in China time) and often no comment count, so filters applied to cards are coarse; "
            "complete() fetches each note (one feed request, needing the search item's xsec_token; the "
            "/explore page is the fallback). Replies: the embedded ones plus /comment/sub/page. Web "
            "search stops at about 220 notes. Author posts (mode creator; keywords are 24-hex user ids or "
            "profile links carrying the user's xsec_token) page /user_posted by cursor, 30 notes a page, "
            "each completed from the feed with the token it was listed with."
        ),
    ),
    page_size=c.PAGE_SIZE,
    creator_keyword=creator_keyword,
)

#: Requests one comments() call may spend looking for a comment not seen before.
_MAX_CALLS_PER_PAGE = 20


def _utcnow() -> datetime:
    return datetime.now(UTC)


class XiaohongshuAdapter(PlatformAdapter):
    """The Xiaohongshu adapter: search, note detail, comments with replies, creator profiles."""

    info = ADAPTER_INFO

    def __init__(
        self,
        http: PlatformHttp,
        *,
        cookie: str | None,
        user_agent: str = c.DESKTOP_USER_AGENT,
        clock: Callable[[], datetime] = _utcnow,
        signer: Signer | None = None,
        salt: Callable[[], int] = partial(secrets.randbelow, 2**31),
    ) -> None:
        # `http` must not follow redirects: a 3xx to a login or captcha page is how the site says no.
        self.http = http
        self.cookie = (cookie or "").strip()
        self.cookies = parse_cookie(self.cookie)
        self.user_agent = user_agent
        self._clock = clock
        self._signer = signer or Signer()
        self._salt = salt

    def time_ordered(self, options: SearchOptions) -> bool:
        """True for the time_descending sort (最新), which lists newest notes first."""
        return c.SORT_TO_NATIVE.get(options.sort_by) is c.SearchSort.TIME

    async def search(self, keyword: str, *, cursor: Cursor | None, options: SearchOptions) -> SearchPage:
        """Return one search page; the cursor is {"page": N, "search_id": ...}, kept for the whole keyword."""
        page = int((cursor or {}).get("page", 1))
        # One search_id per keyword (as the site does); a resumed crawl keeps using it.
        search_id = str((cursor or {}).get("search_id") or "")
        search_id = search_id or make_search_id(int(self._clock().timestamp() * 1000), self._salt())
        sort = c.SORT_TO_NATIVE.get(options.sort_by, c.SearchSort.GENERAL)
        body = {"keyword": keyword, "page": page, "page_size": c.PAGE_SIZE, "search_id": search_id,
                "sort": sort.value, "note_type": int(c.CONTENT_TO_NOTE_TYPE[options.content_type])}  # fmt: skip
        result = parse_search_page(await self._request("search", body), fetched_at=self._clock())
        next_cursor = {"page": page + 1, "search_id": search_id} if result.has_more else None
        return SearchPage(posts=result.posts, next_cursor=next_cursor, skipped=result.skipped)

    async def author_posts(self, author_id: str, *, cursor: Cursor | None) -> SearchPage:
        """Return one page of a creator's notes; the cursor is {"cursor": the last note id the list gave}."""
        try:
            ref = parse_creator_ref(author_id)
        except ValueError as exc:
            raise DataFetchError(f"xiaohongshu creator_posts: {exc}", platform=c.PLATFORM,
                                 endpoint="creator_posts") from None  # fmt: skip
        after = str((cursor or {}).get("cursor") or "")
        params = {"num": c.POSTED_PAGE_SIZE, "cursor": after, "user_id": ref.user_id,
                  "image_formats": ",".join(c.IMAGE_FORMATS), "xsec_token": ref.xsec_token,
                  "xsec_source": c.CREATOR_XSEC_SOURCE}  # fmt: skip
        result = parse_user_posted(await self._request("creator_posts", params), fetched_at=self._clock())
        # A cursor that does not move would loop forever: take it as the end.
        more = result.has_more and result.cursor != after
        return SearchPage(posts=result.posts, next_cursor={"cursor": result.cursor} if more else None,
                          skipped=result.skipped)  # fmt: skip

    async def complete(self, post: Post) -> Post:
        """Return the note with its desc, exact time, tags and media from the feed (or the note page)."""
        token = post.platform_data.get("xsec_token")
        if not token or post.platform_data.get("detail"):
            return post  # the feed refuses notes without the token their search item carried
        source = str(post.platform_data.get("xsec_source") or c.SEARCH_XSEC_SOURCE)
        body = {"source_note_id": post.id, "image_formats": list(c.IMAGE_FORMATS), "extra": {"need_body_topic": 1},
                "xsec_source": source, "xsec_token": token}  # fmt: skip
        full = parse_feed(await self._request("detail", body), fetched_at=self._clock(), xsec_token=token)
        via = "feed"
        if full is None:  # no item in the feed: the note page, with the cookie, is the fallback
            params = {"xsec_token": token, "xsec_source": source}
            html = await self._request("note_page", params, note_id=post.id)
            full = parse_note_html(html, fetched_at=self._clock(), note_id=post.id, xsec_token=token)
            via = "note_page"
        if full.id != post.id:
            raise DataFetchError(f"xiaohongshu detail: asked for {post.id}, got {full.id}", platform=c.PLATFORM)
        data = {**post.platform_data, **full.platform_data, "xsec_source": source, "detail": via}
        return full.model_copy(update={
            "title": full.title or post.title, "crawl_time": post.crawl_time, "task_id": post.task_id,
            "platform_data": data, "author_avatar": full.author_avatar or post.author_avatar,
            "author_info": full.author_info or post.author_info,
        })  # fmt: skip

    async def comments(self, post: Post, *, cursor: Cursor | None) -> CommentPage:
        """Return the next new comments: replies of pending threads first, then the next first-level page.

        The cursor carries the first-level cursor, the threads (root, sub cursor) with replies left,
        and the ids already returned, so a reply embedded and paged again is returned once.
        """
        state = cursor or {"cursor": "", "more": True, "threads": [], "seen": []}
        threads = [(str(root), str(sub)) for root, sub in state.get("threads", [])]
        more, page_cursor = bool(state.get("more")), str(state.get("cursor") or "")
        seen: set[str] = set(state.get("seen", []))
        fresh: list[Comment] = []
        for _ in range(_MAX_CALLS_PER_PAGE):
            if threads:
                root, sub_cursor = threads[0]
                result = await self._comment_page(post, root=root, cursor=sub_cursor)
                if result.has_more and result.cursor and result.cursor != sub_cursor:
                    threads[0] = (root, result.cursor)
                else:
                    threads.pop(0)
            elif more:
                result = await self._comment_page(post, root=None, cursor=page_cursor)
                threads.extend(result.threads)
                # A cursor that does not move would loop forever: take it as the end.
                more = result.has_more and bool(result.cursor) and result.cursor != page_cursor
                page_cursor = result.cursor
            else:
                break
            for comment in result.comments:
                if comment.comment_id not in seen:
                    seen.add(comment.comment_id)
                    fresh.append(comment)
            if fresh:
                break
        if not threads and not more:
            return CommentPage(comments=fresh, next_cursor=None)
        next_cursor = {"cursor": page_cursor, "more": more, "threads": [list(t) for t in threads], "seen": sorted(seen)}
        return CommentPage(comments=fresh, next_cursor=next_cursor)

    async def _comment_page(self, post: Post, *, root: str | None, cursor: str) -> CommentsResult:
        token = str(post.platform_data.get("xsec_token") or "")
        formats = ",".join(c.IMAGE_FORMATS)
        if root is None:
            params: dict[str, Any] = {"note_id": post.id, "cursor": cursor, "top_comment_id": "",
                                      "image_formats": formats, "xsec_token": token}  # fmt: skip
        else:
            params = {"note_id": post.id, "root_comment_id": root, "num": str(c.SUB_PAGE_SIZE), "cursor": cursor,
                      "image_formats": formats, "top_comment_id": "", "xsec_token": token}  # fmt: skip
        payload = await self._request("comments" if root is None else "sub_comments", params)
        return parse_comments_page(payload, post_id=post.id, root_id=root, fetched_at=self._clock())

    async def check_login(self) -> bool | None:
        """Ask selfinfo whether the cookies are logged in (data.result.success); None without cookies."""
        if not self.cookie:
            return None
        payload = await self._request("selfinfo", {})  # an expired login raises LoginRequired
        data = payload.get("data") if isinstance(payload, dict) else None
        result = data.get("result") if isinstance(data, dict) else None
        return bool(result.get("success")) if isinstance(result, dict) else None

    async def author(self, author_id: str) -> Author:
        """Return the profile of a user id, read from the /user/profile page's state."""
        html = await self._request("creator_info", None, user_id=author_id)
        return parse_creator_html(html, fetched_at=self._clock(), user_id=author_id)

    async def _request(self, endpoint: str, data: dict[str, Any] | None, **path_args: str) -> Any:
        """The one choke point: exact bytes, signature, politeness (PlatformHttp), status and envelope checks."""
        if not self.cookies.get("a1") or not self.cookies.get("web_session"):
            raise LoginRequired(
                "xiaohongshu needs a logged-in account cookie with a1 and web_session "
                "(set KEYPICK_COOKIES_XHS or add an account); "
                + ("none was given" if not self.cookie else "the given cookie lacks them"),
                platform=c.PLATFORM,
                endpoint=endpoint,
            )
        spec = ENDPOINTS[endpoint]
        url = spec.url.format(**path_args)
        path = urlsplit(url).path
        # Built here, once: these exact strings and bytes are signed and sent (never params=/json=).
        if spec.method == "GET" and data:
            url = f"{url}?{encode_query(data)}"
        content = encode_body(data or {}) if spec.method == "POST" else None
        page = spec.response == "html"
        headers = base_headers(user_agent=self.user_agent, cookie=self.cookie, json_body=content is not None, page=page)
        if spec.signed:
            stamp = self._clock().timestamp()
            x_rap = endpoint in ("search", "detail")  # xhshow: search and feed want x-rap-param too
            signed = self._signer.sign(spec.method, path, cookies=self.cookies, data=data, timestamp=stamp, x_rap=x_rap)
            headers |= signed
        check: Callable[[httpx.Response], Any] = partial(self._check, endpoint=endpoint, page=page)
        return await self.http.fetch(spec.method, url, check=check, endpoint=endpoint, headers=headers, content=content)

    @staticmethod
    def _check(response: httpx.Response, *, endpoint: str, page: bool) -> Any:
        """Return the JSON payload (or the page text); raise the KeyPick error the answer stands for."""
        if (error := c.status_error(response.status_code, response.headers, endpoint=endpoint)) is not None:
            raise error
        text = response.text
        if page and "__INITIAL_STATE__" in text:
            return text
        try:
            payload = response.json()
        except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
            if (page_error := c.page_error(text, endpoint=endpoint)) is not None:
                raise page_error from None
            what = "no window.__INITIAL_STATE__ in the page" if page else "malformed JSON"
            snippet = text[:120].replace("\n", " ")
            raise ParseError(
                f"xiaohongshu {endpoint}: {what} (HTTP {response.status_code}): {snippet!r}",
                platform=c.PLATFORM, endpoint=endpoint, raw_code=response.status_code,
            ) from None  # fmt: skip
        if (error := c.envelope_error(payload, endpoint=endpoint)) is not None:
            raise error
        if page:
            raise ParseError(f"xiaohongshu {endpoint}: JSON where a page was expected", platform=c.PLATFORM)
        return payload
