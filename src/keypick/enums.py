"""Shared vocabularies: platforms, task states, stop reasons, sort orders."""

from __future__ import annotations

from enum import StrEnum


class Platform(StrEnum):
    """The seven platforms KeyPick knows; values are the canonical API names."""

    XIAOHONGSHU = "xiaohongshu"
    DOUYIN = "douyin"
    KUAISHOU = "kuaishou"
    BILIBILI = "bilibili"
    WEIBO = "weibo"
    TIEBA = "tieba"
    ZHIHU = "zhihu"


#: Short names users type (MediaCrawler's vocabulary) mapped to canonical names.
PLATFORM_ALIASES: dict[str, Platform] = {
    "xhs": Platform.XIAOHONGSHU,
    "redbook": Platform.XIAOHONGSHU,
    "dy": Platform.DOUYIN,
    "ks": Platform.KUAISHOU,
    "bili": Platform.BILIBILI,
    "b站": Platform.BILIBILI,
    "wb": Platform.WEIBO,
}


def resolve_platform(name: str) -> Platform:
    """Return the Platform for a canonical or short name; raise ValueError naming the choices."""
    key = name.strip().lower()
    if key in PLATFORM_ALIASES:
        return PLATFORM_ALIASES[key]
    try:
        return Platform(key)
    except ValueError:
        choices = ", ".join([p.value for p in Platform] + sorted(PLATFORM_ALIASES))
        raise ValueError(f"unknown platform {name!r}; one of: {choices}") from None


class TaskStatus(StrEnum):
    """Lifecycle of a crawl task."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"  #: every keyword ran to a natural end
    PARTIAL = "partial"  #: some keywords stopped early; each says why
    FAILED = "failed"  #: nothing could be collected
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """True for the terminal states."""
        return self not in (TaskStatus.PENDING, TaskStatus.RUNNING)


class StopReason(StrEnum):
    """Why one (platform, keyword) unit stopped."""

    END_OF_RESULTS = "end_of_results"
    MAX_RESULTS = "max_results"
    TIME_WINDOW_PASSED = "time_window_passed"
    RISK_CONTROL = "risk_control"
    RATE_LIMITED = "rate_limited"
    LOGIN_REQUIRED = "login_required"
    VERIFICATION_REQUIRED = "verification_required"
    BUDGET_EXHAUSTED = "budget_exhausted"
    CANCELLED = "cancelled"
    ERROR = "error"

    @property
    def natural(self) -> bool:
        """True when stopping here means no data was silently missed."""
        return self in (StopReason.END_OF_RESULTS, StopReason.MAX_RESULTS, StopReason.TIME_WINDOW_PASSED)


class SortBy(StrEnum):
    """Result orderings offered by the API; adapters map them to native sorts where they exist."""

    HOT = "hot"
    RECENT = "recent"
    LIKES = "likes"
    COMMENTS = "comments"
    SHARES = "shares"
