"""The read-only history tools: search_posts (full-text search) and get_insights, on the HTTP API's services."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations

from keypick.api.runtime import Runtime
from keypick.db import utcnow
from keypick.dify import service as dify_service
from keypick.exceptions import ValidationError
from keypick.history import service as history_service
from keypick.history.filters import DataFilter
from keypick.insights import service as insights_service
from keypick.insights.schemas import InsightQuery
from keypick.mcp.errors import tool_errors
from keypick.mcp.params import (
    AnalysedPosts,
    Citations,
    CrawlKeywords,
    Limit,
    MinLikes,
    Offset,
    Platforms,
    PublishedAfter,
    PublishedBefore,
    Query,
    SearchSort,
    TaskIds,
    TopN,
)

SEARCH_DESCRIPTION = (
    "Search every post KeyPick has collected (Chinese full-text search, jieba segmentation), optionally "
    "narrowed by platform, crawl keyword, crawl task, publish time and likes. Returns total and ranked compact "
    "posts with a snippet (<mark> around matches) and a relevance score. Page with limit and offset."
)
INSIGHTS_DESCRIPTION = (
    "Analyse the collected posts matching the filters: top keywords, sentiment split, daily volume and trend, "
    "engagement totals, top posts, top authors, hashtags, platform shares and near-duplicates. Every finding "
    "cites post ids. With fewer than 30 posts the sample is marked insufficient and splits and trends are left out."
)


def _filters(**given: Any) -> dict[str, Any]:
    # Empty strings and zero mean "no limit" in the tool schema; the services want the field left out.
    return {key: list(value) if isinstance(value, tuple) else value for key, value in given.items() if value}


def add_tools(server: MCPServer, runtime: Runtime, *, annotations: ToolAnnotations) -> None:
    """Register search_posts and get_insights on the server."""
    text_chars = runtime.settings.dify_text_chars

    @tool_errors
    async def search_posts(
        query: Query,
        platforms: Platforms = (),
        keywords: CrawlKeywords = (),
        task_ids: TaskIds = (),
        published_after: PublishedAfter = "",
        published_before: PublishedBefore = "",
        min_likes: MinLikes = 0,
        sort: SearchSort = "relevant",
        limit: Limit = 10,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Return ranked compact posts matching the query and filters."""
        f = DataFilter.model_validate(_filters(
            platforms=platforms, keywords=keywords, task_ids=task_ids, published_after=published_after,
            published_before=published_before, min_likes=min_likes,
        ))  # fmt: skip
        try:
            async with runtime.sessions() as session:
                found = await history_service.search(
                    session, query, f, sort=sort, limit=limit, offset=offset, window=runtime.settings.search_rank_window
                )
        except ValidationError as exc:
            # The service names the HTTP API's parameter (q); this tool calls it query.
            if exc.field != "q":
                raise
            raise ValidationError("query", exc.message.removeprefix("q: ")) from exc
        posts = [
            dify_service.compact(item, text_chars=text_chars) | {"score": item["score"], "snippet": item["snippet"]}
            for item in found["results"]
        ]
        return {
            "query": found["query"], "terms": found["terms"], "excluded": found["excluded"], "total": found["total"],
            "total_exact": found["total_exact"], "total_relation": found["total_relation"], "ranked": found["ranked"],
            "offset": offset, "returned": len(posts), "has_more": offset + len(posts) < found["ranked"]
            or (not found["total_exact"] and len(posts) == limit),
            "posts": posts,
        }  # fmt: skip

    @tool_errors
    async def get_insights(
        platforms: Platforms = (),
        keywords: CrawlKeywords = (),
        task_ids: TaskIds = (),
        published_after: PublishedAfter = "",
        published_before: PublishedBefore = "",
        top_n: TopN = 10,
        max_posts: AnalysedPosts = 5000,
        max_citations: Citations = 5,
    ) -> dict[str, Any]:
        """Return the insights document over the matching posts."""
        query = InsightQuery.model_validate(_filters(
            platforms=platforms, keywords=keywords, task_ids=task_ids, published_after=published_after,
            published_before=published_before,
        ) | {"top_n": top_n, "max_posts": max_posts, "max_citations": max_citations})  # fmt: skip
        async with runtime.sessions() as session:
            dataset = await insights_service.load(session, query=query)
        insights = await insights_service.compute(dataset, query=query, now=utcnow())
        # One score per analysed post (up to max_posts of them) would flood the model's context; the
        # split, histogram and most positive and negative posts carry what it needs.
        answer = insights.model_dump(mode="json", exclude={"sentiment": {"per_post"}})
        answer["notes"].append("sentiment.per_post (one score per post) is left out to keep this answer small.")
        return answer

    server.add_tool(search_posts, name="search_posts", title="Search collected posts",
                    description=SEARCH_DESCRIPTION, annotations=annotations)  # fmt: skip
    server.add_tool(get_insights, name="get_insights", title="Insights on collected posts",
                    description=INSIGHTS_DESCRIPTION, annotations=annotations)  # fmt: skip
