"""`PlaywrightFetcher`: the browser signer, driving the system Chromium through Playwright.

One browser per fetcher, launched on first use; one context per (cookies, init script);
one page per (context, page origin + path), navigated once and reused. Requests run
inside the page with its own `fetch`, so the platform's scripts (which patch fetch and
XHR) sign them. Playwright errors become KeyPick errors; cookie values never appear in
messages or logs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from keypick.browser.base import BrowserRequest
from keypick.browser.cookies import browser_cookies, is_ip_or_local, registrable_domain
from keypick.exceptions import ConfigError, TransportError

log = logging.getLogger(__name__)

DEFAULT_EXECUTABLE = "/usr/bin/chromium"
PATH_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: Without the background-networking flags Chromium keeps dialling Google services, which
#: floods a closed network; the rest keep it quiet and stable in containers.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-blink-features=AutomationControlled",  # navigator.webdriver gives automation away
)
INSTALL_HINT = "install Chromium (e.g. `apt install chromium`) or set KEYPICK_BROWSER_EXECUTABLE"
#: Request headers the browser owns; fetch ignores or refuses them, the page supplies the real ones.
_BROWSER_OWNED = frozenset(
    {"cookie", "host", "origin", "referer", "user-agent", "content-length", "connection", "accept-encoding"}
)
#: Response headers about the wire form: the body handed back is already decoded.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_FETCH_JS = """
async ({ url, method, headers, body, timeoutMs }) => {
  const response = await fetch(url, {
    method, headers, body: body ?? undefined, credentials: "include", signal: AbortSignal.timeout(timeoutMs),
  });
  // Bytes go back as base64: response.text() would force UTF-8 on GBK pages.
  const bytes = new Uint8Array(await response.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const headers_ = [];
  response.headers.forEach((value, name) => headers_.push([name, value]));
  return { status: response.status, headers: headers_, body: btoa(binary) };
}
"""

_URL_QUERY = re.compile(r"(\w+://[^\s?#]*)[?#]\S*")
_ContextKey = tuple[str, str]  # (cookies, init script)


@dataclass
class _Context:
    context: BrowserContext
    cookie_scopes: set[str] = field(default_factory=set)


@dataclass
class _Slot:
    context: BrowserContext
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    page: Page | None = None
    stale: bool = False  # crashed or failed: navigate again before the next use


class PlaywrightFetcher:
    """A BrowserFetcher on the system Chromium (optional extra keypick[browser])."""

    def __init__(self, executable_path: str | None = None, *, headless: bool = True, timeout: float = 30.0) -> None:
        self.executable_path = executable_path
        self.headless = headless
        self.timeout = timeout
        self._lock = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._user_agent: str | None = None
        self._contexts: dict[_ContextKey, _Context] = {}
        self._slots: dict[tuple[_ContextKey, str], _Slot] = {}

    async def __aenter__(self) -> PlaywrightFetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def fetch(self, request: BrowserRequest, *, cookies: str | None) -> httpx.Response:
        """Send the request with the page's own fetch (its scripts sign it); return the answer."""
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _BROWSER_OWNED}
        arg = {"url": request.url, "method": request.method, "headers": headers, "body": request.body,
               "timeoutMs": int(self.timeout * 1000)}  # fmt: skip
        result = await self._run(request.page_url, _FETCH_JS, arg, cookies=cookies, init_script=None)
        kept = [(k, v) for k, v in result["headers"] if k.lower() not in _WIRE_HEADERS]
        return httpx.Response(
            result["status"], headers=kept, content=base64.b64decode(result["body"]),
            request=httpx.Request(request.method, request.url),
        )  # fmt: skip

    async def evaluate(
        self, page_url: str, script: str, arg: Any = None, *, cookies: str | None, init_script: str | None = None
    ) -> Any:
        """Evaluate a function expression in the page (opened with these cookies) and return its value."""
        return await self._run(page_url, script, arg, cookies=cookies, init_script=init_script)

    async def aclose(self) -> None:
        """Close pages, contexts, the browser and Playwright; safe to call twice."""
        async with self._lock:
            await self._drop()

    async def _run(self, page_url: str, script: str, arg: Any, *, cookies: str | None, init_script: str | None) -> Any:
        slot = await self._slot(page_url, cookies or "", init_script or "")
        page = await self._open(slot, page_url)
        try:
            return await asyncio.wait_for(page.evaluate(script, arg), self.timeout)
        except TimeoutError as exc:
            slot.stale = True
            raise TransportError(f"browser timed out after {self.timeout:g}s in {_where(page_url)}") from exc
        except PlaywrightError as exc:
            # The page may be broken (crashed, navigated away, scripts failed): reload it next time.
            slot.stale = True
            raise TransportError(f"browser error in {_where(page_url)}: {_first_line(exc)}") from exc

    async def _slot(self, page_url: str, cookies: str, init_script: str) -> _Slot:
        """Return the page slot for this URL and context, creating browser and context as needed."""
        async with self._lock:
            browser = await self._launch()
            key = (cookies, init_script)
            entry = self._contexts.get(key)
            if entry is None:
                try:
                    context = await browser.new_context(user_agent=self._user_agent, locale="zh-CN")
                    if init_script:
                        await context.add_init_script(init_script)
                except PlaywrightError as exc:
                    raise TransportError(f"browser could not open a context: {_first_line(exc)}") from exc
                entry = self._contexts[key] = _Context(context)
            scope = _cookie_scope(page_url)
            if cookies and scope not in entry.cookie_scopes:
                try:
                    await entry.context.add_cookies(browser_cookies(cookies, page_url))
                except PlaywrightError:
                    # Playwright's message quotes the cookie: not chained, so no traceback shows it.
                    raise ConfigError(f"the browser refused the account's cookies for {scope}") from None
                entry.cookie_scopes.add(scope)
            parts = urlsplit(page_url)
            return self._slots.setdefault((key, f"{parts.scheme}://{parts.netloc}{parts.path}"), _Slot(entry.context))

    async def _open(self, slot: _Slot, page_url: str) -> Page:
        """Return the slot's page, (re)navigating it when it is new, closed, crashed or failed."""
        async with slot.lock:
            if slot.page is not None and not slot.page.is_closed() and not slot.stale:
                return slot.page
            if slot.page is not None:
                with contextlib.suppress(PlaywrightError):
                    await slot.page.close()
                slot.page = None
            try:
                page = await slot.context.new_page()
            except PlaywrightError as exc:  # the context went with a closed or crashed browser
                raise TransportError(f"browser closed while opening {_where(page_url)}") from exc
            page.on("crash", lambda _page: setattr(slot, "stale", True))
            # Kept before navigating, so a cancelled call leaves the page to be closed, not leaked.
            slot.page, slot.stale = page, True
            try:
                response = await page.goto(page_url, wait_until="load", timeout=self.timeout * 1000)
            except PlaywrightError as exc:
                with contextlib.suppress(PlaywrightError):
                    await page.close()
                raise TransportError(f"could not open {_where(page_url)}: {_first_line(exc)}") from exc
            if response is not None and response.status >= 400:
                with contextlib.suppress(PlaywrightError):
                    await page.close()
                raise TransportError(f"{_where(page_url)} answered HTTP {response.status}", raw_code=response.status)
            log.debug("browser page open: %s", _where(page_url))
            slot.stale = False
            return page

    async def _launch(self) -> Browser:
        """Return the running browser, starting Playwright and Chromium on first use (or after a crash)."""
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        await self._drop()
        executable = self._executable()
        playwright = await async_playwright().start()
        try:
            browser = await playwright.chromium.launch(
                executable_path=executable, headless=self.headless, args=list(CHROMIUM_ARGS),
                timeout=self.timeout * 1000,
            )  # fmt: skip
        except PlaywrightError as exc:
            await playwright.stop()
            raise ConfigError(f"Chromium at {executable} did not start: {_first_line(exc)}; {INSTALL_HINT}") from exc
        self._playwright, self._browser = playwright, browser
        # Headless Chromium says "HeadlessChrome" in its UA; platforms block that, so send the desktop form.
        major = browser.version.split(".", 1)[0]
        self._user_agent = (
            f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36"
        )
        log.info("browser signer started: Chromium %s (%s)", browser.version, executable)
        return browser

    def _executable(self) -> str:
        """Return the Chromium to run: the configured one, else /usr/bin/chromium, else one on PATH."""
        return find_chromium(self.executable_path)

    async def _drop(self) -> None:
        """Forget every page and context, close the browser and stop Playwright (errors ignored)."""
        contexts, self._contexts, self._slots = list(self._contexts.values()), {}, {}
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        for entry in contexts:
            with contextlib.suppress(PlaywrightError):
                await entry.context.close()
        if browser is not None:
            with contextlib.suppress(PlaywrightError):
                await browser.close()
        if playwright is not None:
            with contextlib.suppress(PlaywrightError):
                await playwright.stop()


