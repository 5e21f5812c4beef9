"""HAR entries recorded from real sandbox requests: the request as the adapter sends it (signed), the
answer as the replay serves it, saved under the platform's own URL the way a browser saves it.

The sandbox serves https://HOST/PATH at /HOST/PATH; its Zhihu comments and Tieba page_pc / 楼中楼
answers are built from the real samples under the documented shapes (sandbox/zhihu_data.py,
sandbox/tieba_data.py). No capture of those pages exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import httpx

from keypick.platforms.tieba.signing import sign_params
from keypick.sandbox import create_sandbox_app
from keypick.sandbox.signing_pages import sign

#: The newest post time of the replay, and the moment the "browser" received every answer.
ANCHOR = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=8)))
D_C0 = "AJDf2-sandbox|1712584885"
FORM = {"content-type": "application/x-www-form-urlencoded;charset=UTF-8"}


@dataclass
class Recorder:
    """An in-process sandbox client; each recorded request becomes one HAR entry in `entries`."""

    seed: str = "har"
    entries: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        app = create_sandbox_app(anchor=ANCHOR, seed=self.seed)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test")

    async def aclose(self) -> None:
        """Close the client."""
        await self.client.aclose()

    def har(self, *entries: dict[str, Any]) -> dict[str, Any]:
        """Return a HAR document of the given entries (default: every recorded one)."""
        chosen = list(entries) or self.entries
        return {"log": {"version": "1.2", "creator": {"name": "sandbox", "version": "1"}, "entries": chosen}}

    async def faults(self, *specs: str) -> None:
        """Replace the sandbox's faults (KIND[:VALUE][@SCOPE]; none clears them)."""
        response = await self.client.post("/_sandbox/faults", json=list(specs))
        assert response.status_code == 200, response.text

    def record(self, response: httpx.Response, body: str | None = None, *, mime: str = FORM["content-type"]) -> None:
        """Save one answered request as the next HAR entry (`body`: the request body as sent, of type `mime`)."""
        self.entries.append(self._save(response, body, mime=mime))

    def _save(self, response: httpx.Response, body: str | None, *, mime: str = FORM["content-type"]) -> dict[str, Any]:
        target = response.request.url.raw_path.decode()  # "/www.zhihu.com/api/...?..."
        host, _, rest = target.removeprefix("/").partition("/")
        headers = [{"name": k, "value": v} for k, v in response.request.headers.items()]
        request: dict[str, Any] = {"method": response.request.method, "url": f"https://{host}/{rest}",
                                   "headers": headers}  # fmt: skip
        if body is not None:
            request["postData"] = {"mimeType": mime, "text": body}
        answered = response.headers.get("content-type", "application/octet-stream")
        entry = {
            "startedDateTime": ANCHOR.isoformat(),
            "request": request,
            "response": {"status": response.status_code, "content": {"mimeType": answered, "text": response.text}},
        }
        return entry

    async def zhihu(
        self, path: str, params: dict[str, Any], *, record: bool = True, status: int = 200
    ) -> dict[str, Any]:
        """GET a www.zhihu.com API path signed as the sandbox page's hook signs it; return the JSON (of `status`)."""
        url = httpx.URL(f"/www.zhihu.com{path}", params=params)
        headers = {"x-zse-93": "101_3_3.0", "x-requested-with": "fetch", "x-api-version": "3.0.91",
                   "cookie": f"_xsrf=x; d_c0={D_C0}",
                   "x-zse-96": "2.0_" + sign("zhihu", f"{url.raw_path.decode()}\n{D_C0}")}  # fmt: skip
        response = await self.client.get(url, headers=headers)
        assert response.status_code == status, response.text
        if record:
            self.entries.append(self._save(response, None))
        payload: dict[str, Any] = response.json()
        return payload

    async def tieba_get(self, path: str, params: dict[str, Any], *, record: bool = True) -> httpx.Response:
        """GET a tieba.baidu.com path (HTML pages, or signed JSON when `params` are signed)."""
        response = await self.client.get(f"/tieba.baidu.com{path}", params=params)
        assert response.status_code == 200, response.text
        if record:
            self.entries.append(self._save(response, None))
        return response

    async def page_pc(self, tid: str, pn: int = 1, *, record: bool = True) -> dict[str, Any]:
        """POST the signed page_pc form of one thread page (after asking /c/s/pc/sync for tbs)."""
        sync = await self.tieba_get("/c/s/pc/sync", sign_params({}), record=False)
        form = {"pn": pn, "lz": 0, "r": 2, "mark_type": 0, "back": 0, "fr": "", "kz": tid, "session_request_times": 1,
                "tbs": sync.json()["data"]["anti"]["tbs"]}  # fmt: skip
        body = urlencode(sign_params(form))
        response = await self.client.post("/tieba.baidu.com/c/f/pb/page_pc", content=body, headers=FORM)
        assert response.status_code == 200 and response.json()["error_code"] == 0, response.text
        if record:
            self.entries.append(self._save(response, body))
        payload: dict[str, Any] = response.json()
        return payload


def zhihu_search_params(keyword: str) -> dict[str, Any]:
    """The query the Zhihu adapter sends for the first search page."""
    return {"gk_version": "gz-gaokao", "t": "general", "q": keyword, "correction": 1, "offset": 0, "limit": 20,
            "filter_fields": "", "lc_idx": 0, "show_all_topics": 0, "search_source": "Filter", "time_interval": "",
            "sort": "", "vertical": ""}  # fmt: skip


def root_path(answer_id: str) -> str:
    """The root_comment path of an answer."""
    return f"/api/v4/comment_v5/answers/{answer_id}/root_comment"


def child_path(root_id: str) -> str:
    """The child_comment path of a root comment."""
    return f"/api/v4/comment_v5/comment/{root_id}/child_comment"


def next_offset(payload: dict[str, Any]) -> str:
    """The offset of paging.next of a comment_v5 page."""
    return str(httpx.URL(payload["paging"]["next"]).params.get("offset", ""))


def as_utc(moment: datetime) -> datetime:
    """A datetime in UTC."""
    return moment.astimezone(UTC)
