"""HAR import of Zhihu detail pages (an answer page and a column article), as a browser saves them.

No real page capture exists: the pages are the sandbox's, built from the real search_v3 sample's
answer and article objects (src/keypick/sandbox/zhihu_data.py) exactly as the replay serves them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from keypick.content.models import PostRow
from keypick.sandbox.zhihu_data import shared_data
from keypick.sandbox.zhihu_pages import state_page

ANCHOR = datetime(2026, 12, 1, tzinfo=UTC)


def _pages() -> tuple[dict[str, Any], dict[str, Any]]:
    data = shared_data("har", ANCHOR)
    items, _ = data.search_items("咖啡", 1, not_before=None)
    objects = [data.content(str(i["object"]["id"])) for i in items if i.get("type") == "search_result"]
    answer = next(o for o in objects if o and o["type"] == "answer")
    article = next(o for o in objects if o and o["type"] == "article")
    return answer, article


def _entry(url: str, html: str) -> dict[str, Any]:
    return {"request": {"method": "GET", "url": url, "headers": []},
            "response": {"status": 200, "content": {"mimeType": "text/html", "text": html}}}  # fmt: skip


async def test_answer_and_article_pages_are_imported(api: Any) -> None:
    answer, article = _pages()
    question = {**answer["question"], "title": answer["question"]["name"]}
    answer_html = state_page(answer["title"], {"answers": {answer["id"]: {**answer, "question": question}},
                                               "questions": {question["id"]: question}}).body.decode()  # fmt: skip
    article_html = state_page(article["title"], {"articles": {article["id"]: article}}).body.decode()
    har = {"log": {"version": "1.2", "entries": [
        _entry(f"https://www.zhihu.com/question/{question['id']}/answer/{answer['id']}", answer_html),
        _entry(f"https://zhuanlan.zhihu.com/p/{article['id']}", article_html),
    ]}}  # fmt: skip
    async with api(workers=0) as client:
        response = await client.http.post("/api/import/har", content=json.dumps(har).encode(),
                                          headers={"content-type": "application/json"})  # fmt: skip
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["recognised"] == {"zhihu detail": 2} and report["skipped"] == 0, report
        assert report["posts"] == 2
        async with client.app.state.runtime.sessions() as session:
            rows = list(await session.scalars(select(PostRow).where(PostRow.platform == "zhihu")))
        assert {r.platform_post_id for r in rows} == {str(answer["id"]), str(article["id"])}
        assert all(r.content and r.publish_time for r in rows)  # the full text of the page, with its time
