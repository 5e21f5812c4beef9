"""/api/insights: what the stored posts say, every claim citing post ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from keypick.api.runtime import Runtime, get_runtime
from keypick.db import utcnow
from keypick.insights import service as insights_service
from keypick.insights.schemas import InsightQuery, Insights

router = APIRouter(prefix="/api/insights", tags=["insights"])


@router.get(
    "",
    operation_id="get_insights",
    response_model=Insights,
    summary="Keywords, sentiment, volume, engagement, top posts/authors/tags, duplicates.",
)
async def get_insights(query: Annotated[InsightQuery, Query()], runtime: Runtime = Depends(get_runtime)) -> Insights:
    """Return insights over the posts matching the filters; thin samples (< min_posts) say so."""
    async with runtime.sessions() as session:
        dataset = await insights_service.load(session, query=query)
    return await insights_service.compute(dataset, query=query, now=utcnow())
