"""Pure text metrics over posts: top keywords, sentiment, near-duplicate clusters. Each result cites post ids."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence

from keypick.content.schemas import Post
from keypick.insights import simhash
from keypick.insights.nlp import TextTools, is_keyword_candidate
from keypick.insights.schemas import (
    LABELS,
    DuplicateCluster,
    InsightOptions,
    KeywordStat,
    Label,
    Sentiment,
    SentimentBucket,
    SentimentScore,
)

SENTIMENT_CAVEAT = (
    "Scores come from SnowNLP's default model, trained on Chinese online product reviews. It is unreliable "
    "on short, sarcastic, slang-heavy or non-Chinese social posts, and 0.5 does not mean 'no opinion'. Treat "
    "scores as a rough signal, read the cited posts, and do not present them as measured public opinion. "
    "Scores from {low} to {high} count as neutral."
)
_HISTOGRAM_BINS = 10
_EXTREMES = 5


def _excluded(word: str, search_keywords: Sequence[str]) -> bool:
    # A search keyword's parts go too: for "手冲咖啡", jieba's "手冲" and "咖啡" only echo the query.
    low = word.lower()
    return any(low == k or low in k for k in search_keywords)


def top_keywords(
    posts: Sequence[Post],
    tokens: Sequence[Sequence[str]],
    *,
    tools: TextTools,
    options: InsightOptions,
    search_keywords: Sequence[str] = (),
    clusters: Sequence[int] | None = None,
) -> list[KeywordStat]:
    """Return the top keywords by (share of distinct texts containing the word) × jieba IDF, with post ids.

    `clusters[i]` names post i's near-duplicate cluster: copies of one text count as one voice.
    """
    if not posts:
        return []
    clusters = list(clusters) if clusters is not None else list(range(len(posts)))
    skip = [k.lower() for k in search_keywords] if options.exclude_search_keywords else []
    holders: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(tokens):
        # Document frequency, not raw counts: one post repeating a word twenty times is still one voice.
        for word in dict.fromkeys(w.lower() for w in words):
            if is_keyword_candidate(word) and not _excluded(word, skip):
                holders[word].append(index)
    voices_total = len(set(clusters))
    scored = []
    for word, indices in holders.items():
        voices = len({clusters[i] for i in indices})
        scored.append((voices / voices_total * tools.idf(word), voices, word, [posts[i].id for i in indices]))
    scored.sort(key=lambda item: (-item[0], -len(item[3]), item[2]))
    return [
        KeywordStat(
            word=word, score=round(score, 4), post_count=len(ids), voices=voices, post_ids=ids[: options.max_citations]
        )
        for score, voices, word, ids in scored[: options.top_n]
    ]


def _label(score: float, options: InsightOptions) -> Label:
    if score < options.neutral_low:
        return "negative"
    if score > options.neutral_high:
        return "positive"
    return "neutral"


def sentiment(
    posts: Sequence[Post], texts: Sequence[str], *, tools: TextTools, options: InsightOptions, sufficient: bool
) -> Sentiment:
    """Return per-post SnowNLP scores; the mean, split and histogram only when the sample is sufficient."""
    scores = [
        SentimentScore(id=post.id, score=round(value, 4), label=_label(value, options))
        for post, text in zip(posts, texts, strict=True)
        if text.strip()
        for value in (tools.sentiment(text),)
    ]
    caveat = SENTIMENT_CAVEAT.format(low=options.neutral_low, high=options.neutral_high)
    ranked = sorted(scores, key=lambda s: (-s.score, s.id))
    out = Sentiment(
        caveat=caveat,
        neutral_band=(options.neutral_low, options.neutral_high),
        scored=len(scores),
        withheld=not sufficient,
        per_post=scores,
        most_positive=[s for s in ranked if s.label == "positive"][:_EXTREMES],
        most_negative=[s for s in reversed(ranked) if s.label == "negative"][:_EXTREMES],
    )
    if not sufficient or not scores:
        return out
    values = [s.score for s in scores]
    out.mean = round(statistics.fmean(values), 4)
    out.median = round(statistics.median(values), 4)
    out.split = []
    for label in LABELS:
        ids = [s.id for s in scores if s.label == label]
        out.split.append(
            SentimentBucket(
                label=label,
                post_count=len(ids),
                share=round(len(ids) / len(scores), 4),
                post_ids=ids[: options.max_citations],
            )
        )
    histogram = [0] * _HISTOGRAM_BINS
    for value in values:
        histogram[min(int(value * _HISTOGRAM_BINS), _HISTOGRAM_BINS - 1)] += 1
    out.histogram = histogram
    return out


def cluster_ids(tokens: Sequence[Sequence[str]], *, options: InsightOptions) -> tuple[list[int], list[simhash.Group]]:
    """Return each post's near-duplicate cluster (the index of its group's first post, or its own) and the groups."""
    prints = [simhash.fingerprint(words) if words else None for words in tokens]
    groups = simhash.group_near_duplicates(prints, max_distance=options.near_dup_distance)
    cluster = list(range(len(tokens)))
    for group in groups:
        for member in group.members:
            cluster[member] = group.members[0]
    return cluster, groups


def near_duplicates(posts: Sequence[Post], groups: Sequence[simhash.Group]) -> list[DuplicateCluster]:
    """Return the near-duplicate groups as clusters of post ids, largest first."""
    clusters = [
        DuplicateCluster(post_ids=[posts[i].id for i in g.members], size=len(g.members), max_distance=g.max_distance)
        for g in groups
    ]
    return sorted(clusters, key=lambda c: (-c.size, c.post_ids[0]))
