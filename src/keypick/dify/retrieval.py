"""Dify's External Knowledge API: POST /retrieval backed by the history search.

`knowledge_id` chooses what is searched: "all" (every stored post), "platform:<name>", "task:<id>"
or "keyword:<crawl keyword>". Scores are the search engine's relevance scaled so the best record is 1.0.

Auth failures answer 403 in Dify's error shape, not the API's usual 401: when the External Knowledge API is
saved, Dify probes `{endpoint}/retrieval` and rejects only 403, 404 and 502. A 401 would let a wrong key be
saved, and every later retrieval would then come back silently empty (Dify turns non-200 into no records).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from starlette.exceptions import HTTPException

from keypick.api.runtime import Runtime, get_runtime
from keypick.enums import resolve_platform
from keypick.history import service as history_service
from keypick.history.filters import DataFilter


class DifyKnowledgeRoute(APIRoute):
    """A route whose 401 (from the API-key dependency) becomes Dify's 403 with error_code 1001/1002."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the handler so auth failures use Dify's External Knowledge error shape."""
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as exc:
                if exc.status_code != 401:
                    raise
                if not request.headers.get("authorization", "").strip():
                    return _error(403, 1001, "Missing API key: send Authorization: Bearer <api-key>.")
                return _error(403, 1002, "Authorization failed: the API key is not one of KEYPICK_API_KEYS.")

        return handle


router = APIRouter(tags=["dify"], route_class=DifyKnowledgeRoute)


class RetrievalSetting(BaseModel):
    """How many records and the lowest score to return."""

    top_k: int = Field(5, ge=1, le=100)
    score_threshold: float = Field(0.0, ge=0.0, le=1.0)

    @field_validator("top_k", "score_threshold", mode="before")
    @classmethod
    def _null_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        # Dify sends retrieval_setting.top_k as stored; a knowledge base created through its API may hold null.
        return cls.model_fields[str(info.field_name)].default if value is None else value


class RetrievalRequest(BaseModel):
    """Dify's request body."""

    model_config = ConfigDict(extra="ignore")

    knowledge_id: str = Field(description='"all", "platform:<name>", "task:<id>" or "keyword:<word>".')
    query: str = Field(min_length=1, max_length=500)
    retrieval_setting: RetrievalSetting = Field(default_factory=RetrievalSetting)
    metadata_condition: dict[str, Any] | None = None


def _error(status: int, code: int, message: str) -> JSONResponse:
    # Dify's own error shape for external knowledge bases.
    return JSONResponse({"error_code": code, "error_msg": message}, status_code=status)


def knowledge_filter(knowledge_id: str) -> DataFilter | None:
    """Return the filter a knowledge id stands for, or None when it is not one KeyPick knows."""
    kind, _, value = knowledge_id.partition(":")
    if knowledge_id == "all":
        return DataFilter()
    if not value:
        return None
    if kind == "platform":
        try:
            return DataFilter(platforms=[resolve_platform(value).value])
        except ValueError:
            return None
    if kind == "task":
        return DataFilter(task_ids=[value])
    if kind == "keyword":
        return DataFilter(keywords=[value])
    return None


@router.post("/retrieval", operation_id="retrieval", summary="Dify External Knowledge API: search the history.")
async def retrieval(body: RetrievalRequest, runtime: Runtime = Depends(get_runtime)) -> Any:
    """Return {records: [{content, score, title, metadata}]} for Dify's Knowledge Retrieval."""
    f = knowledge_filter(body.knowledge_id)
    if f is None:
        return _error(404, 2001, f"knowledge {body.knowledge_id!r} does not exist; use all, platform:<name>, "
                                 "task:<id> or keyword:<word>")  # fmt: skip
    settings = body.retrieval_setting
    async with runtime.sessions() as session:
        found = await history_service.search(
            session,
            body.query,
            f,
            sort="relevant",
            limit=settings.top_k,
            offset=0,
            window=runtime.settings.search_rank_window,
            any_term=True,  # Dify sends the user's question, not search syntax
        )
    results = found["results"]
    best = max((r["score"] for r in results), default=0.0) or 1.0
    records = []
    for r in results:
        score = round(r["score"] / best, 4) if best > 0 else 0.0
        if score < settings.score_threshold:
            continue
        records.append({
            "content": r["content"], "score": score, "title": r.get("title") or (r["content"][:30] or r["id"]),
            "metadata": {"id": r["id"], "platform": r["platform"], "url": r.get("url") or "",
                         "author": r.get("author") or "", "publish_time": r.get("publish_time") or "",
                         "likes": r.get("likes"), "comments": r.get("comments")},
        })  # fmt: skip
    return {"records": records}
