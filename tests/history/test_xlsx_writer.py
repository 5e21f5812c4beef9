"""The streaming XLSX writer, read back through openpyxl: typed cells, frozen bold header, sheets, odd text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from keypick.export.stream import XlsxWriter
from keypick.export.xlsx import MAX_CELL_CHARS, StreamingXlsx, column_letter


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]  # fmt: skip


def test_cells_keep_their_types(tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    book = StreamingXlsx(path)
    when = datetime(2025, 6, 14, 20, 39, 20)
    rows = [["4383183661430868", 1_049_077, 0.25, True, when, None, '咖啡 <b>&amp; "引号"', "a\x00b\x1fc"]]
    columns = [f"c{i}" for i in range(8)]
    assert book.sheet("posts", columns, rows) == 1
    assert book.sheet("comments", ["x"], []) == 0
    book.close()
    wb = load_workbook(path)
    assert wb.sheetnames == ["posts", "comments"]
    sheet = wb["posts"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b is True
    assert [c.value for c in sheet[1]] == columns
    values = [c.value for c in sheet[2]]
    assert values == ["4383183661430868", 1_049_077, 0.25, True, when, None, '咖啡 <b>&amp; "引号"', "abc"]
    assert sheet["E2"].is_date and sheet["A2"].data_type == "s" and sheet["B2"].data_type == "n"
    assert list(wb["comments"].values) == [("x",)]


def test_long_text_is_cut_to_excels_limit_and_wide_rows_work(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    columns = [f"col{i}" for i in range(30)]
    writer = XlsxWriter(path)
    row = {c: i for i, c in enumerate(columns)} | {"col0": "长" * (MAX_CELL_CHARS + 10)}
    assert writer.sheet("posts", columns, [row, row]) == 2
    writer.close()
    sheet = load_workbook(path)["posts"]
    assert sheet["AD3"].value == 29 and len(sheet["A2"].value) == MAX_CELL_CHARS
    assert sheet.max_row == 3 and sheet.max_column == 30


def test_a_full_sheet_continues_on_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "split.xlsx"
    book = StreamingXlsx(path, max_rows=3)  # a header and two rows per sheet (Excel: 1,048,576)
    assert book.sheet("posts", ["id"], [[str(i)] for i in range(5)]) == 5
    assert book.sheet("comments", ["x"], [[1]]) == 1
    book.close()
    wb = load_workbook(path)
    assert wb.sheetnames == ["posts", "posts (2)", "posts (3)", "comments"]
    assert [list(wb[name].values) for name in wb.sheetnames[:3]] == [
        [("id",), ("0",), ("1",)], [("id",), ("2",), ("3",)], [("id",), ("4",)]
    ]  # fmt: skip
    assert all(wb[name].freeze_panes == "A2" for name in wb.sheetnames)