def find_chromium(executable_path: str | None = None) -> str:
    """Return the Chromium the signer would run (given path, /usr/bin/chromium, PATH); ConfigError if none."""
    if executable_path:
        found = _runnable(executable_path)
        if found is None:
            raise ConfigError(f"no Chromium executable at {executable_path!r}: {INSTALL_HINT}")
        return found
    for candidate in (DEFAULT_EXECUTABLE, *PATH_NAMES):
        if (found := _runnable(candidate)) is not None:
            return found
    raise ConfigError(f"no Chromium found ({DEFAULT_EXECUTABLE} or {', '.join(PATH_NAMES)} on PATH): {INSTALL_HINT}")


def _runnable(name: str) -> str | None:
    """Return the path of an executable file given by path or by name on PATH, else None."""
    if os.sep in name:
        return name if os.path.isfile(name) and os.access(name, os.X_OK) else None
    return shutil.which(name)


def _cookie_scope(page_url: str) -> str:
    """Return what cookies are added for: the origin on IP/local hosts, else the registrable domain."""
    parts = urlsplit(page_url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{parts.netloc}" if is_ip_or_local(host) else registrable_domain(host)


def _where(page_url: str) -> str:
    """Return the page URL without its query (which may carry tokens) for messages."""
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _first_line(exc: BaseException) -> str:
    """Return the first line of a Playwright error with URL queries removed (they may carry tokens)."""
    text = str(getattr(exc, "message", None) or exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return _URL_QUERY.sub(r"\1", line)


__all__ = ["CHROMIUM_ARGS", "PlaywrightFetcher"]
