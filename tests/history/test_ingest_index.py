"""The ingest path's index text: one jieba pass gives what two passes gave, and the stored index follows it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import jieba
import pytest
from sqlalchemy import text

from keypick.content import service as content_service
from keypick.content.schemas import Post
from keypick.platforms.weibo.parsers import parse_search_page
from keypick.sandbox.samples import load_json
from keypick.search.index import document
from keypick.search.tokenize import segment

NOW = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


def _two_pass(text: str) -> str:
    # The definition segment() must keep: precise-mode tokens, then cut_for_search's extra tokens.
    def keep(cut: Any) -> list[str]:
        return [t.strip().lower() for t in cut if t.strip() and re.search(r"\w", t)]

    precise = keep(jieba.cut(text, HMM=False))
    seen = set(precise)
    extra = [t for t in keep(jieba.cut_for_search(text, HMM=False)) if not (t in seen or seen.add(t))]
    return " ".join(precise + extra)


def _sample_posts() -> list[Post]:
    return parse_search_page(load_json("weibo", "getindex_user_timeline-1.json"), fetched_at=NOW).posts


def test_one_pass_segmentation_matches_two_passes() -> None:
    """Real post texts plus words whose dictionary sub-words search mode adds (中华人民共和国, 手冲咖啡豆)."""
    texts = [f"{p.title or ''}\n{p.content}" for p in _sample_posts()]
    texts += ["中华人民共和国成立了 Hello WORLD", "手冲咖啡豆 北京大学生活 Déjà vu", " ", ""]
    assert len(texts) > 10
    for t in texts:
        assert segment(t) == _two_pass(t), t


@pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)  # fmt: skip
async def test_stored_index_is_the_document_after_insert_and_update(api: Any, database_url: str) -> None:
    """Insert then re-upsert with new text: exactly one index entry per post, holding the current text."""
    posts = _sample_posts()
    async with api(workers=0, database_url=database_url) as client:
        sessions = client.app.state.runtime.sessions
        async with sessions() as session:
            pks = await content_service.upsert_posts(session, posts, now=NOW)
            await session.commit()
        changed = posts[0].model_copy(update={"content": "抹茶拿铁上新", "title": None})
        async with sessions() as session:
            await content_service.upsert_posts(session, [changed], now=NOW)
            await session.commit()
        expected = {pks[p.id]: document(p) for p in [changed, *posts[1:]]}
        async with sessions() as session:
            if session.get_bind().dialect.name == "postgresql":
                query = "SELECT pk, search_vector = to_tsvector('simple', :doc) FROM post WHERE pk = :pk"
                for pk, doc in expected.items():
                    rows = (await session.execute(text(query), {"pk": pk, "doc": doc})).all()
                    assert rows == [(pk, True)]
            else:
                rows = (await session.execute(text("SELECT rowid, doc FROM post_fts ORDER BY rowid"))).all()
                assert dict(rows) == expected and len(rows) == len(expected)
            snapshots = await session.scalar(text("SELECT count(*) FROM engagement_snapshot"))
    assert snapshots == len(posts) + 1, "snapshots stay append-only"
