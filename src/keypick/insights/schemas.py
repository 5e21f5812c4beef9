"""Insights options (query or body) and the insights document; every claim lists the post ids it rests on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_serializer, field_validator

from keypick.enums import resolve_platform
from keypick.history.filters import later_than_after

Ids = list[str]
Label = Literal["positive", "neutral", "negative"]
LABELS: tuple[Label, ...] = ("positive", "neutral", "negative")
_IDS = "Ids of the posts this rests on (at most max_citations; see post_count for the total)."


def check_zone(value: str) -> str:
    """Return an IANA zone name unchanged; ValueError when the zone is unknown."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai or UTC") from None
    return value


class InsightOptions(BaseModel):
    """How to compute insights; the same knobs for GET /api/insights and POST /api/process/extract."""

    model_config = ConfigDict(extra="forbid")

    min_posts: int = Field(
        30,
        ge=1,
        le=1_000_000,
        description="Sufficiency gate: below this many posts the "
        "report says the data is too thin; no sentiment split and no trends.",
    )
    top_n: int = Field(10, ge=1, le=100, description="Length of every top list (keywords, posts, authors...).")
    tz: str = Field("Asia/Shanghai", description="IANA time zone of the per-day buckets.")
    neutral_low: float = Field(0.4, ge=0, le=1, description="Sentiment below this is negative.")
    neutral_high: float = Field(0.6, ge=0, le=1, description="Sentiment above this is positive (between: neutral).")
    near_dup_distance: int = Field(
        3, ge=0, le=16, description="SimHash Hamming distance at most this is a near-duplicate (64-bit fingerprints)."
    )
    exclude_search_keywords: bool = Field(
        True, description="Leave the search keywords (and their parts) out of the top keywords."
    )
    max_citations: int = Field(50, ge=1, le=100_000, description="Most post ids listed per claim.")

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("neutral_high")
    @classmethod
    def _band(cls, value: float, info: ValidationInfo) -> float:
        low = info.data.get("neutral_low")
        if isinstance(low, float | int) and value < low:
            raise ValueError(f"must be at least neutral_low ({low})")
        return value


