"""Report formats and the optional summary with its enforced citations."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from keypick.insights.schemas import InsightQuery


class ReportFormat(StrEnum):
    """Output formats of a report."""

    MD = "md"
    HTML = "html"


class SummaryMode(StrEnum):
    """Which summary provider to use; auto picks the LLM, then Dify, then none."""

    AUTO = "auto"
    NONE = "none"
    LLM = "llm"
    DIFY = "dify"


class ReportQuery(InsightQuery):
    """The insights filters and options, plus the report format and summary provider."""

    format: ReportFormat = Field(ReportFormat.MD, description="md (Markdown) or html (self-contained).")
    summary: SummaryMode = Field(SummaryMode.AUTO, description="auto, none, llm or dify.")


class SummarySentence(BaseModel):
    """One sentence of a model's summary and whether its citations hold."""

    text: str
    cited_ids: list[str] = Field(default_factory=list)
    unknown_ids: list[str] = Field(default_factory=list)
    valid: bool
    reason: str | None = None


class Summary(BaseModel):
    """A map-reduce summary: only sentences citing existing post ids are kept; the others are listed."""

    provider: str = Field(description="llm or dify.")
    model: str | None = None
    chunks: int = Field(0, description="Map calls (one per chunk of posts).")
    calls: int = Field(0, description="All model calls, map and reduce.")
    posts_used: int = 0
    sentences: list[SummarySentence] = Field(default_factory=list, description="Kept: each cites post ids.")
    rejected: list[SummarySentence] = Field(default_factory=list, description="Dropped: uncited or unknown ids.")
    error: str | None = Field(None, description="Why there is no summary, when the provider failed.")
