"""Reading rows from the CSV and XLSX files that staff export from Excel or a CRM.

Rows come back as dictionaries keyed by the header, each with the row number a
person would see in a spreadsheet program (the header is row 1), so every
error can point at a cell.

A sheet larger than ``Limits`` (rows, columns, cells, bytes unzipped) is refused with
an error naming the file and the limit, before it can exhaust memory: a 5 kB workbook
with one cell at XFD1048576 otherwise becomes 17 billion empty cells.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read."""


@dataclass(frozen=True)
class Limits:
    """How large a sheet Docket imports (the DOCKET_IMPORT_* settings)."""

    max_rows: int = 100_000
    max_columns: int = 200
    max_cells: int = 2_000_000  # counting the empty cells a workbook pads its rows with
    max_unzipped_bytes: int = 100 * 1024 * 1024  # of a workbook's parts (DOCKET_READ_MAX_UNZIPPED_MB)

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        if not settings.configured:
            return cls()
        return cls(
            settings.DOCKET_IMPORT_MAX_ROWS,
            settings.DOCKET_IMPORT_MAX_COLUMNS,
            settings.DOCKET_IMPORT_MAX_CELLS,
            settings.DOCKET_READ_MAX_UNZIPPED_MB * 1024 * 1024,
        )


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


def read_sheet(path: Path, limits: Limits | None = None, columns: Iterable[str] = ()) -> Sheet:
    """The sheet's rows by header. A header written as a person would ("Full name", "Body email") is read as the
    one of ``columns`` it names ("full_name", "body_email"): case, spaces and hyphens aside."""
    limits = limits or Limits.from_settings()
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SpreadsheetError(f"{path}: no such file")
    if suffix == ".csv":
        headers, raw_rows = _read_csv(path, limits)
    elif suffix in {".xlsx", ".xlsm"}:
        headers, raw_rows = _read_xlsx(path, limits)
    else:
        raise SpreadsheetError(f"{path}: use a .csv or .xlsx file, not {suffix or 'a file without an extension'}")
    known = {squashed(column): column for column in columns}
    headers = [known.get(squashed(header), header.strip()) for header in headers]
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


def squashed(header: str) -> str:
    """The header as a column name is written: lower case, "_" for spaces and hyphens ("Full name": full_name)."""
    return re.sub(r"[\s_-]+", "_", header.strip().lower())


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


# What a file named .csv often really is, by its first bytes.
NOT_CSV = {
    b"PK\x03\x04": "an Excel workbook or a ZIP file (if it is a workbook, upload it as .xlsx)",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls): save it as .csv or .xlsx and upload that",
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG picture",
    b"\xff\xd8\xff": "a JPEG picture",
    b"\xff\xfe": 'text saved as UTF-16 ("Unicode text"): save it as "CSV UTF-8" and upload that',
    b"\xfe\xff": 'text saved as UTF-16 ("Unicode text"): save it as "CSV UTF-8" and upload that',
}


def _read_csv(path: Path, limits: Limits) -> tuple[list[str], list[tuple[int, list[str]]]]:
    data = path.read_bytes()
    for start, what in NOT_CSV.items():
        if data.startswith(start):
            raise SpreadsheetError(f"{path}: this is not a CSV file: it is {what}")
    text = decode(data)
    separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    counter = _Counter(path, limits)
    try:
        records = [counter.row(number, record) for number, record in enumerate(reader, start=1)]
    except csv.Error as error:
        raise SpreadsheetError(f"{path}: line {reader.line_num}: {error}") from None
    if not records:
        raise SpreadsheetError(f"{path}: the file is empty")
    if len(records[0]) == 1:
        _refuse_unsplit_header(path, records[0][0])
    # Number rows as a spreadsheet program shows them (header = 1), not by
    # physical line: a cell holding a line break would otherwise shift them.
    return records[0], list(enumerate(records[1:], start=2))


# What separates a CSV file's columns: a comma, or a semicolon as Excel writes in many European locales
# (where the comma is the decimal mark), or a tab. In order of preference when the header is split as well by two.
SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
SNIFFED_CHARS = 100_000  # of the header line: a file without line breaks is not searched whole


