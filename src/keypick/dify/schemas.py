"""Flat request shapes for Dify: strings, numbers and booleans only; allowed values written in descriptions.

Dify drops enums, types `Optional[X]` (anyOf-null) as string and sends nested objects as Python reprs,
so every field here is a plain scalar with a default (dify.md §0 points 4-5).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

PLATFORMS_HELP = "One of: weibo, xiaohongshu, douyin, kuaishou, bilibili, tieba, zhihu (or xhs, dy, ks, bili, wb)."


class DifyCrawl(BaseModel):
    """POST /api/tools/dify/crawl."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    platform: str = Field("weibo", description=f"Platform to search. {PLATFORMS_HELP}")
    keywords: str = Field(description="Keywords separated by commas, e.g. '咖啡,手冲'. 1 to 20 keywords.")
    max_results: int = Field(20, description="Posts to collect per keyword, 1 to 1000. Default 20.")
    time_range: str = Field(
        "all", description="Publish-time window. One of: 1d, 3d, 7d, 30d, 90d, 6m, 1y, all, or 'YYYY-MM-DD,YYYY-MM-DD'."
    )
    sort_by: str = Field("hot", description="Order. One of: hot, recent, likes, comments, shares.")
    include_comments: bool = Field(False, description="Also collect comments (slower). true or false.")
    wait_seconds: int = Field(45, description="Seconds to wait for results before answering, 0 to 55. Default 45.")
    async_mode: bool = Field(False, description="true: answer at once with the task id and poll get_crawl_task.")
    max_posts: int = Field(20, description="Posts to include in this answer, 1 to 100. Default 20.")
