"""Two tabs of one session on an import page: "Import N rows" imports the file its own page showed, or nothing;
a clean preview offers the upload field for a different file; header problems are named as the columns'."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.directory.models import Contact
from tests.factories import contact_row
from tests.web.conftest import Team, shown_file
from tests.web.test_directory_pages import csv_upload

pytestmark = pytest.mark.django_db


def page_url(page: str, team: Team) -> str:
    if page == "recipients":
        return reverse("web:import_recipients", args=[team["campaign"].slug])
    return reverse("web:directory_import")


def rows(page: str, numbers: list[int]) -> list[dict[str, str]]:
    extra = {"field:vru_work": "works"} if page == "recipients" else {}
    return [contact_row(n, full_name=f"Tab person {n}") | extra for n in numbers]


@pytest.mark.parametrize("page", ["recipients", "directory"])
def test_a_page_whose_file_another_tab_replaced_imports_nothing_and_says_so(client, team: Team, page):
    client.force_login(team["editor"])
    url = page_url(page, team)
    client.post(url, {"file": csv_upload(rows(page, [1]), "fileA.csv")})
    tab_a = client.get(url).content.decode()
    assert "Import 1 row" in tab_a
    client.post(url, {"file": csv_upload(rows(page, [2, 3]), "fileB.csv")})
    tab_b = client.get(url).content.decode()
    assert "Import 2 rows" in tab_b

    refused = client.post(url, {"action": "import"} | shown_file(tab_a))
    assert refused.status_code == 200
    shown = refused.content.decode()
    assert not Contact.objects.filter(full_name__startswith="Tab person").exists()
    summary = shown.split('class="govuk-error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Another upload replaced the file this page showed (fileA.csv). Nothing was imported." in summary
    assert "Check the file shown below (fileB.csv) and import it, or upload again." in summary
    assert "<title>Error:" in shown
    assert "Import 2 rows" in shown  # the current preview, fileB's
    assert "{#" not in shown  # no template comment shown as text

    done = client.post(url, {"action": "import"} | shown_file(shown))
    assert done.status_code == 302
    assert set(Contact.objects.filter(full_name__startswith="Tab person").values_list("full_name", flat=True)) == {
        "Tab person 2",
        "Tab person 3",
    }


@pytest.mark.parametrize("page", ["recipients", "directory"])
def test_cancel_on_a_replaced_page_keeps_the_other_tabs_file(client, team: Team, page):
    client.force_login(team["editor"])
    url = page_url(page, team)
    client.post(url, {"file": csv_upload(rows(page, [1]), "fileA.csv")})
    tab_a = client.get(url).content.decode()
    client.post(url, {"file": csv_upload(rows(page, [2, 3]), "fileB.csv")})
    tab_b = client.get(url).content.decode()
    assert (
        "(fileA.csv). Nothing was imported"
        in client.post(url, {"action": "cancel"} | shown_file(tab_a)).content.decode()
    )
    assert client.post(url, {"action": "import"} | shown_file(tab_b)).status_code == 302
    assert Contact.objects.filter(full_name__startswith="Tab person").count() == 2


@pytest.mark.parametrize("page", ["recipients", "directory"])
def test_a_clean_preview_offers_the_upload_field_for_a_different_file(client, team: Team, page):
    client.force_login(team["editor"])
    url = page_url(page, team)
    client.post(url, {"file": csv_upload(rows(page, [1]), "fileA.csv")})
    later = client.get(url).content.decode()
    assert "Import 1 row" in later
    assert "Or upload a different file" in later
    assert 'type="file"' in later
    client.post(url, {"file": csv_upload(rows(page, [2, 3]), "fileB.csv")})
    assert "Import 2 rows" in client.get(url).content.decode()


@pytest.mark.parametrize("page", ["recipients", "directory"])
def test_header_problems_are_named_in_the_summary_as_the_columns(client, team: Team, page):
    client.force_login(team["editor"])
    url = page_url(page, team)
    row = {("Name" if key == "full_name" else key): value for key, value in rows(page, [1])[0].items()}
    client.post(url, {"file": csv_upload([row], "people.csv")})
    shown = client.get(url).content.decode()
    summary = shown.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert "The columns of people.csv need changing" in summary
    assert (
        '<a href="#import-problems">The file has no full_name column; its column &quot;Name&quot; looks like it: '
        "rename it to full_name</a>" in summary
    )
    assert " in 1 row" not in shown
    assert 'id="import-problems"' in shown
    assert "{#" not in shown  # no template comment shown as text
