from pathlib import Path

import openpyxl
import pytest

from docket.directory.importing import import_contacts
from docket.directory.models import Body, Contact
from docket.importing import ImportFailed
from docket.spreadsheets import SpreadsheetError
from tests.factories import contact_row, write_csv

pytestmark = pytest.mark.django_db


def ten_rows(**bad: str) -> list[dict[str, str]]:
    rows = [contact_row(n) for n in range(1, 11)]
    rows[6] = rows[6] | bad  # spreadsheet row 8
    return rows


def snapshot() -> list[tuple[str, str, str]]:
    return list(Contact.objects.values_list("full_name", "email", "address_lines"))


def test_it_rejects_the_whole_file_when_one_row_is_bad(tmp_path: Path):
    import_contacts(write_csv(tmp_path / "before.csv", [contact_row(99)]))
    before = snapshot()
    path = write_csv(tmp_path / "contacts.csv", ten_rows(email="not-an-email"))
    with pytest.raises(ImportFailed) as failure:
        import_contacts(path)
    assert [(e.row, e.column) for e in failure.value.errors] == [(8, "email")]
    assert "row 8, column 'email'" in str(failure.value)
    assert snapshot() == before
    assert Body.objects.count() == 1


def test_it_imports_ten_and_reimporting_updates_instead_of_duplicating(tmp_path: Path):
    path = write_csv(tmp_path / "contacts.csv", ten_rows())
    report = import_contacts(path)
    assert (report.created, report.updated) == (10, 0)
    assert Contact.objects.count() == 10
    again = import_contacts(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    assert Contact.objects.count() == 10


def test_it_updates_a_changed_row_in_place(tmp_path: Path):
    import_contacts(write_csv(tmp_path / "a.csv", ten_rows()))
    rows = ten_rows()
    rows[0]["role"] = "Deputy"
    report = import_contacts(write_csv(tmp_path / "b.csv", rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 9)
    assert Contact.objects.get(email="person1@body1.example").role == "Deputy"


def test_it_skips_invalid_rows_when_asked(tmp_path: Path):
    path = write_csv(tmp_path / "contacts.csv", ten_rows(full_name=""))
    report = import_contacts(path, skip_invalid=True)
    assert report.created == 9
    assert [(e.row, e.column) for e in report.skipped] == [(8, "full_name")]
    assert Contact.objects.count() == 9


def test_it_names_unknown_and_missing_columns(tmp_path: Path):
    rows = [{k: v for k, v in contact_row(1).items() if k != "full_name"} | {"nickname": "x"}]
    with pytest.raises(ImportFailed) as failure:
        import_contacts(write_csv(tmp_path / "c.csv", rows))
    assert {(e.row, e.column) for e in failure.value.errors} == {(1, "full_name"), (1, "nickname")}


def test_headers_written_as_words_are_read_as_the_columns_they_name(tmp_path: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Body", "Body kind", " Full name ", "EMAIL", "Body-email", "Postcode"])
    sheet.append(["Gwynedd Council", "Council", "Carys Ellis", "carys@gwynedd.example", "post@gwynedd.example", "LL55"])
    book.save(tmp_path / "people.xlsx")
    import_contacts(tmp_path / "people.xlsx")
    contact = Contact.objects.select_related("body").get()
    assert (contact.full_name, contact.email, contact.postcode) == ("Carys Ellis", "carys@gwynedd.example", "LL55")
    assert (contact.body.name, contact.body.kind) == ("Gwynedd Council", "Council")
    assert contact.body.email == "post@gwynedd.example"


def test_it_reports_the_same_contact_twice_in_one_file(tmp_path: Path):
    rows = [contact_row(1), contact_row(2, email="PERSON1@body1.example")]
    with pytest.raises(ImportFailed) as failure:
        import_contacts(write_csv(tmp_path / "c.csv", rows))
    assert [(e.row, e.column) for e in failure.value.errors] == [(3, "email")]
    assert "already on row 2" in str(failure.value)


def test_it_reads_windows_1252_and_utf8_with_bom(tmp_path: Path):
    import_contacts(write_csv(tmp_path / "excel.csv", [contact_row(1, full_name="Zoë Brontë")], encoding="cp1252"))
    import_contacts(write_csv(tmp_path / "bom.csv", [contact_row(2, full_name="Siân Øyen")], encoding="utf-8-sig"))
    assert set(Contact.objects.values_list("full_name", flat=True)) == {"Zoë Brontë", "Siân Øyen"}


def test_it_reads_xlsx_and_keeps_address_lines(tmp_path: Path):
    book = openpyxl.Workbook()
    sheet = book.active
    row = contact_row(1, address="Arnot Hill House\nArnot Hill Park; Arnold", postcode="NG5 6LU")
    sheet.append(list(row))
    sheet.append(list(row.values()))
    book.save(tmp_path / "contacts.xlsx")
    import_contacts(tmp_path / "contacts.xlsx")
    contact = Contact.objects.get()
    assert contact.address == ["Arnot Hill House", "Arnot Hill Park", "Arnold"]
    assert list(contact.body.tags.values_list("name", flat=True)) == ["VRU area"]


def test_it_refuses_a_file_it_cannot_read(tmp_path: Path):
    (tmp_path / "contacts.txt").write_text("body,full_name\n")
    with pytest.raises(SpreadsheetError, match=r"use a \.csv or \.xlsx"):
        import_contacts(tmp_path / "contacts.txt")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(SpreadsheetError, match="not a readable XLSX"):
        import_contacts(tmp_path / "broken.xlsx")


def test_it_identifies_contacts_without_email_by_body_and_name(tmp_path: Path):
    path = write_csv(tmp_path / "c.csv", [contact_row(1, email=""), contact_row(2, email="")])
    import_contacts(path)
    import_contacts(path)
    assert Contact.objects.count() == 2


def test_a_nul_character_or_a_line_break_in_a_name_is_refused_with_its_cell(tmp_path: Path):
    rows = [
        contact_row(1, area="Hamp\x00shire"),
        contact_row(2, body="Body\n2"),
        contact_row(3, salutation="Dear\r\nX"),
        contact_row(4),
    ]
    with pytest.raises(ImportFailed) as failure:
        import_contacts(write_csv(tmp_path / "c.csv", rows))
    assert {(error.row, error.column) for error in failure.value.errors} == {
        (2, "area"),
        (3, "body"),
        (4, "salutation"),
    }
    assert Contact.objects.count() == 0


def test_it_lists_every_problem_of_every_row(tmp_path: Path):
    """A blank required cell does not hide the row's other problems (a bad email, a bad website)."""
    rows = [contact_row(n) for n in range(1, 4)]
    rows[0] |= {"full_name": "", "email": "not-an-email", "website": "nope"}
    rows[2] |= {"body": "", "email": "also bad"}
    with pytest.raises(ImportFailed) as failure:
        import_contacts(write_csv(tmp_path / "c.csv", rows))
    assert sorted((e.row, e.column) for e in failure.value.errors) == [
        (2, "email"),
        (2, "full_name"),
        (2, "website"),
        (4, "body"),
        (4, "email"),
    ]


def test_it_finds_a_contact_by_email_through_the_index():
    """On both databases: email__iexact (LIKE on SQLite, upper() on PostgreSQL) scanned every contact, once a row."""
    from docket.directory.importing import contacts_with_email

    plan = contacts_with_email("Person1@Body1.example").explain()
    assert "contact_email_unique" in plan


def test_a_new_body_reads_only_the_slugs_it_could_clash_with(tmp_path: Path):
    """Adding a body read every body's slug: an import of n bodies did n² work."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Body.objects.bulk_create(Body(name=f"Other {n}", slug=f"other-{n}") for n in range(50))
    with CaptureQueriesContext(connection) as queries:
        Body.objects.create(name="Hampshire PCC")
    slug_reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "directory_body"."slug"')]
    assert len(slug_reads) == 1
    assert "hampshire-pcc" in slug_reads[0]


def renamed(row: dict[str, str], old: str, new: str) -> dict[str, str]:
    return {new if key == old else key: value for key, value in row.items()}


@pytest.mark.parametrize("header", ["name", "Name", "contact name", "Contact-Name", "Person"])
def test_a_column_that_looks_like_full_name_is_named_in_the_refusal_to_be_renamed(tmp_path: Path, header: str):
    path = write_csv(tmp_path / "people.csv", [renamed(contact_row(1), "full_name", header)])
    with pytest.raises(ImportFailed) as failure:
        import_contacts(path)
    said = f'the file has no full_name column; its column "{header}" looks like it: rename it to full_name'
    assert [(e.row, e.column, e.reason) for e in failure.value.errors] == [(1, "full_name", said)]
    assert f"people.csv: row 1, column 'full_name': {said}" in str(failure.value)
    assert Contact.objects.count() == 0


def test_a_column_that_looks_like_body_is_named_too_and_an_unlike_one_is_unknown(tmp_path: Path):
    row = renamed(renamed(contact_row(1), "body", "Organisation"), "full_name", "Surname")
    with pytest.raises(ImportFailed) as failure:
        import_contacts(write_csv(tmp_path / "people.csv", [row]))
    reasons = {e.column: e.reason for e in failure.value.errors}
    assert reasons["body"] == 'the file has no body column; its column "Organisation" looks like it: rename it to body'
    assert reasons["full_name"] == "the file has no full_name column, and it is required"
    assert reasons["Surname"].startswith("unknown column; the columns are: body")
    assert "Organisation" not in reasons  # named once, by the missing column it looks like


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_csv_separated_by_semicolons_or_tabs_is_imported(tmp_path: Path, separator: str):
    """As Excel saves a CSV in many European locales: semicolons (the comma being the decimal mark)."""
    rows = [contact_row(n, address=f"{n} High Street, Town {n}", tags="VRU area; Police") for n in (1, 2)]
    report = import_contacts(write_csv(tmp_path / "people.csv", rows, delimiter=separator))
    assert report.created == 2
    contact = Contact.objects.select_related("body").get(email="person2@body2.example")
    assert (contact.full_name, contact.address_lines) == ("Person 2", "2 High Street, Town 2")
    assert sorted(contact.body.tags.values_list("name", flat=True)) == ["Police", "VRU area"]


def test_a_comma_separated_file_whose_cells_hold_semicolons_is_still_read_by_its_commas(tmp_path: Path):
    rows = [contact_row(1, tags="VRU area;Police", address="1 High Street;Town")]
    assert import_contacts(write_csv(tmp_path / "people.csv", rows)).created == 1
    assert Contact.objects.get().address_lines == "1 High Street\nTown"


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_header_read_as_one_column_holding_semicolons_or_tabs_is_explained(tmp_path: Path, separator: str, name: str):
    """The header quoted whole, as some exports write it: no separator splits it, so say what went wrong
    rather than "the file has no full_name column"."""
    path = tmp_path / "people.csv"
    header = separator.join(contact_row(1))
    path.write_text(f'"{header}"\n' + separator.join(contact_row(1).values()).replace("\n", " ") + "\n")
    with pytest.raises(SpreadsheetError) as refusal:
        import_contacts(path)
    assert str(refusal.value).startswith(f"The columns of {path} seem to be separated by {name}")
    assert "full_name" not in str(refusal.value)
