"""GET /api/insights/report: the insights as Markdown or self-contained HTML, with an optional cited summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from keypick.api.runtime import Runtime, get_runtime
from keypick.db import utcnow
from keypick.reports import config as report_config
from keypick.reports import service as report_service
from keypick.reports.config import ReportSettings
from keypick.reports.schemas import ReportQuery

router = APIRouter(prefix="/api/insights", tags=["insights"])


def get_report_settings(request: Request) -> ReportSettings:
    """FastAPI dependency: the report settings, read from the environment once per app."""
    settings: ReportSettings | None = getattr(request.app.state, "report_settings", None)
    if settings is None:
        settings = request.app.state.report_settings = report_config.load()
    return settings


@router.get(
    "/report",
    operation_id="get_insights_report",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}, "text/html": {}}}},
    summary="The insights as a Markdown or self-contained HTML report.",
)
async def get_report(
    query: Annotated[ReportQuery, Query()],
    runtime: Runtime = Depends(get_runtime),
    settings: ReportSettings = Depends(get_report_settings),
) -> Response:
    """Return the report; with an LLM or Dify configured, a summary whose every sentence cites post ids."""
    report = await report_service.build(runtime.sessions, query=query, settings=settings, now=utcnow())
    return Response(
        report.text,
        media_type=report.media_type,
        headers={"Content-Disposition": f'inline; filename="{report.filename}"'},
    )
