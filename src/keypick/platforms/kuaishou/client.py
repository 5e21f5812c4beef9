"""Thin IO for www.kuaishou.com: sign through the page, check answers at one choke point, hand payloads on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx

from keypick.browser.base import BrowserFetcher
from keypick.content.schemas import Author, Post
from keypick.crawler.http import PlatformHttp
from keypick.enums import Platform
from keypick.exceptions import ConfigError, DataFetchError, LoginRequired, ParseError, VerificationRequired
from keypick.platforms.base import (
    AdapterInfo,
    Capabilities,
    CommentPage,
    Cursor,
    PlatformAdapter,
    SearchOptions,
    SearchPage,
)
from keypick.platforms.kuaishou import constants as c
from keypick.platforms.kuaishou.constants import GraphQLOp
from keypick.platforms.kuaishou.endpoints import ENDPOINTS, Endpoint, creator_keyword
from keypick.platforms.kuaishou.parsers import (
    parse_comments_page,
    parse_detail,
    parse_profile,
    parse_profile_feed,
    parse_search_page,
)
from keypick.platforms.kuaishou.signing import (
    FIND_REALM_SCRIPT,
    SIGN_SCRIPT,
    USER_AGENT_SCRIPT,
    build_headers,
    compact_json,
    graphql_body,
    profile_body,
    search_body,
    sign_arg,
    signed_params,
)

ADAPTER_INFO = AdapterInfo(
    platform=Platform.KUAISHOU,
    capabilities=Capabilities(
        search=True,
        detail=True,
        comments=True,
        replies=True,
        author=True,
        author_posts=True,
        native_sorts=(),
        native_time_filter=False,
        needs_account=True,
        needs_browser=True,
        notes=(
            "www.kuaishou.com web API with a logged-in cookie. Search is signed (__NS_hxfalcon) by the "
            "page's own $encode signer in headless Chromium (keypick[browser]); comments, replies, detail "
            "and profiles are unsigned. Search has no sort or time filter and is relevance-ordered. "
            "Replies are paged through /comment/sublist for every comment with hasSubComments. Author posts "
            "(mode creator, keywords are user ids or profile links) page /rest/v/profile/feed by pcursor, "
            "signed like search. "
            "No real Kuaishou response was ever captured: parsers follow the documented field lists."
        ),
    ),
    page_size=c.PAGE_SIZE,
    creator_keyword=creator_keyword,
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class KuaishouAdapter(PlatformAdapter):
    """The Kuaishou adapter: signed search and author feeds, comments with replies, video detail, creator profiles."""

    info = ADAPTER_INFO

    def __init__(
        self, http: PlatformHttp, *, cookie: str | None = None, clock: Callable[[], datetime] = _utcnow
    ) -> None:
        self.http = http
        self.cookie = cookie
        self._clock = clock
        self._user_agent: str | None = None

    async def search(self, keyword: str, *, cursor: Cursor | None, options: SearchOptions) -> SearchPage:
        """Return one search page; the cursor is {"pcursor", "search_session_id"} from the previous answer."""
        state = cursor or {}
        session_id = str(state.get("search_session_id") or "")
        body = search_body(keyword, pcursor=str(state.get("pcursor") or "1"), search_session_id=session_id)
        payload = await self._rest(ENDPOINTS["search"], body, "search")
        result = parse_search_page(payload, fetched_at=self._clock())
        next_cursor = None
        if not result.end:
            next_cursor = {"pcursor": result.pcursor, "search_session_id": result.search_session_id or session_id}
        return SearchPage(posts=result.posts, next_cursor=next_cursor, skipped=result.skipped)

    async def author_posts(self, author_id: str, *, cursor: Cursor | None) -> SearchPage:
        """Return one page of a user's own videos (signed like search); the cursor is {"pcursor"} the last page gave."""
        try:
            user_id = creator_keyword(author_id)
        except ValueError as exc:  # refused before a signed request is spent on it
            raise DataFetchError(
                f"kuaishou creator_posts: {exc}", platform=c.PLATFORM, endpoint="creator_posts"
            ) from None
        given = str((cursor or {}).get("pcursor") or "")
        payload = await self._rest(ENDPOINTS["creator_posts"], profile_body(user_id, pcursor=given), "creator_posts")
        result = parse_profile_feed(payload, fetched_at=self._clock())
        # A pcursor that does not move would fetch the same page forever.
        done = result.end or result.pcursor == given
        return SearchPage(posts=result.posts, next_cursor=None if done else {"pcursor": result.pcursor},
                          skipped=result.skipped)  # fmt: skip

    async def complete(self, post: Post) -> Post:
        """Return the post from visionVideoDetail when its card lacks the caption or the publish time."""
        if post.publish_time is not None and post.content:
            return post
        full = await self.detail(post.id)
        data = {**full.platform_data, "from_detail": True}
        return full.model_copy(update={"crawl_time": post.crawl_time, "task_id": post.task_id, "platform_data": data})

    async def detail(self, photo_id: str) -> Post:
        """Return one video from the visionVideoDetail GraphQL query."""
        variables = {"photoId": photo_id, "page": c.SEARCH_PAGE_NAME}
        payload = await self._graphql(GraphQLOp.DETAIL, variables, "detail")
        return parse_detail(payload, fetched_at=self._clock())

    async def comments(self, post: Post, *, cursor: Cursor | None) -> CommentPage:
        """Return one page: a root page, or a reply page of a root queued in the cursor (replies first)."""
        state = cursor or {}
        pending: list[list[str]] = [list(p) for p in state.get("pending", [])]
        roots_cursor, roots_done = state.get("pcursor"), bool(state.get("roots_done"))
        if pending:
            root_id, sub_cursor = pending.pop(0)
            body = {"photoId": post.id, "pcursor": sub_cursor, "rootCommentId": _int_id(root_id)}
            payload = await self._rest(ENDPOINTS["sub_comments"], body, "sub_comments")
            result = parse_comments_page(payload, post_id=post.id, parent_id=root_id, fetched_at=self._clock())
            if not result.end and result.pcursor:
                pending.insert(0, [root_id, result.pcursor])
        else:
            body = {"photoId": post.id, "pcursor": str(roots_cursor or "")}
            payload = await self._rest(ENDPOINTS["comments"], body, "comments")
            result = parse_comments_page(payload, post_id=post.id, fetched_at=self._clock())
            pending = [[root_id, ""] for root_id in result.with_replies]
            roots_cursor, roots_done = result.pcursor, result.end
        if roots_done and not pending:
            return CommentPage(comments=result.comments, next_cursor=None)
        next_cursor = {"pcursor": roots_cursor, "roots_done": roots_done, "pending": pending}
        return CommentPage(comments=result.comments, next_cursor=next_cursor)

    async def author(self, author_id: str) -> Author:
        """Return the profile of a user id (visionProfile)."""
        payload = await self._graphql(GraphQLOp.PROFILE, {"userId": author_id}, "creator")
        return parse_profile(payload, fetched_at=self._clock())

    async def check_login(self) -> bool | None:
        """Ask visionProfileUserList whether the cookies are logged in (result 1); None without cookies."""
        if not self.cookie:
            return None
        try:
            await self._graphql(GraphQLOp.LOGIN_CHECK, {"ftype": 1}, "login_check")
        except LoginRequired:
            return False
        return True

    async def _rest(self, endpoint: Endpoint, body: dict[str, Any], name: str) -> dict[str, Any]:
        check = partial(self._check_json, endpoint=name, graphql_op=None)
        payload: dict[str, Any] = await self._request(endpoint, body, name, check)
        return payload

    async def _graphql(self, op: GraphQLOp, variables: dict[str, Any], name: str) -> dict[str, Any]:
        check = partial(self._check_json, endpoint=name, graphql_op=op)
        payload: dict[str, Any] = await self._request(ENDPOINTS["graphql"], graphql_body(op, variables), name, check)
        return payload

    async def _request(
        self, endpoint: Endpoint, body: dict[str, Any], name: str, check: Callable[[httpx.Response], Any]
    ) -> Any:
        """The one choke point: sign (signed endpoints), headers, politeness (PlatformHttp), checks.

        The signature is made once per call, before PlatformHttp's retries: the sandbox accepts it
        again, the real site may not after a long backoff (its signatures are tied to a time window).
        """
        params = signed_params(await self._sign(endpoint.path, body)) if endpoint.signed else None
        headers = build_headers(user_agent=await self._ua(), cookie=self.cookie)
        return await self.http.fetch(
            "POST", endpoint.url, check=check, endpoint=name, params=params, headers=headers, content=compact_json(body)
        )

    def _browser(self, why: str) -> BrowserFetcher:
        if self.http.browser is None:
            raise ConfigError(
                f"kuaishou {why} needs the browser signer: pip install 'keypick[browser]' and a Chromium "
                "(the page's own $encode signs __NS_hxfalcon, see docs/platforms.md §3.2)"
            )
        return self.http.browser

    async def _sign(self, path: str, body: dict[str, Any]) -> str:
        """Return the page's `$encode` signature of this path and body."""
        browser = self._browser(f"signing of {path}")
        signature = await browser.evaluate(
            self.http.route(c.HOME_URL), SIGN_SCRIPT, sign_arg(path, body),
            cookies=self.cookie, init_script=FIND_REALM_SCRIPT,
        )  # fmt: skip
        if not isinstance(signature, str) or not signature.strip():
            raise DataFetchError(f"kuaishou {path}: the page's signer returned {signature!r}", platform=c.PLATFORM)
        return signature.strip()

    async def _ua(self) -> str:
        """Return the signing browser's UA (asked once): the API sees one client, not two."""
        if self._user_agent is None:
            if self.http.browser is None:
                return c.FALLBACK_USER_AGENT
            agent = await self.http.browser.evaluate(
                self.http.route(c.HOME_URL), USER_AGENT_SCRIPT, cookies=self.cookie, init_script=FIND_REALM_SCRIPT
            )
            self._user_agent = agent if isinstance(agent, str) and agent else c.FALLBACK_USER_AGENT
        return self._user_agent

    def _check_json(self, response: httpx.Response, *, endpoint: str, graphql_op: GraphQLOp | None) -> Any:
        """Return the JSON payload; raise the KeyPick error the status, body, `result` or `errors` stand for."""
        _check_status(response, endpoint)
        try:
            payload = response.json()
        except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
            raise _non_json(response, endpoint) from None
        if graphql_op is None:
            error = c.envelope_error(payload, endpoint=endpoint)
        else:
            error = c.graphql_error(payload, op=graphql_op.value, endpoint=endpoint)
        if error is not None:
            raise error
        return payload


