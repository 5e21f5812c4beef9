"""The gateway under wrangler dev with the crawler queue bound, over real HTTP, against the real backend."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.gateway.conftest import BACKEND_ONLY_KEY, GATEWAY_KEY, INTERNAL_KEY, OTHER_KEY, RATE_KEY, Stack

CRAWL = {"platform": "weibo", "keywords": ["咖啡"], "max_results": 12}

pytestmark = pytest.mark.slow  # starts wrangler (workerd) processes


def _start_of_window(period: int = 60, room: float = 15) -> None:
    # Local rate limits count in fixed wall-clock windows: start a burst early in one, so it is not split.
    into = time.time() % period
    if into > period - room:
        time.sleep(period - into + 0.2)


def test_health_and_version_at_the_edge(stack: Stack) -> None:
    health = stack.get("/health", key=None)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "service": "keypick-gateway", "version": "1.0.0",
                             "environment": "development", "queue": "bound", "cache": "bound"}  # fmt: skip
    assert health.headers["X-Request-ID"]
    version = stack.get("/api/version", key=None)
    assert version.status_code == 200 and version.json()["service"] == "keypick-gateway"


def test_cors_preflight_and_headers(stack: Stack) -> None:
    preflight = stack.http.options("/api/crawl/", headers={"Origin": "https://app.example",
                                                          "Access-Control-Request-Method": "POST",
                                                          "Access-Control-Request-Headers": "x-api-key"})  # fmt: skip
    assert preflight.status_code == 204, "preflights need no key"
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "X-API-Key" in preflight.headers["Access-Control-Allow-Headers"]
    answer = stack.get("/api/crawl/platforms", headers={"Origin": "https://app.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Cache" in answer.headers["Access-Control-Expose-Headers"]


def test_auth_pass_and_fail(stack: Stack) -> None:
    for headers in ({"X-API-Key": GATEWAY_KEY}, {"Authorization": f"Bearer {GATEWAY_KEY}"}):
        assert stack.get("/api/crawl/tasks", key=None, headers=headers).status_code == 200
    assert stack.get(f"/api/crawl/tasks?key={GATEWAY_KEY}", key=None).status_code == 200
    for key in (None, "wrong-key", BACKEND_ONLY_KEY):
        denied = stack.get("/api/crawl/tasks", key=key, headers={"CF-Connecting-IP": "198.51.100.7"})
        assert denied.status_code == 401, key
        assert denied.json()["error"]["code"] == "unauthorized"
        assert denied.headers["WWW-Authenticate"] == "Bearer"


def test_client_cannot_bring_its_own_internal_key(stack: Stack) -> None:
    smuggled = stack.get("/api/crawl/tasks", key=None, headers={"X-Internal-Key": INTERNAL_KEY,
                                                                "CF-Connecting-IP": "198.51.100.8"})  # fmt: skip
    assert smuggled.status_code == 401
    for path in ("/internal/tasks", "/metrics"):
        assert stack.get(path).status_code == 404, f"{path} is not reachable through the gateway"
    posted = stack.post("/internal/tasks", json={"task_id": uuid.uuid4().hex, "request": CRAWL})
    assert posted.status_code == 404


def test_lockout_after_repeated_bad_keys(stack: Stack) -> None:
    _start_of_window()
    ip = {"CF-Connecting-IP": "203.0.113.50"}
    for _ in range(10):  # AUTH_FAILURES in wrangler.toml: 10 per 60 s
        assert stack.get("/api/crawl/tasks", key="guess", headers=ip).status_code == 401
    locked = stack.get("/api/crawl/tasks", key="guess", headers=ip)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "locked_out"
    assert 890 <= int(locked.headers["Retry-After"]) <= 900  # LOCKOUT_SECONDS
    # Even the right key is refused from that address now; other addresses are untouched.
    assert stack.get("/api/crawl/tasks", headers=ip).status_code == 429
    assert stack.get("/api/crawl/tasks", headers={"CF-Connecting-IP": "203.0.113.51"}).status_code == 200


def test_rate_limit_per_key(stack: Stack) -> None:
    _start_of_window()
    answers = [stack.get("/api/crawl/platforms", key=RATE_KEY).status_code for _ in range(121)]
    assert answers[:120] == [200] * 120  # RATE_LIMITER: 120 per 60 s
    assert answers[120] == 429
    limited = stack.get("/api/crawl/platforms", key=RATE_KEY)
    assert limited.json()["error"]["code"] == "rate_limited" and limited.headers["Retry-After"] == "60"
    assert stack.get("/api/crawl/platforms").status_code == 200, "other keys keep their own allowance"


def test_platforms_cached_in_kv(stack: Stack) -> None:
    first = stack.get("/api/crawl/platforms")
    second = stack.get("/api/crawl/platforms")
    assert first.status_code == second.status_code == 200
    # The rate-limit test may have filled the cache first; either way the next answer is a HIT.
    assert first.headers["X-Cache"] in ("MISS", "HIT") and second.headers["X-Cache"] == "HIT"
    assert second.json() == first.json()
    assert {p["platform"] for p in second.json()["platforms"]} >= {"weibo", "bilibili"}
    assert second.json()["sandbox"] is True, "the answer is the real backend's"


def test_queued_crawl_end_to_end(stack: Stack) -> None:
    accepted = stack.post("/api/crawl/", json=CRAWL)
    assert accepted.status_code == 202, accepted.text
    body = accepted.json()
    task_id = body["task_id"]
    assert body["queued"] is True and body["status"] == "pending"
    assert body["status_url"] == f"{stack.gateway.url}/api/crawl/status/{task_id}"
    assert accepted.headers["Location"] == body["status_url"]
    final = stack.wait_status(task_id)
    assert final["status"] == "completed", final
    assert final["units"][0]["keyword"] == "咖啡" and final["counts"]["posts"] > 0
    assert final["results_url"].startswith(stack.gateway.url), "backend URLs are rewritten to the gateway's"
    assert f'"event":"crawl_delivered","task_id":"{task_id}"' in stack.gateway.logs(), "one JSON log line per delivery"
    # Delivered under the gateway's id, to the backend itself (asked directly, with its own key).
    direct = httpx.get(f"{stack.backend.url}/api/crawl/status/{task_id}", headers={"X-API-Key": BACKEND_ONLY_KEY})
    assert direct.json()["status"] == "completed"
    results_path = f"/api/crawl/task/{task_id}/results?page_size=5"
    miss = stack.get(results_path)
    hit = stack.get(results_path)
    assert miss.status_code == hit.status_code == 200
    assert (miss.headers["X-Cache"], hit.headers["X-Cache"]) == ("MISS", "HIT")
    assert hit.json() == miss.json() and len(hit.json()["results"]) == 5
    assert stack.get(f"/api/crawl/task/{task_id}/results?key={GATEWAY_KEY}&page_size=5", key=None).headers[
        "X-Cache"] == "HIT", "?key= is not part of the cache key"  # fmt: skip
    status = stack.get(f"/api/crawl/status/{task_id}")
    assert "X-Cache" not in status.headers and status.headers["Cache-Control"] == "no-store"


def test_unfinished_results_are_not_cached(stack: Stack) -> None:
    accepted = stack.post("/api/crawl/", json=CRAWL | {"keywords": ["咖啡"], "max_results": 13})
    task_id = accepted.json()["task_id"]
    early = stack.get(f"/api/crawl/task/{task_id}/results")
    # Before delivery the backend does not know the task (404); then it is pending or running. Never cached.
    assert early.status_code in (200, 404) and early.headers["X-Cache"] == "MISS"
    assert stack.wait_status(task_id)["status"] == "completed"
    assert stack.get(f"/api/crawl/task/{task_id}/results").headers["X-Cache"] == "MISS"
    assert stack.get(f"/api/crawl/task/{task_id}/results").headers["X-Cache"] == "HIT"


def test_idempotency_key_names_one_task(stack: Stack) -> None:
    headers = {"Idempotency-Key": f"dify-retry-{uuid.uuid4().hex}"}
    first = stack.post("/api/crawl/", json=CRAWL, headers=headers)
    again = stack.post("/api/crawl/", json=CRAWL, headers=headers)
    assert (first.status_code, first.json()["created"]) == (202, True)
    assert (again.status_code, again.json()["created"]) == (200, False), "a retry is not queued again"
    task_id = first.json()["task_id"]
    assert again.json()["task_id"] == task_id
    assert stack.wait_status(task_id)["status"] == "completed"
    other = stack.post("/api/crawl/", key=OTHER_KEY, json=CRAWL, headers=headers).json()["task_id"]
    assert other != task_id, "Idempotency-Keys are per API key"


def test_rejected_crawl_says_why_in_its_status(stack: Stack) -> None:
    accepted = stack.post("/api/crawl/", json={"platform": "myspace", "keywords": "咖啡"})
    assert accepted.status_code == 202, "the edge only checks the shape; the backend decides on delivery"
    final = stack.wait_status(accepted.json()["task_id"])
    assert final["status"] == "failed" and "backend rejected the crawl (422)" in final["error"], final
    assert "platform" in final["error"]


def test_edge_validation(stack: Stack) -> None:
    for body, field in (([], "body"), ({"keywords": ["a"]}, "platform"), ({"platform": "weibo"}, "keywords")):
        answer = stack.post("/api/crawl/", json=body)
        assert answer.status_code == 422 and answer.json()["error"]["details"]["errors"][0]["field"] == field
    broken = stack.post("/api/crawl/", content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 422


def test_status_of_unknown_task_is_the_backends_404(stack: Stack) -> None:
    answer = stack.get(f"/api/crawl/status/{uuid.uuid4().hex}")
    assert answer.status_code == 404 and "error" in answer.json()


def test_proxy_passes_request_id_and_errors(stack: Stack) -> None:
    answer = stack.get("/api/crawl/tasks?limit=1", headers={"X-Request-ID": "req-123"})
    assert answer.status_code == 200 and answer.headers["X-Request-ID"] == "req-123"
    bad = stack.get("/api/crawl/tasks?limit=0")
    assert bad.status_code == 422 and bad.json()["error"]["code"], "backend errors pass through unchanged"
    redirected = stack.get("/api/crawl/tasks/")
    assert redirected.status_code == 307, "FastAPI's trailing-slash redirect"
    assert redirected.headers["Location"] == f"{stack.gateway.url}/api/crawl/tasks", "back through the gateway"
    public = stack.get("/api/tools/dify/openapi.json", key=None)
    direct = httpx.get(f"{stack.backend.url}/api/tools/dify/openapi.json")
    assert (public.status_code, public.json()) == (direct.status_code, direct.json()), "public, as on the backend"


def test_cron_checks_the_backend(stack: Stack) -> None:
    assert stack.http.get("/__scheduled", params={"cron": "*/10 * * * *"}).status_code == 200
    deadline = time.monotonic() + 10
    while '"event":"backend_health","status":200' not in stack.gateway.logs():
        assert time.monotonic() < deadline, stack.gateway.logs()[-3000:]
        time.sleep(0.2)
