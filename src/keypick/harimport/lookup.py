"""What the database already holds that a HAR import needs: stored posts (with their full text or not),
stored root comments and stored author profiles.

Every lookup is per platform: two platforms can use the same id string for different posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from keypick.content.models import AuthorRow, CommentRow, PostRow
from keypick.content.schemas import Author
from keypick.harimport.merge import PROFILE_FIELDS, SNIPPET

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


async def stored_full_posts(session: AsyncSession, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Return (platform, platform post id) → pk of the wanted posts stored with their full text (not stubs)."""
    found: dict[tuple[str, str], int] = {}
    for platform, ids in _by_platform(wanted).items():
        for chunk in _chunks(ids):
            query = select(PostRow.platform_post_id, PostRow.pk, PostRow.platform_data).where(
                PostRow.platform == platform, PostRow.platform_post_id.in_(chunk)
            )
            # The flag is read here rather than in SQL: JSON paths are spelled differently per dialect.
            rows = (await session.execute(query)).all()
            found |= {(platform, pid): pk for pid, pk, data in rows if not (data or {}).get(SNIPPET)}
    return found


async def stored_authors(session: AsyncSession, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Author]:
    """Return (platform, platform author id) → the stored profile of the wanted authors that are stored."""
    found: dict[tuple[str, str], Author] = {}
    for platform, ids in _by_platform(wanted).items():
        for chunk in _chunks(ids):
            query = select(AuthorRow).where(AuthorRow.platform == platform, AuthorRow.platform_author_id.in_(chunk))
            for row in await session.scalars(query):
                found[(platform, row.platform_author_id)] = Author(
                    platform=platform, author_id=row.platform_author_id, platform_data=row.platform_data or {},
                    **{name: getattr(row, name) for name in PROFILE_FIELDS},
                )  # fmt: skip
    return found
