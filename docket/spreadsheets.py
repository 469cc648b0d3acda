"""Reading rows from the CSV and XLSX files that staff export from Excel or a CRM.

Rows come back as dictionaries keyed by the header, each with the row number a
person would see in a spreadsheet program (the header is row 1), so every
error can point at a cell.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read."""


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    path: Path
    headers: list[str]
    rows: list[Row]


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(f"{error.start}: the file is neither UTF-8 nor Windows-1252 text") from None


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SpreadsheetError(f"{path}: no such file")
    if suffix == ".csv":
        headers, raw_rows = _read_csv(path)
    elif suffix in {".xlsx", ".xlsm"}:
        headers, raw_rows = _read_xlsx(path)
    else:
        raise SpreadsheetError(f"{path}: use a .csv or .xlsx file, not {suffix or 'a file without an extension'}")
    headers = [header.strip() for header in headers]
    _check_headers(path, headers)
    rows = []
    for number, cells in raw_rows:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines at the end of a sheet are common and mean nothing
        padded = list(cells) + [""] * (len(headers) - len(cells))
        if len(padded) > len(headers) and any(cell.strip() for cell in padded[len(headers) :]):
            raise SpreadsheetError(f"{path}: row {number} has more cells than there are column headers")
        rows.append(Row(number, {header: padded[i].strip() for i, header in enumerate(headers)}))
    return Sheet(path, headers, rows)


def _check_headers(path: Path, headers: list[str]) -> None:
    if not headers or not any(headers):
        raise SpreadsheetError(f"{path}: the first row must hold the column headers")
    seen: set[str] = set()
    for position, header in enumerate(headers, start=1):
        if not header:
            raise SpreadsheetError(f"{path}: row 1, column {position} has no header")
        if header in seen:
            raise SpreadsheetError(f"{path}: row 1: the column {header!r} appears twice")
        seen.add(header)


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(decode(path.read_bytes()), newline=""))
    try:
        records = list(reader)
    except csv.Error as error:
        raise SpreadsheetError(f"{path}: line {reader.line_num}: {error}") from None
    if not records:
        raise SpreadsheetError(f"{path}: the file is empty")
    # Number rows as a spreadsheet program shows them (header = 1), not by
    # physical line: a cell holding a line break would otherwise shift them.
    return records[0], list(enumerate(records[1:], start=2))


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise SpreadsheetError(f"{path}: not a readable XLSX workbook ({error})") from None
    sheet = book.worksheets[0]
    values = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    if not values:
        raise SpreadsheetError(f"{path}: the first sheet is empty")
    while values[0] and values[0][-1] == "":
        values[0].pop()
    return values[0], list(enumerate(values[1:], start=2))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
