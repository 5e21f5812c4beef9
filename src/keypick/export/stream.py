"""Streaming serialisers: rows in, text chunks out, so exports never hold the whole set in memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from keypick.exceptions import ValidationError
from keypick.export.xlsx import StreamingXlsx

FORMATS = ("csv", "jsonl", "json", "xlsx", "md")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"


def cell(value: Any) -> Any:
    """Return a value a CSV or XLSX cell can hold (lists and dicts as JSON text)."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def check_format(fmt: str) -> str:
    """Return the format if supported; ValidationError naming the choices otherwise."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValidationError("format", f"unsupported format {fmt!r}; use one of: {', '.join(FORMATS)}")
    return fmt


def is_id_column(column: str) -> bool:
    """True for columns holding platform ids (id, author_id, post_id, ...)."""
    return column == "id" or column.endswith("_id")


def excel_text(value: Any) -> Any:
    """Return a digits-only id as ="123…", which Excel keeps as text (else 4383183661430868 becomes 4.38E+15)."""
    text = str(value)
    return f'="{text}"' if text.isdigit() else value


def _csv_line(values: Sequence[Any], text_ids: Sequence[bool] = ()) -> str:
    buffer = io.StringIO()
    out = ["" if v is None else cell(v) for v in values]
    for index, flag in enumerate(text_ids):
        if flag and out[index] != "":
            out[index] = excel_text(out[index])
    csv.writer(buffer).writerow(out)
    return buffer.getvalue()


def _md_cell(value: Any) -> str:
    text = "" if value is None else str(cell(value))
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def head(fmt: str, columns: Sequence[str]) -> str:
    """Return what comes before the first row."""
    if fmt == "csv":
        return BOM + _csv_line(columns)  # the BOM makes Excel read UTF-8 (Chinese) correctly
    if fmt == "md":
        return "| " + " | ".join(columns) + " |\n" + "|" + "---|" * len(columns) + "\n"
    if fmt == "json":
        return "["
    if fmt == "jsonl":
        return ""
    raise ValidationError("format", f"{fmt} is not a text format")


def line(fmt: str, row: dict[str, Any], columns: Sequence[str], index: int, *, excel_ids: bool = False) -> str:
    """Return one row in the format; `excel_ids` writes CSV ids so Excel keeps them as text."""
    if fmt == "csv":
        return _csv_line([row.get(c) for c in columns], [excel_ids and is_id_column(c) for c in columns])
    if fmt == "md":
        return "| " + " | ".join(_md_cell(row.get(c)) for c in columns) + " |\n"
    data = json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False)
    return data + "\n" if fmt == "jsonl" else ("," if index else "") + "\n" + data


def tail(fmt: str) -> str:
    """Return what comes after the last row."""
    return "\n]\n" if fmt == "json" else ""


def text_chunks(
    fmt: str, rows: Iterable[dict[str, Any]], columns: Sequence[str], *, excel_ids: bool = False
) -> Iterator[str]:
    """Yield the export as text chunks (csv with a BOM, jsonl, json array, markdown table)."""
    yield head(fmt, columns)
    for index, row in enumerate(rows):
        yield line(fmt, row, columns, index, excel_ids=excel_ids)
    yield tail(fmt)


async def atext_chunks(
    fmt: str, rows: AsyncIterator[dict[str, Any]], columns: Sequence[str], *, excel_ids: bool = False
) -> AsyncIterator[str]:
    """Async twin of text_chunks for rows read from the database in batches."""
    yield head(fmt, columns)
    index = 0
    async for row in rows:
        yield line(fmt, row, columns, index, excel_ids=excel_ids)
        index += 1
    yield tail(fmt)


class XlsxWriter:
    """Streaming workbook (flat memory): typed cells, frozen bold header, one sheet per record kind."""

    def __init__(self, path: Path) -> None:
        self._book = StreamingXlsx(path)

    def sheet(self, title: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> int:
        """Append a sheet; return its row count."""
        return self._book.sheet(title, columns, ([_xlsx_cell(c, row.get(c)) for c in columns] for row in rows))

    async def asheet(self, title: str, columns: Sequence[str], rows: AsyncIterator[dict[str, Any]]) -> int:
        """Append a sheet from rows read asynchronously; return its row count."""

        async def values() -> AsyncIterator[list[Any]]:
            async for row in rows:
                yield [_xlsx_cell(c, row.get(c)) for c in columns]

        return await self._book.asheet(title, columns, values())

    def close(self) -> None:
        """Finish the file."""
        self._book.close()


def _xlsx_cell(column: str, value: Any) -> Any:
    # Ids stay text (Excel would turn 4383183661430868 into 4.38E+15); times become real datetimes.
    if value is None:
        return None
    if is_id_column(column):
        return str(value)
    if column.endswith("_time") and isinstance(value, str):
        from datetime import datetime

        try:
            return datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return value
    return cell(value)
