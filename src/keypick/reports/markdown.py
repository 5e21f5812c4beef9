"""Pure Markdown rendering of an insights document (and an optional cited summary)."""

from __future__ import annotations

from collections.abc import Sequence

from keypick.insights.schemas import Insights
from keypick.reports.schemas import Summary

_SHOWN_IDS = 10


def ids(values: Sequence[str], total: int | None = None, *, shown: int = _SHOWN_IDS) -> str:
    """Return post ids as `code`, the first `shown` of them, with how many more there are."""
    total = len(values) if total is None else total
    text = ", ".join(f"`{v}`" for v in values[:shown])
    return text + (f" (+{total - min(shown, len(values))} more)" if total > min(shown, len(values)) else "")


def cell(value: object) -> str:
    """Return a value safe inside a Markdown table cell."""
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return [*out, ""]


def summary_lines(summary: Summary | None) -> list[str]:
    """Return the summary section (nothing when no provider is configured)."""
    if summary is None:
        return []
    out = ["## Summary", ""]
    if summary.error:
        return [*out, f"_No summary: {summary.error}_", ""]
    out.append(
        f"_Written by {summary.model or summary.provider} ({summary.provider}) from {summary.posts_used} "
        f"posts in {summary.chunks} chunk(s), {summary.calls} call(s). Only sentences citing existing post "
        f"ids are kept; {len(summary.rejected)} were dropped._"
    )
    out.append("")
    out += [f"- {cell(s.text)}" for s in summary.sentences] or ["_The model gave no sentence with a valid citation._"]
    if summary.rejected:
        out += ["", "<details><summary>Dropped sentences</summary>", ""]
        out += [f"- {cell(s.text)} — {s.reason}" for s in summary.rejected]
        out += ["", "</details>"]
    return [*out, ""]


def _sentiment(ins: Insights) -> list[str]:
    s = ins.sentiment
    out = ["## Sentiment (SnowNLP)", "", f"> {s.caveat}", ""]
    if s.withheld or s.split is None:
        out += ["_Overall split withheld: the sample is too thin. Per-post extremes only._", ""]
    else:
        out += [f"Mean {s.mean}, median {s.median} over {s.scored} posts.", ""]
        out += _table(
            ["band", "posts", "share", "post ids"],
            [[b.label, b.post_count, f"{b.share:.0%}", ids(b.post_ids, b.post_count)] for b in s.split],
        )
    for title, items in (("Most positive", s.most_positive), ("Most negative", s.most_negative)):
        if items:
            out.append(f"- {title}: " + ", ".join(f"`{x.id}` ({x.score:.2f})" for x in items))
    return [*out, ""]


def _volume(ins: Insights) -> list[str]:
    v = ins.volume
    out = [f"## Volume by day ({v.timezone})", ""]
    out += _table(
        ["date", "posts", "likes", "comments", "shares", "post ids"],
        [[d.date, d.posts, d.likes, d.comments, d.shares, ids(d.post_ids, d.posts)] for d in v.days],
    )
    if v.undated_post_ids:
        out += [f"Undated: {ids(v.undated_post_ids)}", ""]
    if v.peak_day:
        out.append(f"- Peak day: {v.peak_day.date} with {v.peak_day.posts} posts ({ids(v.peak_day.post_ids)})")
    if v.trend:
        t = v.trend
        out.append(f"- Trend {t.first_day} → {t.last_day}: **{t.direction}** ({t.slope_per_day:+.2f} posts/day)")
    if not v.peak_day and not v.trend:
        out.append("- No peak or trend is claimed (sample too thin or too short).")
    return [*out, ""]


def _lists(ins: Insights) -> list[str]:
    out = ["## Engagement velocity", ""]
    if ins.velocity:
        out += _table(
            ["post", "likes/hour", "likes", "between", "snapshots"],
            [
                [
                    f"`{x.id}`",
                    x.likes_per_hour,
                    f"{x.first_likes} → {x.last_likes}",
                    f"{x.first_captured_at:%Y-%m-%d %H:%M} → {x.last_captured_at:%Y-%m-%d %H:%M} UTC",
                    x.snapshots,
                ]
                for x in ins.velocity
            ],
        )
    else:
        out += ["No post has two snapshots yet (crawl the same keywords again later).", ""]
    out += ["## Top posts", ""]
    out += _table(
        ["#", "post", "platform", "author", "engagement", "likes", "comments", "shares", "excerpt", "url"],
        [
            [i, f"`{p.id}`", p.platform, p.author, p.engagement, p.likes, p.comments, p.shares, p.excerpt, p.url]
            for i, p in enumerate(ins.top_posts, 1)
        ],
    )
    out += ["## Top authors", ""]
    out += _table(
        ["author", "platform", "posts", "engagement", "post ids"],
        [
            [a.author or a.author_id, a.platform, a.post_count, a.engagement, ids(a.post_ids, a.post_count)]
            for a in ins.top_authors
        ],
    )
    out += ["## Top hashtags", ""]
    out += _table(
        ["hashtag", "posts", "post ids"],
        [[f"#{t.tag}#", t.post_count, ids(t.post_ids, t.post_count)] for t in ins.top_hashtags],
    )
    out += ["## Near-duplicate clusters (SimHash)", ""]
    if ins.near_duplicates:
        out += _table(
            ["posts", "max distance", "post ids"],
            [[c.size, c.max_distance, ids(c.post_ids)] for c in ins.near_duplicates],
        )
    else:
        out += ["None found.", ""]
    return out


def render(ins: Insights, summary: Summary | None = None) -> str:
    """Return the report as Markdown; every claim lists the post ids it rests on."""
    sample = ins.sample
    filters = ", ".join(f"{k}={v}" for k, v in ins.filters.items()) or "none"
    out = [
        "# KeyPick insights report",
        "",
        f"_Generated {ins.generated_at:%Y-%m-%d %H:%M} UTC · filters: {cell(filters)} · "
        f"{sample.posts} posts analysed of {sample.available} matching._",
        "",
    ]
    if not sample.sufficient:
        out += [f"> **Too thin to generalise.** {sample.note}", ""]
    out += summary_lines(summary)
    out += ["## Sample", ""]
    out += [f"- Published {sample.first_published or '?'} → {sample.last_published or '?'}"]
    out += [
        f"- {p.platform}: {p.post_count} posts ({p.share:.0%}) — {ids(p.post_ids, p.post_count)}" for p in ins.platforms
    ]
    out += ["- Engagement: " + ", ".join(f"{k} {v:,}" for k, v in ins.engagement_totals.items())]
    if ins.search_keywords:
        out.append("- Search keywords: " + ", ".join(ins.search_keywords))
    out += ["", "## Top keywords (jieba TF-IDF)", ""]
    out += _table(
        ["#", "keyword", "posts", "score", "post ids"],
        [[i, k.word, k.post_count, k.score, ids(k.post_ids, k.post_count)] for i, k in enumerate(ins.keywords, 1)],
    )
    out += _sentiment(ins) + _volume(ins) + _lists(ins)
    out += ["## Notes", ""] + [f"- {n}" for n in ins.notes] + [""]
    return "\n".join(out)
