"""Without the `keypick[browser]` extra, the platforms that need it say how to install it; the rest work."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from keypick.exceptions import ConfigError


async def test_missing_playwright_is_a_clear_config_error(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry makes `import` fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "keypick.browser.playwright", None)
    async with api(workers=0) as client:
        runtime = client.app.state.runtime
        with pytest.raises(ConfigError, match=r"pip install 'keypick\[browser\]'"):
            runtime.adapter("douyin", "sessionid=x")
        adapter = runtime.adapter("weibo")  # no browser needed
        await adapter.aclose()


async def test_a_crawl_needing_the_extra_stops_with_the_reason(api: Any, sandbox: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, "keypick.browser.playwright", None)
    async with api(sandbox_url=sandbox.url, cookies_zhihu="d_c0=x; z_c0=y") as client:
        created = await client.http.post("/api/crawl/", json={"platform": "zhihu", "keywords": ["咖啡"]})
        status = await client.wait_status(created.json()["task_id"])
        assert status["status"] == "failed", status
        assert "keypick[browser]" in status["units"][0]["error"]