def _separator(text: str) -> str:
    """The separator that splits the header line into the most columns, a comma on a tie or when none
    splits it (a file of one column). Each is tried by reading the line as CSV, which takes time in
    proportion to its length whatever it holds (``csv.Sniffer``'s patterns took over a minute on a
    header of 100,000 characters)."""
    header = text[:SNIFFED_CHARS].split("\n", 1)[0]
    best, columns = ",", 1
    for separator in SEPARATORS:
        found = len(next(csv.reader([header], delimiter=separator), []))
        if found > columns:
            best, columns = separator, found
    return best


def _refuse_unsplit_header(path: Path, header: str) -> None:
    """A header read as one column although it holds semicolons or tabs: its separator was not recognised,
    and every column would be reported missing; say what happened instead."""
    for separator in SEPARATORS[1:]:
        if separator in header:
            name = SEPARATOR_NAMES[separator]
            raise SpreadsheetError(
                f"The columns of {path} seem to be separated by {name}, but Docket could not read them that "
                f"way (the header row is read as one column). Save the file from your spreadsheet program as "
                f'"CSV UTF-8 (comma delimited)", or as an Excel workbook (.xlsx), and upload that.'
            )


class _Counter:
    """Counts a sheet's rows and cells as they are read, and stops at the first limit passed."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path, self.limits, self.cells = path, limits, 0

    def row(self, number: int, cells: list[str]) -> list[str]:
        """The row's cells without the empty ones at its end, once within the limits."""
        limits = self.limits
        if number > limits.max_rows + 1:
            raise self._error(f"it has more than {limits.max_rows:,} rows", "DOCKET_IMPORT_MAX_ROWS")
        self.cells += max(len(cells), 1)
        if self.cells > limits.max_cells:
            raise self._error(
                f"by row {number:,} it spans more than {limits.max_cells:,} cells", "DOCKET_IMPORT_MAX_CELLS"
            )
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > limits.max_columns:
            # A spreadsheet's columns end at XFD (16,384); a CSV line can hold more, which have no letter.
            where = (
                f"column {get_column_letter(len(cells))} (column {len(cells):,})"
                if len(cells) <= 16_384
                else f"column {len(cells):,}"
            )
            raise self._error(
                f"row {number:,} has a value in {where}, and Docket imports at most {limits.max_columns:,} columns",
                "DOCKET_IMPORT_MAX_COLUMNS",
            )
        return cells

    def _error(self, what: str, setting: str) -> SpreadsheetError:
        return SpreadsheetError(f"{self.path}: too large to import: {what} (the limit is the setting {setting})")


def _read_xlsx(path: Path, limits: Limits) -> tuple[list[str], list[tuple[int, list[str]]]]:
    _check_unzipped(path, limits)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise SpreadsheetError(f"{path}: not a readable XLSX workbook ({error})") from None
    counter = _Counter(path, limits)
    values: list[list[str]] = []
    try:
        # Read-only mode streams the sheet, padding each row to the sheet's width: the counter
        # stops a sheet that claims a far-away cell after a bounded number of them.
        for row in book.worksheets[0].iter_rows(values_only=True):
            values.append(counter.row(len(values) + 1, [_cell_text(cell) for cell in row]))
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged cell is found only as its row is read: a number cell holding "x"
        raise SpreadsheetError(
            f"{path}: not a readable XLSX workbook: row {len(values) + 1:,} could not be read ({error}). "
            "Open the file in your spreadsheet program, save it again as an Excel workbook (.xlsx) and upload that."
        ) from None
    finally:
        book.close()
    if not values:
        raise SpreadsheetError(f"{path}: the first sheet is empty")
    while values[0] and values[0][-1] == "":
        values[0].pop()
    return values[0], list(enumerate(values[1:], start=2))


def _check_unzipped(path: Path, limits: Limits) -> None:
    """Refuse a workbook whose parts unzip to more than the limit (zipfile reads no more of a
    part than its header says, so the headers' sum bounds what openpyxl can unzip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise SpreadsheetError(f"{path}: not a readable XLSX workbook ({error})") from None
    if total > limits.max_unzipped_bytes:
        raise SpreadsheetError(
            f"{path}: too large to import: it unpacks to {total // (1024 * 1024):,} MB, and Docket unpacks at "
            f"most {limits.max_unzipped_bytes // (1024 * 1024):,} MB (the setting DOCKET_READ_MAX_UNZIPPED_MB)"
        )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):  # a date cell: as a person would write it, its time only if it has one
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ", "minutes")
    return str(value)
