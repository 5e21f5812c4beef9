"""Assertions shared by the report tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "data", "poster", "srcset") and value:
                self.refs.append((tag, name, value))


def assert_self_contained(page: str) -> None:
    """The page loads nothing from anywhere: no http(s) src/href, no script, no @import or url(), inline SVG."""
    parser = _Refs()
    parser.feed(page)
    external = [r for r in parser.refs if re.match(r"\s*(https?:)?//", r[2], re.IGNORECASE)]
    assert external == [], external
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    assert "<svg" in page and "@import" not in page and "url(" not in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
