"""Annotated parameter types of the MCP tools: each one typed, bounded and described for the model."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from keypick.bounds import INT64_MAX, MAX_PAGE
from keypick.dify import service as dify_service
from keypick.dify.schemas import PLATFORMS_HELP


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def split_words(value: Any) -> Any:
    """Return a comma string ("a,b" or "a，b"), or a list of them, as a flat list of words; else unchanged."""
    # Models send "a,b" where an array is declared, or ["a,b"]: take both as two words. Blank and
    # comma-only items are dropped, so [" , "] is an empty list (and fails min_length) instead of a keyword ",".
    if isinstance(value, str):
        return _split(value)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [word for item in value for word in _split(item)]
    return value


Words = Annotated[list[str], BeforeValidator(split_words)]
#: Optional filters are tuples so their default () is immutable; JSON schema: an array of strings.
WordFilter = Annotated[tuple[str, ...], BeforeValidator(split_words)]

Keywords = Annotated[
    Words,
    Field(min_length=1, max_length=20,
          description='Keywords to search, 1 to 20, e.g. ["咖啡", "手冲"]; each is searched on its own.'),
]  # fmt: skip
Platform = Annotated[str, Field(description=f"Platform to search. {PLATFORMS_HELP}")]
MaxResults = Annotated[int, Field(ge=1, le=1000, description="Posts to collect per keyword, 1 to 1000.")]
TimeRange = Annotated[
    str,
    Field(description="Publish-time window. One of: 1d, 3d, 7d, 30d, 90d, 6m, 1y, all, or 'YYYY-MM-DD,YYYY-MM-DD'."),
]
Sort = Annotated[
    Literal["hot", "recent", "likes", "comments", "shares"],
    Field(description="Order of the posts. One of: hot, recent, likes, comments, shares."),
]
IncludeComments = Annotated[bool, Field(description="Also collect comments (slower).")]
WaitSeconds = Annotated[
    int,
    Field(ge=0, le=dify_service.MAX_WAIT_SECONDS,
          description="Seconds to wait for the crawl to finish before answering, 0 to 55 (0: answer at once)."),
]  # fmt: skip
MaxPosts = Annotated[int, Field(ge=1, le=dify_service.MAX_POSTS, description="Posts in this answer, 1 to 100.")]
TaskId = Annotated[str, Field(min_length=1, max_length=64, description="The task_id that crawl returned.")]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Page of posts, starting at 1.")]

Query = Annotated[
    str,
    Field(min_length=1, max_length=200,
          description='Words to find (all must match), "quoted phrases" and -exclusions, e.g. 手冲 咖啡 -速溶.'),
]  # fmt: skip
# No item bounds here: pydantic writes a tuple's max_length as "maxLength", a string keyword, into the schema.
Platforms = Annotated[
    WordFilter, Field(description="Only these platforms (names or short names, e.g. weibo, xhs); empty: all.")
]
CrawlKeywords = Annotated[WordFilter, Field(description="Only posts these crawl keywords found; empty: any.")]
TaskIds = Annotated[WordFilter, Field(description="Only posts these crawl tasks found (task_id values); empty: any.")]
PublishedAfter = Annotated[
    str, Field(description="Only posts published at or after this time, ISO 8601 with zone, e.g. "
               "2025-05-01T00:00:00+08:00; empty: no limit.")
]  # fmt: skip
PublishedBefore = Annotated[
    str, Field(description="Only posts published before this time, ISO 8601 with zone; empty: no limit.")
]
MinLikes = Annotated[
    int, Field(ge=0, le=INT64_MAX, description="Only posts with at least this many likes (0: no limit).")
]
SearchSort = Annotated[
    Literal["relevant", "hot", "recent", "likes", "comments", "shares"],
    Field(description="Order. One of: relevant, hot, recent, likes, comments, shares."),
]
Limit = Annotated[int, Field(ge=1, le=50, description="Posts in this answer, 1 to 50.")]
Offset = Annotated[int, Field(ge=0, le=100_000, description="Skip this many results (for paging).")]
TopN = Annotated[int, Field(ge=1, le=50, description="Length of each top list (keywords, posts, authors), 1 to 50.")]
AnalysedPosts = Annotated[int, Field(ge=1, le=50_000, description="Most posts analysed (newest first).")]
Citations = Annotated[int, Field(ge=1, le=100, description="Most post ids cited per finding, 1 to 100.")]
