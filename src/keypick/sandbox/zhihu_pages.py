"""HTML pages of the Zhihu replay: a page whose state script holds entities, and the 404 page."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.responses import Response

from keypick.sandbox.replay import html_response
from keypick.sandbox.zhihu_data import camel

Json = dict[str, Any]


def state_page(title: str, entities: dict[str, dict[str, Json]]) -> Response:
    """Return a page whose js-initialData script holds the entities, as Zhihu's pages do."""
    # Objects in camelCase as the page state writes them; the tables' keys (ids, url_tokens) as they are.
    tables = {name: {key: camel(obj) for key, obj in table.items()} for name, table in entities.items()}
    state = json.dumps({"initialState": {"entities": tables}}, ensure_ascii=False)
    title = re.sub(r"<[^>]+>", "", title)
    # A literal "</script" inside the JSON would end the script element early.
    state = state.replace("</", "<\\/")
    return html_response(
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title} - 知乎</title></head>'
        f'<body><div id="root"></div><script id="js-initialData" type="text/json">{state}</script></body></html>'
    )


def not_found_page() -> Response:
    """Return Zhihu's 404 page."""
    return html_response(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>知乎 - 有问题，就会有答案</title></head>'
        "<body><p>你似乎来到了没有知识存在的荒原</p></body></html>",
        404,
    )
