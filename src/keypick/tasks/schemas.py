"""API shapes of the tasks domain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from keypick.bounds import INT64_MAX
from keypick.enums import SortBy, resolve_platform
from keypick.platforms.base import ContentType, CrawlMode
from keypick.tasks.filters import TIME_RANGE_HELP, parse_time_range


def _split_words(value: Any) -> Any:
    # Accept "a,b" as well as ["a", "b"]: Dify and shell users send comma lists.
    if isinstance(value, str):
        return [part for part in (p.strip() for p in value.replace("，", ",").split(",")) if part]
    return value


class CrawlRequest(BaseModel):
    """POST /api/crawl/: what to collect."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    platform: str = Field(
        description="Platform name: xiaohongshu, douyin, kuaishou, bilibili, weibo, "
        "tieba, zhihu, or a short name (xhs, dy, ks, bili, wb).",
        examples=["weibo"],
    )
    # `mode` comes before `keywords`: fields validate in order, and creator keywords depend on the mode.
    mode: CrawlMode = Field(
        CrawlMode.SEARCH,
        description="search: keywords are search words; creator: keywords are author ids (the platform's user "
        "id, as in a post's author_id, or a profile link; zhihu also takes a url_token; one it cannot read is a 422) "
        "and each author's own posts are collected (capabilities.author_posts).",
    )
    keywords: list[str] = Field(min_length=1, max_length=20, description="1 to 20 keywords (or a comma list).")
    max_results: int = Field(50, ge=1, le=1000, description="Posts to collect per keyword, 1..1000.")
    time_range: str = Field("all", description=f"Publish-time window: {TIME_RANGE_HELP}.")
    sort_by: SortBy = Field(SortBy.HOT, description="Result order: hot, recent, likes, comments, shares.")
    content_type: ContentType = Field(
        ContentType.ALL,
        description="The platform's native type filter: all; video or image (xiaohongshu), answer, article or "
        "video (zhihu), video (bilibili). GET /api/crawl/platforms lists each platform's values.",
    )
    include_comments: bool = Field(False, description="Also collect comments and replies.")
    max_comments_per_post: int = Field(20, ge=0, le=1000, description="Comment cap per post (replies count).")
    crawl_author_details: bool = Field(False, description="Also fetch each author's profile.")
    min_likes: int = Field(0, ge=0, le=INT64_MAX, description="Drop posts with fewer likes.")
    min_comments: int = Field(0, ge=0, le=INT64_MAX, description="Drop posts with fewer comments.")
    exclude_keywords: list[str] = Field(
        default_factory=list, max_length=50, description="Drop posts whose text contains any of these."
    )

    @field_validator("max_results", "max_comments_per_post", "min_likes", "min_comments", mode="before")
    @classmethod
    def _no_booleans(cls, value: object) -> object:
        # JSON true would pass as 1 in lax mode; a flag where a number belongs is a caller's mistake.
        if isinstance(value, bool):
            raise ValueError(f"must be a whole number, not {str(value).lower()}")
        return value

    @field_validator("platform")
    @classmethod
    def _platform(cls, value: str) -> str:
        return resolve_platform(value).value

    @field_validator("mode")
    @classmethod
    def _mode(cls, value: CrawlMode, info: ValidationInfo) -> CrawlMode:
        from keypick.platforms import registry

        platform = info.data.get("platform")
        adapter = registry.INFOS.get(resolve_platform(platform)) if isinstance(platform, str) else None
        if value is CrawlMode.CREATOR and adapter is not None and not adapter.capabilities.author_posts:
            able = ", ".join(p.value for p, i in registry.INFOS.items() if i.capabilities.author_posts)
            raise ValueError(f"{platform} cannot list an author's posts in this version; {able} can")
        return value

    @field_validator("content_type")
    @classmethod
    def _content_type(cls, value: ContentType, info: ValidationInfo) -> ContentType:
        # Only the platform's own filter can select a type: refuse what it cannot do instead of ignoring it.
        from keypick.platforms import registry

        platform = info.data.get("platform")
        adapter = registry.INFOS.get(resolve_platform(platform)) if isinstance(platform, str) else None
        if adapter is not None and value.value not in adapter.capabilities.content_types:
            allowed = ", ".join(adapter.capabilities.content_types)
            raise ValueError(f"{platform} can filter content_type {allowed} only")
        return value

    @field_validator("keywords", "exclude_keywords", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _split_words(value)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str], info: ValidationInfo) -> list[str]:
        from keypick.platforms import registry

        platform = info.data.get("platform")
        adapter = registry.INFOS.get(resolve_platform(platform)) if isinstance(platform, str) else None
        # Creator keywords may be profile links, longer than a search word: the platform reads them.
        read = adapter.creator_keyword if adapter and info.data.get("mode") is CrawlMode.CREATOR else None
        cleaned: list[str] = []
        for word in value:
            word = word.strip()
            if not word:
                raise ValueError("keywords must not be empty strings")
            if read is not None:
                word = read(word)
            elif len(word) > 100:
                raise ValueError(f"keyword {word[:20]!r}... is longer than 100 characters")
            if word not in cleaned:
                cleaned.append(word)
        return cleaned

    @field_validator("time_range")
    @classmethod
    def _time_range(cls, value: str) -> str:
        parse_time_range(value, now=datetime.now(UTC))
        return value.strip().lower()


class TaskCreated(BaseModel):
    """The answer to POST /api/crawl/."""

    task_id: str
    status: str
    status_url: str
    results_url: str
    created: bool = Field(description="False when an Idempotency-Key returned an existing task.")


class UnitStatus(BaseModel):
    """Coverage ledger of one (platform, keyword)."""

    platform: str
    keyword: str
    done: bool
    stop_reason: str | None
    error: str | None
    pages_fetched: int
    items_seen: int
    new_items: int
    duplicates: int
    filtered: int
    skipped_cards: int
    comments: int


class TaskStatusOut(BaseModel):
    """GET /api/crawl/status/{task_id}."""

    task_id: str
    status: str
    platform: str
    keywords: list[str]
    progress: float
    counts: dict[str, int]
    units: list[UnitStatus]
    error: str | None
    params: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    results_url: str
