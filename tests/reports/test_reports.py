"""Markdown and HTML reports from the insights of the FIXED dataset: cited ids, charts, no external resource."""

from __future__ import annotations

import re

import pytest

from keypick.insights import metrics
from keypick.insights.schemas import InsightOptions, Insights
from keypick.reports import citations, html, markdown, svg
from keypick.reports.schemas import Summary, SummarySentence
from tests.insights.dataset import NEAR_COPY_ID, NEGATIVE_ID, NOW, OAT_IDS, SEARCH_KEYWORDS, TOP_POST_ID, fixed_posts
from tests.reports.checks import assert_self_contained


def _insights(min_posts: int) -> Insights:
    options = InsightOptions(min_posts=min_posts)
    return metrics.compute(fixed_posts(), options=options, now=NOW, search_keywords=SEARCH_KEYWORDS)


@pytest.fixture(scope="module")
def ample() -> Insights:
    """Insights with every section computed."""
    return _insights(5)


def test_markdown_cites_the_ids(ample: Insights) -> None:
    text = markdown.render(ample)
    assert text.startswith("# KeyPick insights report")
    keywords = text.split("## Top keywords", 1)[1].split("##", 1)[0]
    assert "| 1 | 燕麦 | 3 |" in keywords and all(f"`{i}`" in keywords for i in OAT_IDS)
    assert f"`{TOP_POST_ID}`" in text.split("## Top posts", 1)[1]
    assert f"`{NEGATIVE_ID}`" in text.split("## Sentiment", 1)[1].split("## Volume", 1)[0]
    assert f"`{NEAR_COPY_ID}`" in text.split("## Near-duplicate clusters", 1)[1]
    assert "product reviews" in text and "Mean " in text and "## Summary" not in text
    assert "Too thin" not in text


def test_markdown_of_a_thin_sample_says_so() -> None:
    text = markdown.render(_insights(30))
    assert "**Too thin to generalise.**" in text and "Overall split withheld" in text
    assert "No peak or trend is claimed" in text and "Mean " not in text
    assert "`9000000000000001`" in text  # what was found is still listed


def test_html_is_self_contained_with_three_charts(ample: Insights) -> None:
    page = html.render(ample)
    assert_self_contained(page)
    assert page.count("<svg") == 3
    for title in ("Posts per day", "Posts per platform", "Sentiment score distribution"):
        assert f'aria-label="{title}"' in page
    assert f"<code>{TOP_POST_ID}</code>" in page and all(f"<code>{i}</code>" in page for i in OAT_IDS)
    # Post URLs are text, not links.
    assert "https://m.weibo.cn/detail/" in page and "href" not in page


def test_html_escapes_user_text() -> None:
    posts = fixed_posts()
    posts[0] = posts[0].model_copy(update={"content": "<script>alert(1)</script><img src=https://x.test/a.png>"})
    page = html.render(metrics.compute(posts, options=InsightOptions(min_posts=5), now=NOW))
    assert_self_contained(page)
    assert "&lt;script&gt;" in page


def test_thin_html_has_no_sentiment_chart() -> None:
    page = html.render(_insights(30))
    assert_self_contained(page)
    assert page.count("<svg") == 2 and "Too thin to generalise" in page


def test_summary_section_lists_kept_and_dropped_sentences(ample: Insights) -> None:
    kept = SummarySentence(text=f"燕麦拿铁受欢迎 [{OAT_IDS[0]}]。", cited_ids=[OAT_IDS[0]], valid=True)
    dropped = SummarySentence(text="大家都爱喝咖啡。", valid=False, reason="no [post id] citation")
    summary = Summary(provider="llm", model="m", chunks=2, calls=3, posts_used=17, sentences=[kept], rejected=[dropped])
    text = markdown.render(ample, summary)
    section = text.split("## Summary", 1)[1].split("## Sample", 1)[0]
    assert f"- 燕麦拿铁受欢迎 [{OAT_IDS[0]}]。" in section and "Dropped sentences" in section
    assert "大家都爱喝咖啡。 — no [post id] citation" in section
    failed = markdown.render(ample, Summary(provider="llm", error="the LLM endpoint answered HTTP 500"))
    assert "_No summary: the LLM endpoint answered HTTP 500_" in failed
    assert_self_contained(html.render(ample, summary))


def test_svg_charts_escape_and_scale() -> None:
    chart = svg.bar_chart([("a<b", 2.0), ("c", 4.0)], title="T & U")
    assert "a&lt;b" in chart and "T &amp; U" in chart and "xmlns" not in chart
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', chart)]
    assert heights[1] == pytest.approx(2 * heights[0])
    assert svg.bar_chart([], title="empty").endswith("</svg>")
    assert svg.hbar_chart([("weibo", 3.0)], title="p", note=["(100%)"]).count("<rect") == 1


def test_citation_checks() -> None:
    known = {"4383183661430868", "9000000000000001", "BV1xx411c7mD"}
    text = (
        "燕麦拿铁很受欢迎。[9000000000000001]\n- 有人排队很久 [post:4383183661430868, 9000000000000001]。"
        "大家都爱喝咖啡。Latte is popular [BV1xx411c7mD]. 编造的结论 [1234567890]。表情 [偷笑] 不算引用。"
    )
    checked = citations.check_text(text, known)
    assert [(s.valid, s.cited_ids) for s in checked] == [
        (True, ["9000000000000001"]),
        (True, ["4383183661430868", "9000000000000001"]),
        (False, []),
        (True, ["BV1xx411c7mD"]),
        (False, []),
        (False, []),
    ]
    assert checked[4].unknown_ids == ["1234567890"] and "not in the data" in (checked[4].reason or "")
    assert checked[2].reason == "no [post id] citation"


def test_chunking_respects_the_budget() -> None:
    lines = [(p.id, citations.post_line(p)) for p in fixed_posts()]
    chunks = citations.chunk_lines(lines, budget=300)
    assert [pid for chunk in chunks for pid, _ in chunk] == [pid for pid, _ in lines]
    for chunk in chunks:
        assert len(chunk) == 1 or sum(len(line) + 1 for _, line in chunk) <= 300
    assert len(citations.chunk_lines(lines, budget=100_000)) == 1
