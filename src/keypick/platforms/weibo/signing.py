"""Request headers for m.weibo.cn. Weibo's mobile API needs no signing (platforms.md §5.1, §11)."""

from __future__ import annotations

from keypick.platforms.weibo.constants import BASE_URL


def build_headers(
    *, user_agent: str, cookie: str | None = None, referer: str | None = None, xhr: bool = True
) -> dict[str, str]:
    """Return the headers of one request; there is nothing to sign, only a mobile browser to look like.

    `xhr=True` adds what the m.weibo.cn page's own fetches send (X-Requested-With, MWeibo-Pwa) and
    asks for JSON; `xhr=False` is a page load (the /detail/{mid} HTML).
    """
    headers = {
        "User-Agent": user_agent,
        "Referer": referer or f"{BASE_URL}/",
        "Origin": BASE_URL,
        "Accept-Language": "zh-CN,zh;q=0.9",
    }
    if xhr:
        headers["Accept"] = "application/json, text/plain, */*"
        headers["X-Requested-With"] = "XMLHttpRequest"
        headers["MWeibo-Pwa"] = "1"
    else:
        headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    if cookie:
        headers["Cookie"] = cookie.strip()
    return headers
