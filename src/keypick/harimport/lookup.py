"""What the database already holds that a HAR import needs: stored posts and stored root comments.

Every lookup is per platform: two platforms can use the same id string for different posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import CommentRow, PostRow

#: Ids per IN (...) list: far below SQLite's and asyncpg's bound-parameter limits.
_CHUNK = 500


def _by_platform(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, set[str]] = {}
    for platform, platform_id in keys:
        if platform_id:
            grouped.setdefault(platform, set()).add(platform_id)
    return {platform: sorted(ids) for platform, ids in sorted(grouped.items())}


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


async def stored_posts(session: AsyncSession, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Return (platform, platform post id) → pk of the wanted posts that are already stored."""
    found: dict[tuple[str, str], int] = {}
    for platform, ids in _by_platform(wanted).items():
        for chunk in _chunks(ids):
            query = select(PostRow.platform_post_id, PostRow.pk).where(
                PostRow.platform == platform, PostRow.platform_post_id.in_(chunk)
            )
            found |= {(platform, pid): pk for pid, pk in (await session.execute(query)).all()}
    return found


async def stored_comment_posts(session: AsyncSession, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Return (platform, platform comment id) → platform post id of the wanted comments already stored."""
    found: dict[tuple[str, str], str] = {}
    for platform, ids in _by_platform(wanted).items():
        for chunk in _chunks(ids):
            query = select(CommentRow.platform_comment_id, CommentRow.platform_post_id).where(
                CommentRow.platform == platform, CommentRow.platform_comment_id.in_(chunk)
            )
            found |= {(platform, cid): pid for cid, pid in (await session.execute(query)).all()}
    return found
