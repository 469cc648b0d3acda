"""Cells for the CSV files Docket writes, made safe to open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before reading one of those) is read by Excel, LibreOffice and
Google Sheets as a formula: a campaign title such as ``=HYPERLINK("http://…")`` would run
on the reader's machine. Such a cell is written with a leading apostrophe, which the
spreadsheet shows as text (OWASP's advice on CSV injection). Numbers are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as it may go into a CSV cell: text that a spreadsheet would run is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """Every cell of a row, made safe."""
    return [safe_cell(value) for value in values]
