"""Zhihu request headers. The signature itself (x-zse-96) is made by the page, never here (platforms.md §7.2).

KeyPick's signing policy sends every Zhihu call from inside a real www.zhihu.com page
(`PlatformHttp.fetch(..., page_url=...)`): the page's own fetch hook hashes the path,
the query and the `d_c0` cookie into `x-zse-96` and adds `x-zst-81`. This module only
names the static headers the web app sends and checks that the account cookie can be
signed at all.
"""

from __future__ import annotations

from keypick.exceptions import LoginRequired
from keypick.platforms.zhihu.constants import API_VERSION, APP_ZA, PLATFORM, SIGNING_COOKIE, ZSE_93


def cookie_names(cookie: str | None) -> set[str]:
    """Return the names in a "k=v; k2=v2" cookie string."""
    names = set()
    for part in (cookie or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip() and value.strip():
            names.add(name.strip())
    return names


def require_signing_cookie(cookie: str | None, *, endpoint: str) -> None:
    """Raise LoginRequired unless the cookie holds d_c0, without which the page cannot sign."""
    if SIGNING_COOKIE not in cookie_names(cookie):
        raise LoginRequired(
            f"zhihu {endpoint}: the Zhihu cookie must contain {SIGNING_COOKIE} (the page signs every API call "
            "with it); set KEYPICK_COOKIES_ZHIHU or add a zhihu account with cookies from a logged-in browser",
            platform=PLATFORM,
            endpoint=endpoint,
            raw_code=f"no_{SIGNING_COOKIE}",
        )


def build_headers(*, api: bool = True) -> dict[str, str]:
    """Return the headers of one in-page request; `api=False` is an HTML page fetch.

    Cookie, User-Agent and Referer are the browser's own (a page's fetch cannot set them).
    """
    if not api:
        return {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    return {
        "accept": "*/*",
        "x-api-version": API_VERSION,
        "x-app-za": APP_ZA,
        "x-requested-with": "fetch",
        "x-zse-93": ZSE_93,
    }
