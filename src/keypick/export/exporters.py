"""Write an export file: the format named by the suffix, streamed row by row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from keypick.exceptions import ValidationError
from keypick.export.stream import XlsxWriter, check_format, text_chunks

FORMATS = ("csv", "jsonl", "json", "xlsx", "md")


def format_of(path: Path) -> str:
    """Return the export format named by a file suffix; ValidationError otherwise."""
    try:
        return check_format(path.suffix.lower().lstrip(".") or "none")
    except ValidationError:
        raise ValidationError("out", f"unsupported file type {path.suffix or '(none)'}; use one of: "
                              f"{', '.join('.' + f for f in FORMATS)}") from None  # fmt: skip


def write_file(
    path: Path,
    rows: Iterable[dict[str, Any]],
    *,
    columns: Sequence[str],
    sheet: str = "posts",
    comments: tuple[Sequence[str], Iterable[dict[str, Any]]] | None = None,
) -> int:
    """Write rows to `path` in its suffix's format; XLSX may add a comments sheet. Return the row count."""
    fmt = format_of(path)
    if fmt == "xlsx":
        book = XlsxWriter(path)
        count = book.sheet(sheet, columns, rows)
        if comments is not None:
            book.sheet("comments", comments[0], comments[1])
        book.close()
        return count
    count = 0

    def counted() -> Iterable[dict[str, Any]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    with path.open("w", encoding="utf-8", newline="") as fh:
        for chunk in text_chunks(fmt, counted(), columns):
            fh.write(chunk)
    return count
