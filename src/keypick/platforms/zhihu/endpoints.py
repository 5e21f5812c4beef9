"""The Zhihu endpoints KeyPick knows, as data, and the URLs of content pages (platforms.md §7.1, §7.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from keypick.platforms.zhihu.constants import BASE_URL, ZHUANLAN_URL, ContentType


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: how to call it, what comes back, and what to know about it."""

    name: str
    method: Literal["GET", "POST"]
    url: str
    response: Literal["json", "html"]
    notes: str


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint(
            "me",
            "GET",
            f"{BASE_URL}/api/v4/me",
            "json",
            "login check: include=email,is_active,is_bind_phone → id, name; 401 ZERR_NOT_LOGIN when logged out",
        ),
        Endpoint(
            "search",
            "GET",
            f"{BASE_URL}/api/v4/search_v3",
            "json",
            "gk_version=gz-gaokao, t=general, q, correction=1, offset, limit=20, filter_fields='', lc_idx=offset, "
            "show_all_topics=0, search_source=Filter, time_interval, sort, vertical; data[] of search_result "
            "(object: answer | article | zvideo | question) and cards (koc_box, knowledge_ad, relevant_query); "
            "paging.is_end ends. Signed by the page (x-zse-96 from the d_c0 cookie)",
        ),
        Endpoint(
            "root_comment",
            "GET",
            f"{BASE_URL}/api/v4/comment_v5/{{resource}}/{{id}}/root_comment",
            "json",
            "resource answers | articles | zvideos; order=score, offset ('' first, then the offset of "
            "paging.next), limit=10; data[] of type comment; paging.is_end; HTTP 404 = no comments",
        ),
        Endpoint(
            "child_comment",
            "GET",
            f"{BASE_URL}/api/v4/comment_v5/comment/{{root_id}}/child_comment",
            "json",
            "order=sort, offset, limit=10; same paging; for roots with child_comment_count > 0",
        ),
        Endpoint(
            "answer_page",
            "GET",
            f"{BASE_URL}/question/{{qid}}/answer/{{id}}",
            "html",
            "script#js-initialData → initialState.entities.answers[id]; used only when search gave no content",
        ),
        Endpoint(
            "article_page",
            "GET",
            f"{ZHUANLAN_URL}/p/{{id}}",
            "html",
            "script#js-initialData → initialState.entities.articles[id]",
        ),
        Endpoint(
            "zvideo_page",
            "GET",
            f"{BASE_URL}/zvideo/{{id}}",
            "html",
            "script#js-initialData → initialState.entities.zvideos[id] (author through entities.users)",
        ),
        Endpoint(
            "creator_posts",
            "GET",
            f"{BASE_URL}/api/v4/members/{{token}}/answers",
            "json",
            "an author's answers (token: url_token or the 32-hex id): include (the data[*] fields), offset, "
            "limit=20, order_by=created → data[] of answer objects, paging.is_end, paging.next (next offset)",
        ),
        Endpoint(
            "people_page",
            "GET",
            f"{BASE_URL}/people/{{token}}",
            "html",
            "script#js-initialData → initialState.entities.users[url_token] (camelCase)",
        ),
    )
}

#: The page every non-search call is sent from (its scripts sign /api/ requests).
HOME_PAGE = f"{BASE_URL}/"
#: The zhuanlan page article pages are fetched from (same-origin for the browser).
ZHUANLAN_HOME = f"{ZHUANLAN_URL}/"


def search_page_url(keyword: str) -> str:
    """Return the www.zhihu.com search page a keyword's API calls are sent from."""
    return f"{BASE_URL}/search?{urlencode({'type': 'content', 'q': keyword})}"


def content_url(content_type: str, content_id: str, *, question_id: str | None = None) -> str | None:
    """Return the public URL of an answer, article or zvideo (None for an answer without its question)."""
    if content_type == ContentType.ANSWER:
        return f"{BASE_URL}/question/{question_id}/answer/{content_id}" if question_id else None
    if content_type == ContentType.ARTICLE:
        return f"{ZHUANLAN_URL}/p/{content_id}"
    if content_type == ContentType.ZVIDEO:
        return f"{BASE_URL}/zvideo/{content_id}"
    return None


def people_url(url_token: str) -> str:
    """Return the profile page of a user (url_token, or the 32-hex id, which Zhihu also accepts)."""
    return f"{BASE_URL}/people/{url_token}"
