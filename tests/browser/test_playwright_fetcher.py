"""PlaywrightFetcher against real headless Chromium and the sandbox signing pages over loopback HTTP."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from keypick.browser import playwright as pw
from keypick.browser.base import BrowserRequest
from keypick.browser.playwright import PlaywrightFetcher
from keypick.exceptions import ConfigError, TransportError
from keypick.sandbox.signing_pages import HOSTS, KS_FIND_REALM_JS, KS_SIGN_JS, X_ZST_81, sign, verify_signature
from tests.browser.chromium import require_chromium
from tests.conftest import ServerThread, free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")
PLATFORM_OF = {host: platform for platform, host in HOSTS.items()}
PAGE_HITS: Counter[str] = Counter()


async def page(request: Request) -> Response:
    host = request.path_params["host"]
    PAGE_HITS[host] += 1
    from keypick.sandbox.signing_pages import signing_page

    return HTMLResponse(signing_page(PLATFORM_OF[host]))


async def api(request: Request) -> Response:
    """Echo what arrived and whether the sandbox signature verifies; ?status= and ?sleep= shape the answer."""
    body = await request.body()
    if "sleep" in request.query_params:
        await asyncio.sleep(float(request.query_params["sleep"]))
    echo = {
        "verified": verify_signature(PLATFORM_OF[request.path_params["host"]], request, body),
        "method": request.method,
        "query": request.url.query,
        "cookie": request.headers.get("cookie", ""),
        "headers": {k: v for k, v in request.headers.items() if k.startswith("x-")},
        "body": body.decode(),
    }
    status = int(request.query_params.get("status", "200"))
    return JSONResponse(echo, status_code=status, headers={"x-echo": "1"})


APP = Starlette(routes=[Route("/{host}/", page), Route("/{host}/{path:path}", api, methods=["GET", "POST"])])


@pytest.fixture(scope="module", autouse=True)
def _needs_chromium() -> None:
    require_chromium("the browser signer tests")


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    with ServerThread(APP) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fetcher() -> AsyncIterator[PlaywrightFetcher]:
    async with PlaywrightFetcher(timeout=10) as shared:
        yield shared


def at(server: ServerThread, host: str, path: str = "/") -> str:
    return f"{server.url}/{host}{path}"


async def get(fetcher: PlaywrightFetcher, server: ServerThread, host: str, path: str, cookies: str | None = None,
              **kw: Any) -> httpx.Response:  # fmt: skip
    request = BrowserRequest(
        page_url=at(server, host), method=kw.pop("method", "GET"), url=at(server, host, path), **kw
    )
    return await fetcher.fetch(request, cookies=cookies)


async def test_douyin_request_gets_a_valid_a_bogus_from_the_page(fetcher: PlaywrightFetcher,
                                                                 server: ServerThread) -> None:  # fmt: skip
    path = "/aweme/v1/web/aweme/detail/?aweme_id=7&keyword=%E7%BE%8E%E9%A3%9F%20x"
    response = await get(fetcher, server, "www.douyin.com", path)
    echo = response.json()
    assert response.status_code == 200 and echo["verified"] is True
    assert "a_bogus=" in echo["query"] and echo["query"].startswith("aweme_id=7&keyword=%E7%BE%8E%E9%A3%9F%20x&")
    direct = httpx.get(at(server, "www.douyin.com", path)).json()
    assert direct["verified"] is False
    forged = httpx.get(at(server, "www.douyin.com", path + "&a_bogus=" + "0" * 64)).json()
    assert forged["verified"] is False


async def test_douyin_xhr_is_signed_too(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    script = """async (url) => {
        const xhr = new XMLHttpRequest();
        const done = new Promise((resolve) => { xhr.onload = () => resolve(JSON.parse(xhr.responseText)); });
        xhr.open("GET", url);
        xhr.send();
        return await done;
    }"""
    url = "/www.douyin.com/aweme/v1/web/comment/list/?cursor=0"
    echo = await fetcher.evaluate(at(server, "www.douyin.com"), script, url, cookies=None)
    assert echo["verified"] is True


async def test_page_hmac_matches_python_on_block_boundaries(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    texts = ["x" * n for n in range(0, 140)] + ["中文 ✓ 🎉"]
    got = await fetcher.evaluate(at(server, "www.douyin.com"), "(ts) => ts.map((t) => __kpHmac(SECRET, t))", texts,
                                 cookies=None)  # fmt: skip
    assert got == [sign("douyin", t) for t in texts]


async def test_zhihu_signs_with_the_d_c0_cookie(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    cookies = 'z_c0=token; d_c0="AbC=|1700000000"'
    echo = (await get(fetcher, server, "www.zhihu.com", "/api/v4/search_v3?q=%E4%B8%AD&t=general", cookies)).json()
    assert echo["verified"] is True
    assert echo["headers"]["x-zse-96"].startswith("2.0_")
    assert echo["headers"]["x-zst-81"] == X_ZST_81 and echo["headers"]["x-zse-93"] == "101_3_3.0"


async def test_zhihu_without_d_c0_gets_no_signature(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    echo = (await get(fetcher, server, "www.zhihu.com", "/api/v4/me", "z_c0=token")).json()
    assert "x-zse-96" not in echo["headers"] and echo["verified"] is False


async def test_kuaishou_signer_found_through_the_init_script(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    body = {"keyword": "美食", "pcursor": "1", "page": "search", "searchSessionId": ""}
    arg = {"url": "/rest/v/search/feed", "requestBody": body}
    sig = await fetcher.evaluate(at(server, "www.kuaishou.com"), KS_SIGN_JS, arg, cookies="did=web_1",
                                 init_script=KS_FIND_REALM_JS)  # fmt: skip
    url = at(server, "www.kuaishou.com", f"/rest/v/search/feed?__NS_hxfalcon={sig}&caver=2")
    content = json.dumps(body, ensure_ascii=False).encode()
    assert httpx.post(url, content=content).json()["verified"] is True
    tampered = json.dumps({**body, "pcursor": "2"}).encode()
    assert httpx.post(url, content=tampered).json()["verified"] is False


async def test_kuaishou_without_the_init_script_finds_no_signer(fetcher: PlaywrightFetcher,
                                                                server: ServerThread) -> None:  # fmt: skip
    arg = {"url": "/rest/v/search/feed", "requestBody": {}, "waitMs": 300}
    with pytest.raises(TransportError, match="__ks_realm"):
        await fetcher.evaluate(at(server, "www.kuaishou.com"), KS_SIGN_JS, arg, cookies=None)


async def test_cookies_reach_the_server_and_stay_per_account(fetcher: PlaywrightFetcher,
                                                             server: ServerThread) -> None:  # fmt: skip
    first = (await get(fetcher, server, "www.douyin.com", "/aweme/v1/web/x/", "sessionid=AAA; ttwid=1|2")).json()
    second = (await get(fetcher, server, "www.douyin.com", "/aweme/v1/web/x/", "sessionid=BBB")).json()
    assert sorted(first["cookie"].split("; ")) == ["sessionid=AAA", "ttwid=1|2"]
    assert second["cookie"] == "sessionid=BBB"


async def test_post_status_headers_and_body_come_back(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    response = await get(fetcher, server, "www.douyin.com", "/api/echo?status=418", method="POST",
                         headers={"content-type": "application/json", "x-custom": "1", "User-Agent": "ignored"},
                         body='{"a":"中文"}')  # fmt: skip
    echo = response.json()
    assert response.status_code == 418 and response.headers["x-echo"] == "1"
    assert echo["method"] == "POST" and echo["body"] == '{"a":"中文"}' and echo["headers"]["x-custom"] == "1"
    assert response.request.method == "POST" and str(response.request.url).endswith("/api/echo?status=418")


async def test_concurrent_fetches_share_one_page(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    before = PAGE_HITS["www.douyin.com"]
    cookies = "sessionid=concurrent"
    answers = await asyncio.gather(
        *(get(fetcher, server, "www.douyin.com", f"/aweme/v1/web/x/?n={n}", cookies) for n in range(12))
    )
    assert all(a.json()["verified"] for a in answers)
    assert [a.json()["query"].split("&")[0] for a in answers] == [f"n={n}" for n in range(12)]
    assert PAGE_HITS["www.douyin.com"] == before + 1  # a new context: exactly one navigation


async def test_a_closed_page_is_opened_again(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    cookies = "sessionid=reopen"
    await get(fetcher, server, "www.douyin.com", "/aweme/v1/web/x/", cookies)
    before = PAGE_HITS["www.douyin.com"]
    pages = [s.page for (key, _), s in fetcher._slots.items() if key[0] == cookies and s.page is not None]
    await pages[0].close()
    assert (await get(fetcher, server, "www.douyin.com", "/aweme/v1/web/x/", cookies)).json()["verified"]
    assert PAGE_HITS["www.douyin.com"] == before + 1


async def test_timeout_is_a_transport_error(fetcher: PlaywrightFetcher, server: ServerThread) -> None:
    fetcher.timeout = 0.5
    try:
        with pytest.raises(TransportError, match="timed out"):
            await get(fetcher, server, "www.douyin.com", "/aweme/v1/web/x/?sleep=3")
    finally:
        fetcher.timeout = 10
    assert (await get(fetcher, server, "www.douyin.com", "/aweme/v1/web/x/")).json()["verified"]


async def test_a_server_that_is_down_is_a_transport_error(fetcher: PlaywrightFetcher) -> None:
    down = f"http://127.0.0.1:{free_port()}/www.douyin.com/"
    request = BrowserRequest(page_url=down + "?token=x", method="GET", url=down + "aweme/v1/web/x/")
    with pytest.raises(TransportError) as caught:
        await fetcher.fetch(request, cookies="sessionid=TOPSECRET")
    assert down in str(caught.value) and "TOPSECRET" not in str(caught.value) and "token" not in str(caught.value)
    assert caught.value.retryable


async def test_missing_executable_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="no Chromium executable"):
        await PlaywrightFetcher("/nonexistent/chromium").evaluate("http://127.0.0.1:9/", "() => 1", cookies=None)
    monkeypatch.setattr(pw, "DEFAULT_EXECUTABLE", "/nonexistent/chromium")
    monkeypatch.setattr(pw.shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match="apt install chromium"):
        await PlaywrightFetcher().evaluate("http://127.0.0.1:9/", "() => 1", cookies=None)


async def test_aclose_is_idempotent_and_the_fetcher_can_start_again(server: ServerThread) -> None:
    fetcher = PlaywrightFetcher()
    await fetcher.aclose()
    assert (
        await fetcher.evaluate(at(server, "www.zhihu.com"), "() => document.title", cookies=None)
        == "知乎 - 有问题，就会有答案"
    )
    await fetcher.aclose()
    await fetcher.aclose()
    assert fetcher._browser is None and not fetcher._slots