class InsightQuery(InsightOptions):
    """Which stored posts to analyse, plus the insight options."""

    task_ids: list[str] = Field(default_factory=list, description="Only posts found by these tasks.")
    platforms: list[str] = Field(default_factory=list, description="Only these platforms (names or aliases).")
    keywords: list[str] = Field(default_factory=list, description="Only posts found by these search keywords.")
    published_after: datetime | None = Field(None, description="Only posts published at or after (ISO 8601).")
    published_before: datetime | None = Field(None, description="Only posts published before (ISO 8601).")
    max_posts: int = Field(5000, ge=1, le=50_000, description="Most posts analysed (newest first).")

    @field_validator("task_ids", "platforms", "keywords", mode="before")
    @classmethod
    def _split(cls, values: Any) -> Any:
        # Repeated parameters and comma lists alike: ?platforms=weibo&platforms=xhs or ?platforms=weibo,xhs.
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list):
            return [part.strip() for v in values if isinstance(v, str) for part in v.split(",") if part.strip()]
        return values

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, values: list[str]) -> list[str]:
        return [resolve_platform(v).value for v in values]

    @field_validator("published_after", "published_before")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # a time without offset is read as UTC, like every KeyPick time
        return value

    @field_validator("published_before")
    @classmethod
    def _range(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        return later_than_after(value, info)

    def filters(self) -> dict[str, Any]:
        """Return the filters that were set, for echoing in the result."""
        keys = ("task_ids", "platforms", "keywords", "published_after", "published_before")
        return {k: v.isoformat() if isinstance(v, datetime) else v for k in keys if (v := getattr(self, k))}


PostId = Annotated[str, Field(description="The platform's id of the post.")]
PostCount = Annotated[int, Field(description="How many posts this rests on (post_ids may list fewer).")]
Share = Annotated[float, Field(description="Fraction of the posts, 0..1.")]
PlatformName = Annotated[str, Field(description="Canonical platform name.")]
Day = Annotated[str, Field(description="YYYY-MM-DD in the report's time zone.")]
Likes = Annotated[int, Field(description="Sum of likes.")]


class KeywordStat(BaseModel):
    """A top keyword: jieba token, TF-IDF-style score and the posts that contain it."""

    word: str = Field(description="The word (jieba token, lower-cased).")
    score: float = Field(description="Share of distinct texts containing the word × its jieba IDF.")
    post_count: PostCount
    voices: int = Field(description="Distinct texts among those posts (near-duplicates count once).")
    post_ids: Ids = Field(description=_IDS)


class SentimentScore(BaseModel):
    """One post's SnowNLP score and its band."""

    id: PostId
    score: float = Field(ge=0, le=1, description="SnowNLP probability that the text is positive.")
    label: Label = Field(description="negative below neutral_low, positive above neutral_high, else neutral.")


class SentimentBucket(BaseModel):
    """Posts in one sentiment band."""

    label: Label = Field(description="The band.")
    post_count: PostCount
    share: Share
    post_ids: Ids = Field(description=_IDS)


class Sentiment(BaseModel):
    """Per-post sentiment and, when the sample is large enough, the overall split."""

    method: str = Field("snownlp", description="The scorer.")
    caveat: str = Field(description="What the scores can and cannot say.")
    neutral_band: tuple[float, float] = Field(description="Scores in [low, high] are neutral.")
    scored: int = Field(description="Posts with text to score.")
    withheld: bool = Field(description="True when the sample is too thin: no mean, split or histogram.")
    mean: float | None = Field(None, description="Mean score (null when withheld).")
    median: float | None = Field(None, description="Median score (null when withheld).")
    split: list[SentimentBucket] | None = Field(None, description="Posts per band (null when withheld).")
    histogram: list[int] | None = Field(None, description="Post counts in ten 0.1-wide score bins.")
    most_positive: list[SentimentScore] = Field(default_factory=list, description="Highest scores, positive band.")
    most_negative: list[SentimentScore] = Field(default_factory=list, description="Lowest scores, negative band.")
    per_post: list[SentimentScore] = Field(default_factory=list, description="Every scored post.")


class DayVolume(BaseModel):
    """Posts published on one local day and their engagement."""

    date: Day
    posts: PostCount
    likes: Likes
    comments: int = Field(description="Sum of comment counts.")
    shares: int = Field(description="Sum of shares/reposts.")
    engagement: int = Field(description="likes + 2×comments + 3×shares + 2×collects, as the hot sort.")
    post_ids: Ids = Field(description=_IDS)


class Trend(BaseModel):
    """Direction of daily volume (least-squares slope over the days, empty days counted as 0)."""

    direction: Literal["rising", "falling", "flat"] = Field(description="Fitted change ≥ ±25% of the mean volume.")
    slope_per_day: float = Field(description="Fitted change in posts per day.")
    days: int = Field(description="Days from first to last, empty ones included.")
    first_day: Day
    last_day: Day


class Volume(BaseModel):
    """Volume and engagement per day; the peak and trend only when the sample is sufficient."""

    timezone: str = Field(description="Zone of the day buckets.")
    days: list[DayVolume] = Field(description="Days with posts, oldest first.")
    undated_post_ids: Ids = Field(default_factory=list, description="Posts without a publish time.")
    peak_day: DayVolume | None = Field(None, description="The day with most posts (null when thin).")
    trend: Trend | None = Field(None, description="Null when thin or spanning under 3 days.")


class Velocity(BaseModel):
    """Likes gained per hour between a post's first and last engagement snapshot."""

    id: PostId
    platform: PlatformName
    likes_per_hour: float = Field(description="(last likes − first likes) / hours between the snapshots.")
    first_likes: int = Field(description="Likes at the first snapshot.")
    last_likes: int = Field(description="Likes at the last snapshot.")
    first_captured_at: datetime = Field(description="When the first snapshot was taken (UTC).")
    last_captured_at: datetime = Field(description="When the last snapshot was taken (UTC).")
    snapshots: int = Field(description="Snapshots with a like count.")

    @field_serializer("first_captured_at", "last_captured_at")
    def _iso(self, value: datetime) -> str:
        return value.isoformat()


class TopPost(BaseModel):
    """A post ranked by engagement."""

    id: PostId
    platform: PlatformName
    author: str | None = Field(description="Author nickname.")
    excerpt: str = Field(description="Start of title and text.")
    url: str | None = Field(description="Link to the post.")
    publish_time: str | None = Field(description="ISO 8601, UTC.")
    likes: int | None = Field(description="Likes.")
    comments: int | None = Field(description="Comments.")
    shares: int | None = Field(description="Shares/reposts.")
    engagement: int = Field(description="likes + 2×comments + 3×shares + 2×collects.")


class TopAuthor(BaseModel):
    """An author ranked by posts in the sample, then engagement."""

    platform: PlatformName
    author_id: str | None = Field(description="Author's platform id.")
    author: str | None = Field(description="Author nickname.")
    post_count: PostCount
    engagement: int = Field(description="Summed engagement of those posts.")
    post_ids: Ids = Field(description=_IDS)


class TagStat(BaseModel):
    """A hashtag/topic and the posts carrying it."""

    tag: str = Field(description="Topic without # marks.")
    post_count: PostCount
    post_ids: Ids = Field(description=_IDS)


class PlatformShare(BaseModel):
    """Posts per platform."""

    platform: PlatformName
    post_count: PostCount
    share: Share
    post_ids: Ids = Field(description=_IDS)


class DuplicateCluster(BaseModel):
    """Posts whose texts are near-duplicates (SimHash); the first id is the representative."""

    post_ids: Ids = Field(description="Every post of the cluster, the representative first.")
    size: int = Field(description="Posts in the cluster.")
    max_distance: int = Field(description="Largest Hamming distance of a member to the first post.")


class Sample(BaseModel):
    """How much data the insights rest on, and whether it is enough to generalise."""

    posts: int = Field(description="Posts analysed.")
    available: int = Field(description="Posts matching the filters (more than `posts` when max_posts cut).")
    min_posts: int = Field(description="The sufficiency gate.")
    sufficient: bool = Field(description="posts ≥ min_posts: only then are splits and trends given.")
    note: str | None = Field(None, description="Why the sample does not generalise, when it does not.")
    first_published: str | None = Field(None, description="Oldest publish time (ISO 8601, UTC).")
    last_published: str | None = Field(None, description="Newest publish time (ISO 8601, UTC).")


class Insights(BaseModel):
    """The insights document: what the posts say, each claim with the post ids it rests on."""

    generated_at: datetime = Field(description="When this was computed (UTC).")
    filters: dict[str, Any] = Field(default_factory=dict, description="The filters that selected the posts.")
    sample: Sample
    search_keywords: list[str] = Field(default_factory=list, description="Keywords the posts were found by.")
    keywords: list[KeywordStat] = Field(description="Top keywords (jieba TF-IDF).")
    sentiment: Sentiment
    volume: Volume
    engagement_totals: dict[str, int] = Field(description="Summed likes, comments, shares, collects, views.")
    velocity: list[Velocity] = Field(description="Fastest-growing posts (needs two snapshots).")
    top_posts: list[TopPost] = Field(description="Most engaging posts.")
    top_authors: list[TopAuthor] = Field(description="Authors with most posts.")
    top_hashtags: list[TagStat] = Field(description="Most used hashtags/topics.")
    platforms: list[PlatformShare] = Field(description="Posts per platform.")
    near_duplicates: list[DuplicateCluster] = Field(description="Near-duplicate clusters, largest first.")
    notes: list[str] = Field(default_factory=list, description="Caveats about this document.")

    @field_serializer("generated_at")
    def _iso(self, value: datetime) -> str:
        return value.isoformat()
