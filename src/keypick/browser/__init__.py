"""Browser-assisted requests (optional extra `keypick[browser]`).

Douyin, Zhihu and Kuaishou sign their web API requests with obfuscated scripts.
KeyPick never reimplements those: the platform's own page, opened in a real
headless Chromium with the account's cookies, sends (or signs) the request
with its own scripts. `BrowserFetcher` is the contract; the Playwright
implementation lives in `keypick.browser.playwright`.
"""

from keypick.browser.base import BrowserFetcher, BrowserRequest

__all__ = ["BrowserFetcher", "BrowserRequest"]
