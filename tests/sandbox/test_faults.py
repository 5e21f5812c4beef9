"""Fault injection: syntax, every kind, scopes, counters, runtime control and the request log."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from keypick.sandbox import FaultSpec, create_sandbox_app, parse_fault

from .conftest import ANCHOR, HOTFLOW, SEARCH, hotflow_params, make_client, posts_of, search_params


def _app(*faults: str, pages: int = 5) -> Any:
    return create_sandbox_app(list(faults), pages=pages, anchor=ANCHOR)


async def _statuses(client: httpx.AsyncClient, count: int, keyword: str = "咖啡") -> list[int]:
    return [(await client.get(SEARCH, params=search_params(keyword))).status_code for _ in range(count)]


# -- syntax ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("latency:200", FaultSpec("latency", 200.0)),
        ("http_429@times=2", FaultSpec("http", 429.0, times=2)),
        ("http_432@after=2", FaultSpec("http", 432.0, after=2)),
        ("http_5xx", FaultSpec("http", 503.0)),
        ("http_5xx:502", FaultSpec("http", 502.0)),
        ("timeout", FaultSpec("timeout")),
        (
            "timeout@keyword=咖啡,path=/comments/hotflow",
            FaultSpec("timeout", keyword="咖啡", path="/comments/hotflow"),
        ),
        (
            "business_error:100005@page=3,host=m.weibo.cn",
            FaultSpec("business_error", 100005.0, page=3, host="m.weibo.cn"),
        ),
        ("empty_page", FaultSpec("empty_page")),
    ],
)
def test_parse_fault(text: str, expected: FaultSpec) -> None:
    spec = parse_fault(text)
    assert spec == expected
    assert parse_fault(spec.text()) == spec


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("explode", "unknown fault kind"),
        ("latency", "milliseconds"),
        ("latency:abc", "not a number"),
        ("http_200", "between 400 and 599"),
        ("verification:3", "takes no value"),
        ("http_429@times=two", "whole number"),
        ("http_429@color=red", "bad scope"),
    ],
)
def test_parse_fault_says_what_is_wrong(text: str, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        parse_fault(text)


# -- kinds ----------------------------------------------------------------------------------------


async def test_latency_delays_but_answers_normally() -> None:
    async with make_client(_app("latency:200")) as client:
        started = time.perf_counter()
        response = await client.get(SEARCH, params=search_params("咖啡"))
        assert time.perf_counter() - started >= 0.2
        assert response.json()["ok"] == 1


@pytest.mark.parametrize(("fault", "status"), [("http_429", 429), ("http_432", 432), ("http_418", 418),
                                               ("http_5xx", 503), ("http_461", 461)])  # fmt: skip
async def test_http_status_faults(fault: str, status: int) -> None:
    async with make_client(_app(fault)) as client:
        response = await client.get(SEARCH, params=search_params("咖啡"))
    assert response.status_code == status
    with pytest.raises(ValueError):
        response.json()  # an HTML error body, as the platforms' front ends send


async def test_business_error() -> None:
    async with make_client(_app("business_error")) as client:
        response = await client.get(SEARCH, params=search_params("咖啡"))
    payload = response.json()
    assert response.status_code == 200 and payload["ok"] == 0 and payload["errno"] == "20003" and payload["msg"]


async def test_login_expired_redirects_to_passport() -> None:
    async with make_client(_app("login_expired")) as client:
        response = await client.get(SEARCH, params=search_params("咖啡"))
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("https://passport.weibo.cn/signin/login?")
    assert "m.weibo.cn%2Fapi%2Fcontainer%2FgetIndex" in location


async def test_verification_page() -> None:
    async with make_client(_app("verification")) as client:
        response = await client.get(SEARCH, params=search_params("咖啡"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "安全验证" in response.text


async def test_blocked_is_an_empty_200_body() -> None:
    async with make_client(_app("blocked")) as client:
        response = await client.get(SEARCH, params=search_params("咖啡"))
    assert response.status_code == 200 and response.content == b""
    assert parse_fault("blocked@host=www.douyin.com") == FaultSpec("blocked", host="www.douyin.com")


async def test_malformed_json() -> None:
    async with make_client(_app("malformed_json")) as client:
        response = await client.get(SEARCH, params=search_params("咖啡"))
        detail = await client.get("/m.weibo.cn/detail/4383183661430868")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert response.content.startswith(b'{"ok":1')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert detail.status_code == 200 and "$render_data" in detail.text and "</html>" not in detail.text


async def test_timeout_holds_then_answers_504() -> None:
    async with make_client(_app("timeout:0.3")) as client:
        started = time.perf_counter()
        response = await client.get(SEARCH, params=search_params("咖啡"))
    assert time.perf_counter() - started >= 0.3 and response.status_code == 504


def test_timeout_default_outlasts_client_timeouts() -> None:
    assert parse_fault("timeout").seconds == 30


async def test_empty_page() -> None:
    async with make_client(_app("empty_page")) as client:
        search = (await client.get(SEARCH, params=search_params("咖啡"))).json()
        hotflow = (await client.get(HOTFLOW, params=hotflow_params("4383183661430868"))).json()
        user = (await client.get(SEARCH, params={"type": "uid", "value": 1331994986,
                                                 "containerid": "1005051331994986"})).json()  # fmt: skip
    assert search["ok"] == 1 and search["data"]["cards"] == [] and search["data"]["cardlistInfo"]["page"] == 2
    assert hotflow["ok"] == 1 and hotflow["data"]["data"] == []
    assert user == {"ok": 1, "data": {}}


# -- scopes and counters --------------------------------------------------------------------------


async def test_times_injects_then_recovers() -> None:
    async with make_client(_app("http_429@times=2")) as client:
        assert await _statuses(client, 4) == [429, 429, 200, 200]
        faults = (await client.get("/_sandbox/faults")).json()["faults"]
    assert faults == [{"fault": "http_429@times=2", "seen": 4, "injected": 2}]


async def test_after_lets_requests_through_first() -> None:
    async with make_client(_app("http_432@after=2")) as client:
        assert await _statuses(client, 4) == [200, 200, 432, 432]


async def test_after_and_times_combine() -> None:
    async with make_client(_app("http_5xx@after=1,times=1")) as client:
        assert await _statuses(client, 3) == [200, 503, 200]


async def test_keyword_scope() -> None:
    async with make_client(_app("http_432@keyword=咖啡")) as client:
        assert await _statuses(client, 1, "咖啡") == [432]
        assert await _statuses(client, 1, "手冲") == [200]


async def test_page_scope_hits_that_page_and_later() -> None:
    async with make_client(_app("business_error@page=3")) as client:
        oks = [(await client.get(SEARCH, params=search_params("咖啡", p))).json()["ok"] for p in range(1, 5)]
    assert oks == [1, 1, 0, 0]


async def test_path_and_keyword_scope_reach_comments_of_that_keywords_posts() -> None:
    async with make_client(_app("http_503@keyword=咖啡,path=/comments/hotflow")) as client:
        coffee = posts_of((await client.get(SEARCH, params=search_params("咖啡"))).json())[0]["id"]
        tea = posts_of((await client.get(SEARCH, params=search_params("手冲"))).json())[0]["id"]
        assert (await client.get(HOTFLOW, params=hotflow_params(coffee))).status_code == 503
        assert (await client.get(HOTFLOW, params=hotflow_params(tea))).status_code == 200
        assert (await client.get(f"/m.weibo.cn/detail/{coffee}")).status_code == 200


async def test_path_scope_accepts_the_host_prefix_and_host_scope() -> None:
    async with make_client(_app("http_418@path=/m.weibo.cn/detail", "http_429@host=www.douyin.com")) as client:
        assert (await client.get("/m.weibo.cn/detail/4383183661430868")).status_code == 418
        assert (await client.get(SEARCH, params=search_params("咖啡"))).status_code == 200


async def test_first_answering_fault_wins_and_latency_adds_up() -> None:
    async with make_client(_app("latency:100", "http_429@times=1", "http_432@times=1", "latency:100")) as client:
        started = time.perf_counter()
        assert await _statuses(client, 3) == [429, 432, 200]
        assert time.perf_counter() - started >= 0.6
        log = (await client.get("/_sandbox/requests")).json()["requests"]
    assert log[0]["faults"] == ["latency:100", "http_429@times=1", "latency:100"]


async def test_faults_skip_control_paths_and_unknown_routes() -> None:
    async with make_client(_app("http_5xx")) as client:
        assert (await client.get("/_sandbox/health")).status_code == 200
        assert (await client.get("/example.com/")).status_code == 404


# -- runtime control and request log --------------------------------------------------------------


async def test_runtime_faults_replace_the_set_and_reset_counters() -> None:
    async with make_client(_app("http_429@times=1")) as client:
        assert await _statuses(client, 1) == [429]
        posted = await client.post("/_sandbox/faults", json=["http_429@times=1", "latency:1"])
        assert posted.status_code == 200
        assert [f["fault"] for f in posted.json()["faults"]] == ["http_429@times=1", "latency:1"]
        assert await _statuses(client, 2) == [429, 200]
        bad = await client.post("/_sandbox/faults", json=["http_429", "nonsense"])
        assert bad.status_code == 400 and "nonsense" in bad.json()["sandbox_error"]
        not_a_list = await client.post("/_sandbox/faults", json={"fault": "http_429"})
        assert not_a_list.status_code == 400
        assert len((await client.get("/_sandbox/faults")).json()["faults"]) == 2  # unchanged by bad posts
        assert (await client.delete("/_sandbox/faults")).json() == {"faults": []}
        assert await _statuses(client, 1) == [200]


async def test_request_log_records_what_arrived() -> None:
    async with make_client(_app("http_432@keyword=手冲")) as client:
        headers = {
            "User-Agent": "Mozilla/5.0 (iPhone)",
            "Referer": "https://m.weibo.cn/",
            "Cookie": "SUB=secret; _T_WM=1",
        }
        await client.get(SEARCH, params=search_params("咖啡", 2), headers=headers)
        await client.get(SEARCH, params=search_params("手冲"))
        await client.get("/nowhere.example/x")
        log = (await client.get("/_sandbox/requests")).json()["requests"]
        first, second, misrouted = log
        assert misrouted["path"] == "/nowhere.example/x" and misrouted["status"] == 404
        assert first["method"] == "GET" and first["path"] == SEARCH and first["status"] == 200
        assert first["params"] == {"containerid": "100103type=1&q=咖啡", "page_type": "searchall", "page": "2"}
        assert "containerid=100103type%3D1%26q%3D" in first["query"]
        assert first["headers"]["user-agent"] == "Mozilla/5.0 (iPhone)"
        assert first["headers"]["referer"] == "https://m.weibo.cn/"
        assert first["cookies"] == ["SUB", "_T_WM"] and "secret" not in json.dumps(log)
        assert second["status"] == 432 and second["faults"] == ["http_432@keyword=手冲"]
        assert (await client.delete("/_sandbox/requests")).json() == {"requests": []}
        assert (await client.get("/_sandbox/requests")).json() == {"requests": []}
