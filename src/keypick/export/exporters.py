"""Streaming exporters sharing one lifecycle: start, write rows, finish (after Scrapy's exporters).

CSV starts with a UTF-8 BOM so Excel shows Chinese correctly; ids are written
as text. XLSX uses openpyxl's write-only mode, so memory stays flat.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from keypick.exceptions import ValidationError

FORMATS = ("csv", "jsonl", "json", "xlsx")


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def format_of(path: Path) -> str:
    """Return the export format named by a file suffix; ValidationError otherwise."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValidationError("out", f"unsupported file type .{suffix}; use one of: {', '.join(FORMATS)}")
    return suffix


def write_file(path: Path, rows: Iterable[dict[str, Any]], *, columns: Sequence[str], sheet: str = "posts") -> int:
    """Write rows to path in the format its suffix names; return the row count."""
    fmt = format_of(path)
    count = 0
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(sheet)
        ws.freeze_panes = "A2"
        ws.append(list(columns))
        for row in rows:
            ws.append([_cell(row.get(c)) for c in columns])
            count += 1
        wb.save(path)
        return count
    with path.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as fh:
        count = _write_text(fh, fmt, rows, columns)
    return count


def _write_text(fh: IO[str], fmt: str, rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in columns])
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            fh.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
            count += 1
    else:
        fh.write("[")
        for row in rows:
            fh.write(("," if count else "") + "\n" + json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False))
            count += 1
        fh.write("\n]\n")
    return count