def _int_id(value: str) -> int | str:
    # rootCommentId is sent as a JSON number (platforms.md §3.1); ids from the API are decimal.
    return int(value) if value.isdigit() else value


def _check_status(response: httpx.Response, endpoint: str) -> None:
    ctx: dict[str, Any] = {"platform": c.PLATFORM, "endpoint": endpoint, "raw_code": response.status_code}
    status = response.status_code
    if 300 <= status < 400:  # http is built with follow_redirects=False
        location = response.headers.get("location", "")
        parts = urlsplit(location)
        if any(marker in f"{parts.netloc}{parts.path}".lower() for marker in c.LOGIN_URL_MARKERS):
            raise LoginRequired(f"kuaishou {endpoint}: redirected to the login page", **ctx)
        raise DataFetchError(f"kuaishou {endpoint}: unexpected HTTP {status} redirect", **ctx)
    signal = c.HTTP_STATUS_SIGNALS.get(status)
    if signal is not None:
        raise signal.error(f"kuaishou {endpoint}: HTTP {status} ({signal.why})", retry_after=_retry_after(response),
                           **ctx)  # fmt: skip
    if status >= 400:
        raise DataFetchError(f"kuaishou {endpoint}: HTTP {status}", **ctx)


def _non_json(response: httpx.Response, endpoint: str) -> Exception:
    head = response.text[:20_000]
    ctx: dict[str, Any] = {"platform": c.PLATFORM, "endpoint": endpoint, "raw_code": response.status_code}
    if any(marker in head for marker in c.VERIFICATION_PAGE_MARKERS):
        return VerificationRequired(f"kuaishou {endpoint}: a captcha page came back", **ctx)
    if any(marker in head for marker in c.LOGIN_PAGE_MARKERS):
        return LoginRequired(f"kuaishou {endpoint}: a login page came back", **ctx)
    snippet = head[:120].replace("\n", " ")
    return ParseError(f"kuaishou {endpoint}: malformed JSON (HTTP {response.status_code}): {snippet!r}", **ctx)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:  # the HTTP-date form: let the slot's own backoff decide
        return None
