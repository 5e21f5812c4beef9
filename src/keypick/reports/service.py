"""Building a report: insights from the database, an optional cited summary, rendered as Markdown or HTML."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keypick.content.schemas import Post
from keypick.exceptions import KeyPickError, ValidationError
from keypick.insights import service as insights_service
from keypick.insights.schemas import Insights
from keypick.reports import html, markdown, summarize
from keypick.reports.config import ReportSettings
from keypick.reports.llm import DifyWorkflow, OpenAICompatible, Provider, make_tracer
from keypick.reports.schemas import ReportFormat, ReportQuery, Summary, SummaryMode

log = logging.getLogger(__name__)
MEDIA_TYPES = {ReportFormat.MD: "text/markdown; charset=utf-8", ReportFormat.HTML: "text/html; charset=utf-8"}


@dataclass
class Report:
    """A rendered report."""

    text: str
    media_type: str
    filename: str
    insights: Insights
    summary: Summary | None


def provider_kind(mode: SummaryMode, settings: ReportSettings) -> str | None:
    """Return "llm", "dify" or None for a summary mode; ValidationError when the asked provider is not set up."""
    if mode == SummaryMode.NONE:
        return None
    if mode == SummaryMode.LLM and not settings.llm_enabled:
        raise ValidationError("summary", "llm needs KEYPICK_LLM_BASE_URL and KEYPICK_LLM_MODEL")
    if mode == SummaryMode.DIFY and not settings.dify_enabled:
        raise ValidationError("summary", "dify needs DIFY_API_URL and DIFY_REPORT_APP_KEY")
    if mode in (SummaryMode.LLM, SummaryMode.DIFY):
        return mode.value
    return "llm" if settings.llm_enabled else "dify" if settings.dify_enabled else None


async def make_summary(
    posts: Sequence[Post],
    ins: Insights,
    *,
    kind: str,
    settings: ReportSettings,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Summary:
    """Return the map-reduce summary; a provider failure gives a Summary with `error`, never invented text."""
    async with httpx.AsyncClient(timeout=settings.llm_timeout, transport=transport) as client:
        tracer = make_tracer(settings, client)
        provider: Provider = (OpenAICompatible if kind == "llm" else DifyWorkflow)(settings, client, tracer)
        try:
            return await summarize.summarize(
                posts, ins, provider, budget=settings.llm_chunk_chars, max_chunks=settings.llm_max_chunks
            )
        except KeyPickError as exc:
            log.warning("report summary failed: %s", exc.message)
            return Summary(provider=kind, model=provider.model, error=exc.message)
        finally:
            await tracer.flush()


def render(ins: Insights, summary: Summary | None, fmt: ReportFormat) -> str:
    """Return the report text in the format."""
    return html.render(ins, summary) if fmt == ReportFormat.HTML else markdown.render(ins, summary)


async def build(
    sessions: async_sessionmaker[AsyncSession],
    *,
    query: ReportQuery,
    settings: ReportSettings,
    now: datetime,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Report:
    """Return the report of the posts matching the query (insights, then the optional summary, then rendering)."""
    kind = provider_kind(query.summary, settings)
    async with sessions() as session:
        dataset = await insights_service.load(session, query=query)
    ins = await insights_service.compute(dataset, query=query, now=now)
    summary = None
    if kind is not None and dataset.posts:
        summary = await make_summary(dataset.posts, ins, kind=kind, settings=settings, transport=transport)
    fmt = ReportFormat(query.format)
    return Report(
        text=render(ins, summary, fmt),
        media_type=MEDIA_TYPES[fmt],
        filename=f"keypick-report-{now:%Y%m%d-%H%M}.{fmt.value}",
        insights=ins,
        summary=summary,
    )
