"""The storage model after real crawls, on SQLite and PostgreSQL: one post row per (platform, id) with its raw
payload and UTC time, append-only engagement snapshots, hits per (task, keyword), comments with parents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from keypick.content.models import CommentRow, EngagementSnapshotRow, PostRow
from keypick.tasks.models import KeywordHitRow


async def _crawl(client: Any) -> str:
    created = await client.http.post("/api/crawl/", json={
        "platform": "weibo", "keywords": ["咖啡"], "max_results": 10, "include_comments": True,
        "max_comments_per_post": 30,
    })  # fmt: skip
    task_id: str = created.json()["task_id"]
    assert (await client.wait_status(task_id))["status"] == "completed"
    return task_id


async def test_seen_again_appends_a_snapshot_and_keeps_one_post(api: Any, sandbox: Any, database_url: str) -> None:
    async with api(database_url=database_url, sandbox_url=sandbox.url) as client:
        first = await _crawl(client)
        second = await _crawl(client)
        async with client.app.state.runtime.sessions() as session:
            posts = list(await session.scalars(select(PostRow)))
            assert len(posts) == 10  # unique (platform, platform_post_id)
            assert all(p.raw and str(p.raw.get("id") or p.raw.get("mid")) for p in posts)
            assert all(p.publish_time is not None and p.publish_time.utcoffset() == timedelta(0) for p in posts)
            assert all(p.last_seen_at >= p.first_seen_at for p in posts)
            snapshots = (
                await session.execute(
                    select(EngagementSnapshotRow.post_pk, func.count(), func.count(func.distinct(
                        EngagementSnapshotRow.task_id))).group_by(EngagementSnapshotRow.post_pk)
                )
            ).all()  # fmt: skip
            assert len(snapshots) == 10 and all(n == 2 and tasks == 2 for _, n, tasks in snapshots)
            hits = (
                await session.execute(select(KeywordHitRow.task_id, func.count()).group_by(KeywordHitRow.task_id))
            ).all()
            assert dict(hits) == {first: 10, second: 10}
            comments = list(await session.scalars(select(CommentRow)))
            ids = {c.platform_comment_id for c in comments}
            assert len(ids) == len(comments), "a comment seen twice is stored once"
            replies = [c for c in comments if c.parent_comment_id]
            assert replies and all(c.parent_comment_id in ids for c in replies)
