"""Both import pages read a CSV separated by semicolons (as Excel writes it in many European locales) or tabs,
and explain a header they cannot split instead of calling every column missing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from docket.directory.models import Contact
from tests.web.conftest import Team, shown_file
from tests.web.test_import_tabs import page_url, rows

pytestmark = pytest.mark.django_db


def upload(records: list[dict[str, str]], separator: str, name: str = "people.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]), delimiter=separator)
    writer.writeheader()
    writer.writerows(records)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


@pytest.mark.parametrize("separator", [";", "\t"])
@pytest.mark.parametrize("page", ["recipients", "directory"])
def test_a_file_separated_by_semicolons_or_tabs_is_previewed_and_imported(client, team: Team, page, separator):
    client.force_login(team["editor"])
    url = page_url(page, team)
    records = [row | {"address": f"{row['body']} House, High Street"} for row in rows(page, [1, 2])]
    client.post(url, {"file": upload(records, separator)})
    shown = client.get(url).content.decode()
    assert "Import 2 rows" in shown
    assert "no full_name column" not in shown
    assert client.post(url, {"action": "import"} | shown_file(shown)).status_code == 302
    imported = Contact.objects.filter(full_name__startswith="Tab person").order_by("full_name")
    assert [(c.full_name, c.address_lines) for c in imported] == [
        ("Tab person 1", "Body 1 House, High Street"),
        ("Tab person 2", "Body 2 House, High Street"),
    ]


@pytest.mark.parametrize("page", ["recipients", "directory"])
def test_a_header_that_cannot_be_split_is_explained_in_plain_english(client, team: Team, page):
    client.force_login(team["editor"])
    url = page_url(page, team)
    data = b'"body;full_name;email"\r\n"Kent PCC;Ann Bell;ann@kent.example"\r\n'
    client.post(url, {"file": SimpleUploadedFile("people.csv", data, content_type="text/csv")})
    shown = client.get(url).content.decode()
    assert "The columns of people.csv seem to be separated by semicolons" in shown
    assert "no full_name column" not in shown
    assert not Contact.objects.filter(full_name="Ann Bell").exists()
