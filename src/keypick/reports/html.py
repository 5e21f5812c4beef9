"""Pure, self-contained HTML rendering of an insights document: inline CSS and SVG, no script, no URL loaded.

Post URLs are printed as text, not links: the file must open offline and call no host.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from html import escape

from keypick.insights.schemas import DayVolume, Insights
from keypick.reports import svg
from keypick.reports.schemas import Summary

_SHOWN_IDS = 10
_MAX_FILLED_DAYS = 366
_BAND_COLORS = {"negative": "#e15759", "neutral": "#9c9c9c", "positive": "#59a14f"}
_CSS = """
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:1000px;
padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}
th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}th{background:#f5f5f5}
code{font-size:.8rem;background:#f3f3f3;padding:0 .2rem}.warn{background:#fff4e5;border-left:4px solid #f0a020;
padding:.5rem 1rem}.muted{color:#666;font-size:.85rem}.chart{margin:.5rem 0;overflow-x:auto}
"""


def _ids(values: Sequence[str], total: int | None = None) -> str:
    total = len(values) if total is None else total
    shown = values[:_SHOWN_IDS]
    more = total - len(shown)
    return ", ".join(f"<code>{escape(v)}</code>" for v in shown) + (f" (+{more} more)" if more > 0 else "")


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, raw: Sequence[int] = ()) -> str:
    """Return an HTML table; cells are escaped except the columns listed in `raw` (already HTML)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{v if i in raw else escape('' if v is None else str(v))}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary(summary: Summary | None) -> str:
    if summary is None:
        return ""
    if summary.error:
        return f'<h2>Summary</h2><p class="muted">No summary: {escape(summary.error)}</p>'
    items = "".join(f"<li>{escape(s.text)}</li>" for s in summary.sentences) or "<li>No cited sentence.</li>"
    dropped = "".join(f"<li>{escape(s.text)} — {escape(s.reason or '')}</li>" for s in summary.rejected)
    return (
        f'<h2>Summary</h2><p class="muted">Written by {escape(summary.model or summary.provider)} '
        f"({escape(summary.provider)}) from {summary.posts_used} posts in {summary.chunks} chunk(s). Only "
        f"sentences citing existing post ids are kept; {len(summary.rejected)} dropped.</p><ul>{items}</ul>"
        + (f"<details><summary>Dropped sentences</summary><ul>{dropped}</ul></details>" if dropped else "")
    )


def _sentiment(ins: Insights) -> str:
    s = ins.sentiment
    out = f'<h2>Sentiment (SnowNLP)</h2><p class="warn">{escape(s.caveat)}</p>'
    if s.withheld or s.split is None or s.histogram is None:
        out += "<p><em>Overall split withheld: the sample is too thin. Per-post extremes only.</em></p>"
    else:
        low, high = s.neutral_band
        bins = [(f"{i / 10:.1f}", float(n)) for i, n in enumerate(s.histogram)]
        colors = [
            _BAND_COLORS["negative" if (i + 1) / 10 <= low else "positive" if i / 10 >= high else "neutral"]
            for i in range(len(bins))
        ]
        out += f'<div class="chart">{svg.bar_chart(bins, title="Sentiment score distribution", colors=colors)}</div>'
        out += f"<p>Mean {s.mean}, median {s.median} over {s.scored} posts.</p>"
        out += _table(
            ["band", "posts", "share", "post ids"],
            [[b.label, b.post_count, f"{b.share:.0%}", _ids(b.post_ids, b.post_count)] for b in s.split],
            raw=(3,),
        )
    for title, items in (("Most positive", s.most_positive), ("Most negative", s.most_negative)):
        if items:
            listed = ", ".join(f"<code>{escape(x.id)}</code> ({x.score:.2f})" for x in items)
            out += f"<p>{title}: {listed}</p>"
    return out


def _daily_series(days: Sequence[DayVolume]) -> list[tuple[str, float]]:
    # Days without posts are drawn as empty bars so the time axis is true; beyond a year, only dated days.
    first, last = date.fromisoformat(days[0].date), date.fromisoformat(days[-1].date)
    counts = {d.date: float(d.posts) for d in days}
    span = (last - first).days + 1
    if span > _MAX_FILLED_DAYS:
        return [(d.date[5:], float(d.posts)) for d in days]
    dates = [(first + timedelta(days=i)).isoformat() for i in range(span)]
    return [(d[5:], counts.get(d, 0.0)) for d in dates]


def _volume(ins: Insights) -> str:
    v = ins.volume
    out = f"<h2>Volume by day ({escape(v.timezone)})</h2>"
    if v.days:
        out += f'<div class="chart">{svg.bar_chart(_daily_series(v.days), title="Posts per day")}</div>'
    out += _table(
        ["date", "posts", "likes", "comments", "shares", "post ids"],
        [[d.date, d.posts, d.likes, d.comments, d.shares, _ids(d.post_ids, d.posts)] for d in v.days],
        raw=(5,),
    )
    if v.peak_day:
        out += f"<p>Peak day: {v.peak_day.date} with {v.peak_day.posts} posts ({_ids(v.peak_day.post_ids)})</p>"
    if v.trend:
        t = v.trend
        out += f"<p>Trend {t.first_day} → {t.last_day}: <strong>{t.direction}</strong> ({t.slope_per_day:+.2f}/day)</p>"
    if not v.peak_day and not v.trend:
        out += "<p><em>No peak or trend is claimed (sample too thin or too short).</em></p>"
    return out


def _lists(ins: Insights) -> str:
    code = "<code>{}</code>".format
    out = "<h2>Engagement velocity</h2>"
    out += (
        _table(
            ["post", "likes/hour", "likes", "snapshots"],
            [
                [code(escape(x.id)), x.likes_per_hour, f"{x.first_likes} → {x.last_likes}", x.snapshots]
                for x in ins.velocity
            ],
            raw=(0,),
        )
        if ins.velocity
        else "<p>No post has two snapshots yet.</p>"
    )
    out += "<h2>Top posts</h2>" + _table(
        ["#", "post", "platform", "author", "engagement", "likes", "comments", "shares", "excerpt", "url"],
        [
            [i, code(escape(p.id)), p.platform, p.author, p.engagement, p.likes, p.comments, p.shares, p.excerpt, p.url]
            for i, p in enumerate(ins.top_posts, 1)
        ],
        raw=(1,),
    )
    out += "<h2>Top authors</h2>" + _table(
        ["author", "platform", "posts", "engagement", "post ids"],
        [
            [a.author or a.author_id, a.platform, a.post_count, a.engagement, _ids(a.post_ids, a.post_count)]
            for a in ins.top_authors
        ],
        raw=(4,),
    )
    out += "<h2>Top hashtags</h2>" + _table(
        ["hashtag", "posts", "post ids"],
        [[f"#{t.tag}#", t.post_count, _ids(t.post_ids, t.post_count)] for t in ins.top_hashtags],
        raw=(2,),
    )
    out += "<h2>Near-duplicate clusters (SimHash)</h2>" + (
        _table(
            ["posts", "max distance", "post ids"],
            [[c.size, c.max_distance, _ids(c.post_ids)] for c in ins.near_duplicates],
            raw=(2,),
        )
        if ins.near_duplicates
        else "<p>None found.</p>"
    )
    return out


def render(ins: Insights, summary: Summary | None = None) -> str:
    """Return the report as one self-contained HTML page; every claim lists the post ids it rests on."""
    sample = ins.sample
    filters = ", ".join(f"{k}={v}" for k, v in ins.filters.items()) or "none"
    thin = (
        ""
        if sample.sufficient
        else f'<p class="warn"><strong>Too thin to generalise.</strong> {escape(sample.note or "")}</p>'
    )
    platforms = svg.hbar_chart(
        [(p.platform, float(p.post_count)) for p in ins.platforms],
        title="Posts per platform",
        note=[f"({p.share:.0%})" for p in ins.platforms],
    )
    sample_html = (
        f"<h2>Sample</h2><p>{sample.posts} posts analysed of {sample.available} matching, published "
        f"{escape(sample.first_published or '?')} → {escape(sample.last_published or '?')}.</p>"
        f'<div class="chart">{platforms}</div>'
        + _table(
            ["platform", "posts", "post ids"],
            [[p.platform, p.post_count, _ids(p.post_ids, p.post_count)] for p in ins.platforms],
            raw=(2,),
        )
        + "<p>Engagement: "
        + escape(", ".join(f"{k} {v:,}" for k, v in ins.engagement_totals.items()))
        + "</p>"
    )
    keywords = "<h2>Top keywords (jieba TF-IDF)</h2>" + _table(
        ["#", "keyword", "posts", "score", "post ids"],
        [[i, k.word, k.post_count, k.score, _ids(k.post_ids, k.post_count)] for i, k in enumerate(ins.keywords, 1)],
        raw=(4,),
    )
    notes = "<h2>Notes</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in ins.notes) + "</ul>"
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>KeyPick insights report</title><style>{_CSS}</style></head><body>"
        f'<h1>KeyPick insights report</h1><p class="muted">Generated {ins.generated_at:%Y-%m-%d %H:%M} UTC · '
        f"filters: {escape(filters)}</p>{thin}{_summary(summary)}{sample_html}{keywords}{_sentiment(ins)}"
        f"{_volume(ins)}{_lists(ins)}{notes}</body></html>"
    )
