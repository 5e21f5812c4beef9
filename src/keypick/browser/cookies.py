"""Turn an account's "k=v; k2=v2" cookie string into browser cookies for a page URL."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam

#: Two-label public suffixes a platform host may sit under (no public-suffix list needed for ours).
_TWO_LABEL_SUFFIXES = frozenset({"com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "com.hk", "com.tw", "co.uk"})


def parse_cookie_string(cookies: str | None) -> list[tuple[str, str]]:
    """Return (name, value) pairs of a Cookie-header-style string; blank and nameless parts are dropped."""
    pairs = []
    for part in (cookies or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def registrable_domain(host: str) -> str:
    """Return the registrable domain of a host name: www.douyin.com → douyin.com."""
    labels = host.lower().rstrip(".").split(".")
    keep = 3 if ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def is_ip_or_local(host: str) -> bool:
    """Return True for IP literals and single-label hosts (localhost), which get host-only cookies."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "." not in host
    return True


def browser_cookies(cookies: str | None, page_url: str) -> list[SetCookieParam]:
    """Return the cookies to add to a browser context that will open `page_url`.

    On a real platform host they are set for the whole registrable domain (.douyin.com), as the
    platform sets them; on a sandbox URL (http://127.0.0.1:PORT/www.douyin.com/...) for that origin.
    """
    parts = urlsplit(page_url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    result: list[SetCookieParam] = []
    for name, value in parse_cookie_string(cookies):
        if is_ip_or_local(host):
            # url= makes Playwright derive a host-only cookie; the trailing "/" makes its path "/".
            result.append({"name": name, "value": value, "url": f"{parts.scheme}://{parts.netloc}/"})
        else:
            domain = "." + registrable_domain(host)
            result.append({"name": name, "value": value, "domain": domain, "path": "/", "secure": secure})
    return result
