"""Reading uploaded tables (CSV or XLSX) into rows keyed by normalised column names."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from handbook.errors import Invalid, Problem
from handbook.text import fold_key, nfc

MAX_ROWS = 100_000
MAX_CELL = 500


@dataclass
class Table:
    source: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, values)


def column_key(header) -> str:
    """'Mã đơn vị' → 'ma_don_vi', so headers may be typed with or without marks."""
    return fold_key(str(header or "")).replace(" ", "_")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel turns member codes into numbers
    return nfc(str(value)).strip()[:MAX_CELL]


def _table(source: str, records) -> Table | None:
    records = iter(records)
    header = next(records, None)
    if not header:
        return None
    table = Table(source, [column_key(h) for h in header])
    for line, record in enumerate(records, start=2):
        values = [cell_text(v) for v in record]
        if not any(values):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise Invalid([Problem(source, f"Tệp có quá {MAX_ROWS} dòng.")])
        table.rows.append((line, dict(zip(table.columns, values, strict=False))))
    return table


def read_csv(name: str, data: bytes) -> list[Table]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid([Problem(name, "Tệp CSV phải được lưu với mã hóa UTF-8.")]) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    table = _table(name, csv.reader(io.StringIO(text), delimiter=delimiter))
    return [table] if table else []


def read_xlsx(name: str, data: bytes) -> list[Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Invalid([Problem(name, "Không đọc được tệp Excel (.xlsx).")]) from error
    try:
        tables = [
            _table(f"{name}/{sheet.title}", sheet.iter_rows(values_only=True)) for sheet in book.worksheets
        ]
    finally:
        book.close()
    return [t for t in tables if t]


def read_tables(name: str, data: bytes) -> list[Table]:
    """Every table in the file: one for a CSV, one per sheet for an XLSX."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return read_xlsx(name, data)
    if lower.endswith(".csv"):
        return read_csv(name, data)
    raise Invalid([Problem(name, "Chỉ nhận tệp .csv hoặc .xlsx.")])
