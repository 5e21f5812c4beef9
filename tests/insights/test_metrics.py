"""Pure metrics on the FIXED dataset (real Weibo posts + hand-made variations): expected answers and citations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from keypick.insights import metrics
from keypick.insights.metrics import Snapshot
from keypick.insights.schemas import InsightOptions, Insights
from tests.insights.dataset import (
    NEAR_COPY_ID,
    NEAR_COPY_OF,
    NEGATIVE_ID,
    NOW,
    OAT_IDS,
    REAL_IDS,
    SEARCH_KEYWORDS,
    TAG_IDS,
    TOP_POST_ID,
    fixed_posts,
)


def _insights(**options: Any) -> Insights:
    return metrics.compute(fixed_posts(), options=InsightOptions(**options), now=NOW, search_keywords=SEARCH_KEYWORDS)


@pytest.fixture(scope="module")
def ample() -> Insights:
    """The dataset with the sufficiency gate at 5 posts: every section is computed."""
    return _insights(min_posts=5)


def _all_ids() -> set[str]:
    return {p.id for p in fixed_posts()}


def test_top_keyword_and_its_citations(ample: Insights) -> None:
    assert ample.sample.posts == 17 and ample.sample.sufficient
    top = ample.keywords[0]
    assert (top.word, top.post_count, top.post_ids) == ("燕麦", 3, OAT_IDS)
    words = [k.word for k in ample.keywords]
    assert "咖啡" not in words  # the search keyword is excluded by default
    assert not {"的", "了", "我们", "视频", "秒拍"} & set(words)  # stop words and platform boilerplate
    assert "用户丙" not in words  # @mentions are names, not topics
    for keyword in ample.keywords:
        texts = {p.id: (p.title or "") + p.content for p in fixed_posts()}
        assert keyword.post_ids and all(keyword.word in texts[i].lower() for i in keyword.post_ids)
        assert keyword.post_count == len(keyword.post_ids)


def test_search_keyword_kept_when_asked() -> None:
    ins = _insights(min_posts=5, exclude_search_keywords=False)
    coffee = next(k for k in ins.keywords if k.word == "咖啡")
    assert coffee.post_count == 6 and ins.keywords[0].word == "咖啡"


def test_top_posts_authors_tags_platforms(ample: Insights) -> None:
    assert ample.top_posts[0].id == TOP_POST_ID
    assert ample.top_posts[0].engagement == 1_049_077 + 2 * 1_000_000 + 3 * 1_000_000
    engagement = [p.engagement for p in ample.top_posts]
    assert engagement == sorted(engagement, reverse=True) and len(ample.top_posts) == 10
    author = ample.top_authors[0]
    assert (author.author, author.author_id, author.post_count) == ("用户甲", "1331994986", 11)
    assert set(author.post_ids) == set(REAL_IDS) | {NEAR_COPY_ID}
    tag = ample.top_hashtags[0]
    assert (tag.tag, tag.post_ids) == ("手冲咖啡", TAG_IDS)
    assert {t.tag for t in ample.top_hashtags} >= {"高考加油", "极限挑战"}
    split = {p.platform: p.post_count for p in ample.platforms}
    assert split == {"weibo": 15, "xiaohongshu": 2}
    assert sum(p.share for p in ample.platforms) == pytest.approx(1.0)
    assert ample.engagement_totals["likes"] == sum(p.likes or 0 for p in fixed_posts())


def test_near_duplicate_cluster(ample: Insights) -> None:
    assert [(c.post_ids, c.max_distance) for c in ample.near_duplicates] == [([NEAR_COPY_OF, NEAR_COPY_ID], 2)]


def test_copies_of_one_text_are_one_voice(ample: Insights) -> None:
    words = {k.word: k for k in _insights(min_posts=5, top_n=100).keywords}
    copied, tagged = words["台前幕后"], words["手冲"]  # the copied post's words vs a topic of two authors
    assert (copied.post_count, copied.voices, copied.post_ids) == (2, 1, [NEAR_COPY_OF, NEAR_COPY_ID])
    assert (tagged.post_count, tagged.voices) == (2, 2)
    assert [k.word for k in ample.keywords].index("手冲") < [k.word for k in ample.keywords].index("台前幕后")


def test_sentiment_bounds_and_citations(ample: Insights) -> None:
    s = ample.sentiment
    assert s.method == "snownlp" and "product reviews" in s.caveat and s.neutral_band == (0.4, 0.6)
    assert s.scored == 17 and {x.id for x in s.per_post} == _all_ids()
    for item in s.per_post:
        assert 0.0 <= item.score <= 1.0
        assert item.label == ("negative" if item.score < 0.4 else "positive" if item.score > 0.6 else "neutral")
    assert s.most_negative[0].id == NEGATIVE_ID  # "排队一小时，服务态度差，咖啡也是凉的，非常生气"
    assert s.split is not None and s.histogram is not None and sum(s.histogram) == 17
    assert sum(b.post_count for b in s.split) == 17 and sum(b.share for b in s.split) == pytest.approx(1.0)
    assert 0.0 <= (s.mean or 0) <= 1.0


def test_volume_per_local_day_and_trend(ample: Insights) -> None:
    days = {d.date: d for d in ample.volume.days}
    # Real posts are stamped 16:00 UTC, i.e. midnight in Shanghai: they fall on the next local day.
    assert days["2025-06-14"].post_ids == ["4383183661430868", "4383180406740606"]
    assert sum(d.posts for d in ample.volume.days) == 17 and not ample.volume.undated_post_ids
    assert ample.volume.peak_day is not None and ample.volume.trend is not None
    utc = _insights(min_posts=5, tz="UTC")
    assert {d.date for d in utc.volume.days} >= {"2025-06-13"} and "2025-06-14" not in {d.date for d in utc.volume.days}


def test_sufficiency_gate_withholds_generalisations() -> None:
    thin = _insights()  # default min_posts=30 > 17 posts
    assert not thin.sample.sufficient and thin.sample.min_posts == 30
    assert thin.sample.note and "too thin" in thin.sample.note and thin.sample.note in thin.notes
    s = thin.sentiment
    assert s.withheld and s.split is None and s.mean is None and s.histogram is None
    assert len(s.per_post) == 17  # what was found is still listed
    assert thin.volume.trend is None and thin.volume.peak_day is None and thin.volume.days
    assert thin.keywords[0].word == "燕麦" and thin.top_posts[0].id == TOP_POST_ID


def test_velocity_needs_two_snapshots() -> None:
    t0 = datetime(2025, 6, 20, 0, 0, tzinfo=UTC)
    snapshots = {
        ("weibo", OAT_IDS[0]): [
            Snapshot(t0, 100),
            Snapshot(t0 + timedelta(hours=1), 150),
            Snapshot(t0 + timedelta(hours=2), 300),
        ],
        ("weibo", OAT_IDS[1]): [Snapshot(t0, 80)],
        ("weibo", OAT_IDS[2]): [Snapshot(t0, None), Snapshot(t0 + timedelta(hours=4), 40)],
    }
    ins = metrics.compute(fixed_posts(), options=InsightOptions(min_posts=5), now=NOW, snapshots=snapshots)
    assert [(v.id, v.likes_per_hour, v.snapshots) for v in ins.velocity] == [(OAT_IDS[0], 100.0, 3)]
    assert not any("velocity" in n for n in ins.notes)
    assert any("velocity" in n for n in _insights().notes)


def test_citations_are_capped_and_counted() -> None:
    ins = _insights(min_posts=5, max_citations=2)
    author = ins.top_authors[0]
    assert author.post_count == 11 and len(author.post_ids) == 2
    assert all(len(d.post_ids) <= 2 for d in ins.volume.days)


def test_every_cited_id_exists(ample: Insights) -> None:
    known = _all_ids()
    cited = [i for k in ample.keywords for i in k.post_ids]
    cited += [p.id for p in ample.top_posts] + [i for a in ample.top_authors for i in a.post_ids]
    cited += [i for t in ample.top_hashtags for i in t.post_ids] + [i for d in ample.volume.days for i in d.post_ids]
    cited += [i for c in ample.near_duplicates for i in c.post_ids] + [s.id for s in ample.sentiment.per_post]
    assert set(cited) <= known


def test_empty_input_is_not_an_error() -> None:
    ins = metrics.compute([], options=InsightOptions(), now=NOW)
    assert ins.sample.posts == 0 and not ins.sample.sufficient and ins.keywords == [] and ins.volume.days == []
