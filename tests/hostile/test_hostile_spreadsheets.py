"""Spreadsheets built to exhaust memory on import: each is refused quickly with an error that
names the file and the limit. Before, a 5 kB workbook with one cell at XFD1048576 made
``docket import-contacts`` grow to 23.9 GB before the kernel killed it.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from docket.campaigns.importing import import_recipients
from docket.directory.importing import import_contacts
from docket.spreadsheets import SpreadsheetError, read_sheet
from tests.conftest import REPO
from tests.factories import contact_row, write_csv
from tests.isolated import migrated_sqlite
from tests.web.conftest import person

SECONDS = 10


def far_cell_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    for column, header in enumerate(contact_row(1), start=1):
        book.active.cell(1, column, header)
    book.worksheets[0]["XFD1048576"] = "far away"
    book.save(path)
    assert path.stat().st_size < 10_000
    return path


def test_import_contacts_refuses_a_cell_at_xfd1048576_by_name(tmp_path: Path):
    path = far_cell_workbook(tmp_path / "contacts.xlsx")
    environment = os.environ | {
        "DOCKET_DATA_DIR": str(tmp_path),
        "DOCKET_DATABASE_URL": f"sqlite:///{tmp_path / 'docket.sqlite3'}",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    docket = str(REPO / ".venv" / "bin" / "docket")
    migrated_sqlite(tmp_path / "docket.sqlite3")
    init = subprocess.run([docket, "init", "--no-input"], env=environment, capture_output=True, check=False)
    assert init.returncode == 0
    start = time.monotonic()
    result = subprocess.run(
        [docket, "import-contacts", str(path)], env=environment, capture_output=True, text=True, timeout=60, check=False
    )
    assert time.monotonic() - start < SECONDS
    assert result.returncode == 1
    assert f"{path}: too large to import" in result.stderr
    assert "DOCKET_IMPORT_MAX_CELLS" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_import_recipients_refuses_a_cell_at_xfd1048576(tmp_path: Path, example):
    path = far_cell_workbook(tmp_path / "recipients.xlsx")
    start = time.monotonic()
    with pytest.raises(SpreadsheetError, match=r"too large to import: by row .* more than 2,000,000 cells"):
        import_recipients(example, path)
    assert time.monotonic() - start < SECONDS


def test_a_workbook_whose_shared_strings_unzip_to_120_mb_is_refused(tmp_path: Path):
    path = tmp_path / "contacts.xlsx"
    book = openpyxl.Workbook()
    book.worksheets[0]["A1"] = "full_name"
    book.save(path)
    original = path.read_bytes()
    rewritten = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    with zipfile.ZipFile(io.BytesIO(original)) as source, rewritten as out:
        for entry in source.infolist():
            out.writestr(entry.filename, source.read(entry))
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            block = b"<si><t>full_name</t></si>" * 40_000
            for _ in range(120 * 1024 * 1024 // len(block)):
                member.write(block)
            member.write(b"</sst>")
    assert path.stat().st_size < 2 * 1024 * 1024
    start = time.monotonic()
    with pytest.raises(SpreadsheetError, match=r"too large to import: it unpacks to 1.. MB.*at most 100 MB"):
        read_sheet(path)
    assert time.monotonic() - start < SECONDS


@pytest.mark.django_db
def test_rows_and_columns_past_the_limits_are_refused_by_name(tmp_path: Path, settings):
    settings.DOCKET_IMPORT_MAX_ROWS = 5
    rows = write_csv(tmp_path / "rows.csv", [contact_row(n) for n in range(1, 7)])
    with pytest.raises(SpreadsheetError, match=r"rows.csv: too large to import: it has more than 5 rows .*MAX_ROWS"):
        import_contacts(rows)
    settings.DOCKET_IMPORT_MAX_ROWS = 100
    wide = tmp_path / "wide.csv"
    wide.write_text("full_name\nAda" + "," * 200 + "x\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match=r"row 2 has a value in column GS \(column 201\).*at most 200 columns"):
        import_contacts(wide)
    assert len(read_sheet(write_csv(tmp_path / "ok.csv", [contact_row(n) for n in range(1, 5)])).rows) == 4


def test_a_date_cell_reads_as_a_person_writes_the_date(tmp_path: Path):
    import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["full_name", "sent"])
    sheet.append([datetime.datetime(2026, 1, 1), datetime.datetime(2026, 1, 2, 9, 30)])  # noqa: DTZ001 - as Excel holds them
    path = tmp_path / "dates.xlsx"
    book.save(path)
    row = read_sheet(path).rows[0]
    assert list(row.values.values()) == ["2026-01-01", "2026-01-02 09:30"]


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "this is not a CSV file: it is a PNG picture"),
        (
            b"PK\x03\x04" + b"\x00" * 40,
            "it is an Excel workbook or a ZIP file (if it is a workbook, upload it as .xlsx)",
        ),
        (b"%PDF-1.7\n%\xe2\xe3", "it is a PDF"),
        ("full_name,email\n".encode("utf-16"), 'save it as "CSV UTF-8" and upload that'),
    ],
)
def test_a_file_named_csv_that_is_not_one_is_refused_saying_what_it_is(tmp_path: Path, start: bytes, words: str):
    path = tmp_path / "recipients.csv"
    path.write_bytes(start)
    with pytest.raises(SpreadsheetError) as refused:
        read_sheet(path)
    assert words in str(refused.value)
    assert str(path) in str(refused.value)  # names the file


@pytest.mark.parametrize("piece", ['"a,', ',"', "a;\t", '"'])
def test_a_long_header_built_against_the_separator_search_is_read_quickly(tmp_path: Path, piece: str):
    """The header line decides the separator; one of 100,000 characters of quotes and separators took
    csv.Sniffer 30 to 80 seconds. It is read (or refused) in proportion to its length."""
    path = tmp_path / "contacts.csv"
    path.write_text((piece * 40_000)[:100_000] + "\nx\n", encoding="utf-8")
    start = time.monotonic()
    with contextlib.suppress(SpreadsheetError):  # too many columns, or one that is no header: said at once
        read_sheet(path)
    assert time.monotonic() - start < SECONDS


def workbook_with_a_bad_number(path: Path) -> Path:
    """A workbook whose row 3 has a number cell holding "notanumber": openpyxl raises ValueError as it reads it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(contact_row(1)))
    sheet.append(list(contact_row(1).values()))
    sheet.append([*list(contact_row(2).values())[:-1], 12345])
    book.save(path)
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b"<v>12345</v>") == 1
                data = data.replace(b"<v>12345</v>", b"<v>notanumber</v>")
            out.writestr(entry, data)
    return path


