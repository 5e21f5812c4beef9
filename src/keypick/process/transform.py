"""Pure conversion of posts to JSON, CSV (UTF-8 BOM, for Excel) or Markdown text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from keypick.content.schemas import Post
from keypick.exceptions import ValidationError

COLUMNS = tuple(name for name, f in Post.model_fields.items() if not f.exclude)
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "markdown": "text/markdown; charset=utf-8"}
EXTENSIONS = {"json": "json", "csv": "csv", "markdown": "md"}
BOM = "\ufeff"


def columns(fields: Sequence[str] | None) -> list[str]:
    """Return the requested columns (all Post fields by default); ValidationError names unknown ones."""
    if not fields:
        return list(COLUMNS)
    unknown = [f for f in fields if f not in COLUMNS]
    if unknown:
        raise ValidationError("fields", f"unknown field(s) {', '.join(unknown)}; choose from {', '.join(COLUMNS)}")
    return list(dict.fromkeys(fields))


def _rows(posts: Sequence[Post], cols: Sequence[str]) -> list[dict[str, Any]]:
    return [{c: row.get(c) for c in cols} for row in (p.model_dump(mode="json") for p in posts)]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_csv(posts: Sequence[Post], cols: Sequence[str]) -> str:
    """Return CSV text starting with a UTF-8 BOM (so Excel reads Chinese); lists and dicts as JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(cols)
    for row in _rows(posts, cols):
        writer.writerow([_cell(row[c]) for c in cols])
    return BOM + buffer.getvalue()


def _md_escape(text: str) -> str:
    # Keep user text from turning into headings, tables or links in the rendered Markdown.
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return text


def to_markdown(posts: Sequence[Post], cols: Sequence[str]) -> str:
    """Return one Markdown section per post: heading, the chosen fields as a list, the text quoted."""
    lines = [f"# Posts ({len(posts)})", ""]
    for number, (post, row) in enumerate(zip(posts, _rows(posts, cols), strict=True), 1):
        heading = post.title or post.content.split("\n", 1)[0] or post.id
        lines += [f"## {number}. {_md_escape(heading[:60])}", ""]
        for col in cols:
            if col in ("content", "title") or row[col] in (None, "", [], {}):
                continue
            lines.append(f"- **{col}**: {_md_escape(_cell(row[col]))}")
        text = row.get("content") if "content" in cols else None
        if text:
            lines += [""] + [f"> {_md_escape(line)}" if line else ">" for line in str(text).split("\n")]
        lines.append("")
    return "\n".join(lines)


def render(posts: Sequence[Post], *, fmt: str, fields: Sequence[str] | None = None) -> str:
    """Return the posts as text in the format (json, csv or markdown)."""
    cols = columns(fields)
    if fmt == "csv":
        return to_csv(posts, cols)
    if fmt == "markdown":
        return to_markdown(posts, cols)
    return json.dumps(_rows(posts, cols), ensure_ascii=False, indent=2)
