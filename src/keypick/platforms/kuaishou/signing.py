"""Signing inputs and headers for www.kuaishou.com: KeyPick never computes `__NS_hxfalcon` itself.

The page's own signer object (found by `KS_FIND_REALM_JS`, platforms.md §3.2) signs
`{url: <path>, query: {caver: 2}, form: {}, requestBody: <body>}`; the client runs
`KS_SIGN_JS` with the argument built here through the BrowserFetcher, then sends the
body below, byte for byte, with the signature in the query. Everything here is pure.
"""

from __future__ import annotations

import json
from typing import Any

from keypick.browser.scripts import KS_FIND_REALM_JS, KS_SIGN_JS
from keypick.platforms.kuaishou.constants import BASE_URL, CAVER, PROFILE_PAGE_NAME, SEARCH_PAGE_NAME, GraphQLOp
from keypick.platforms.kuaishou.endpoints import QUERIES

#: Init script that captures the page's signer as window.__ks_realm (a setter on Object.prototype.caver).
FIND_REALM_SCRIPT = KS_FIND_REALM_JS
#: Function expression: waits for window.__ks_realm, then calls its $encode with the argument.
SIGN_SCRIPT = KS_SIGN_JS
#: Function expression returning the browser's UA: plain requests must look like the signing browser.
USER_AGENT_SCRIPT = "() => navigator.userAgent"
#: How long the page may take to build its signer (MC waits 15 s).
SIGNER_WAIT_MS = 15_000


def compact_json(body: dict[str, Any]) -> bytes:
    """Return the body as sent: compact JSON, UTF-8, non-ASCII kept (what JSON.stringify signs)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_arg(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Return the argument of SIGN_SCRIPT: what the page's `$encode` is asked to sign."""
    return {"url": path, "query": {"caver": int(CAVER)}, "form": {}, "requestBody": body, "waitMs": SIGNER_WAIT_MS}


def signed_params(signature: str) -> dict[str, str]:
    """Return the query of a signed request, in the order the site sends it."""
    return {"__NS_hxfalcon": signature, "caver": CAVER}


def search_body(keyword: str, *, pcursor: str, search_session_id: str) -> dict[str, Any]:
    """Return the body of one search page (key order as the site sends it)."""
    return {"keyword": keyword, "pcursor": pcursor, "page": SEARCH_PAGE_NAME, "searchSessionId": search_session_id}


def profile_body(user_id: str, *, pcursor: str) -> dict[str, Any]:
    """Return the body of one page of a user's own videos ("" is the first pcursor)."""
    return {"user_id": user_id, "pcursor": pcursor, "page": PROFILE_PAGE_NAME}


def graphql_body(op: GraphQLOp, variables: dict[str, Any]) -> dict[str, Any]:
    """Return a GraphQL request body: operationName, variables, and KeyPick's query document."""
    return {"operationName": op.value, "variables": variables, "query": QUERIES[op]}


def build_headers(*, user_agent: str, cookie: str | None, referer: str | None = None) -> dict[str, str]:
    """Return the headers of one JSON POST (platforms.md §3.1): UA, Cookie, Origin/Referer, Content-Type."""
    headers = {
        "User-Agent": user_agent,
        "Origin": BASE_URL,
        "Referer": referer or f"{BASE_URL}/",
        "Accept": "application/json, text/plain, */*",
        "Accept-Language": "zh-CN,zh;q=0.9",
        "Content-Type": "application/json;charset=UTF-8",
    }
    if cookie:
        headers["Cookie"] = cookie.strip()
    return headers