def test_a_number_cell_that_holds_no_number_is_refused_naming_the_file_and_row(tmp_path: Path):
    path = workbook_with_a_bad_number(tmp_path / "contacts.xlsx")
    with pytest.raises(SpreadsheetError) as refused:
        read_sheet(path)
    assert f"{path}: not a readable XLSX workbook: row 3 could not be read" in str(refused.value)
    assert "notanumber" in str(refused.value)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["web:directory_import", "web:import_recipients"])
def test_an_unreadable_workbook_is_named_on_the_import_page_and_then_forgotten(
    client, example, tmp_path: Path, settings, page: str
):
    client.force_login(person("editor@office.example", "admin", example))
    url = reverse(page, args=[example.slug] if page == "web:import_recipients" else [])
    with workbook_with_a_bad_number(tmp_path / "My contacts.xlsx").open("rb") as handle:
        uploaded = client.post(url, {"file": handle})
    assert uploaded.status_code == 302
    shown = client.get(url)
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "My contacts.xlsx: not a readable XLSX workbook: row 3 could not be read" in text
    assert "govuk-error-summary" in text
    assert "/imports/" not in text
    assert list(Path(settings.DATA_DIR, "imports").iterdir()) == []
    again = client.get(url)  # the file is no longer kept: the page offers the upload again
    assert again.status_code == 200
    assert "could not be read" not in again.content.decode()
