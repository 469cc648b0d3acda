"""After a check that found problems, the import pages offer the upload field again, name every column they
take, and do not show the old problems again when a person comes back later."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import contact_row, write_csv
from tests.web.conftest import Team

pytestmark = pytest.mark.django_db


def upload(client, url: str, path: Path) -> None:
    with path.open("rb") as handle:
        assert client.post(url, {"file": handle}).status_code == 302


@pytest.mark.parametrize("page", ["recipients", "directory"])
def test_a_file_of_wrong_columns_shows_the_upload_field_again_and_does_not_stick(
    client, team: Team, tmp_path, settings, page
):
    client.force_login(team["editor"])
    url = (
        reverse("web:import_recipients", args=[team["campaign"].slug])
        if page == "recipients"
        else reverse("web:directory_import")
    )
    upload(client, url, write_csv(tmp_path / "wrong.csv", [{"organisation": "X", "person": "Y"}]))
    shown = client.get(url).content.decode()
    assert "The columns of wrong.csv need changing" in shown
    assert 'name="file"' in shown  # the corrected file can be uploaded here
    assert '<a class="govuk-link" href="#id_file">upload it again</a>' in shown
    assert 'value="cancel"' not in shown  # nothing to cancel: the file is not kept
    later = client.get(url).content.decode()
    assert "wrong.csv" not in later
    assert "Check the file" in later
    assert list(Path(settings.DATA_DIR, "imports").iterdir()) == []


def test_a_check_with_good_rows_is_shown_once_then_starts_afresh(client, team: Team, tmp_path):
    client.force_login(team["editor"])
    url = reverse("web:directory_import")
    upload(client, url, write_csv(tmp_path / "mixed.csv", [contact_row(1), contact_row(2, email="not an email")]))
    shown = client.get(url).content.decode()
    assert "Import 1 row, skip 1" in shown
    assert 'name="file"' in shown
    assert "mixed.csv" not in client.get(url).content.decode()


def test_the_unknown_column_message_names_the_field_and_item_columns(client, team: Team, tmp_path):
    client.force_login(team["editor"])
    campaign = team["campaign"]
    url = reverse("web:import_recipients", args=[campaign.slug])
    upload(client, url, write_csv(tmp_path / "odd.csv", [contact_row(1) | {"colour": "blue"}]))
    shown = client.get(url).content.decode()
    assert "unknown column; the columns are: body" in shown.lower()
    assert "field:NAME for each field of the letter" in shown
    assert "item:KEY (ask, published or n/a), item:KEY:title and item:KEY:url" in shown
    for key in campaign.items.values_list("key", flat=True):
        assert key in shown


@pytest.mark.parametrize("page", ["recipients", "directory"])
def test_a_name_column_is_shown_as_the_full_name_column_to_rename(client, team: Team, tmp_path, page):
    client.force_login(team["editor"])
    url = (
        reverse("web:import_recipients", args=[team["campaign"].slug])
        if page == "recipients"
        else reverse("web:directory_import")
    )
    row = {("Name" if key == "full_name" else key): value for key, value in contact_row(1).items()}
    upload(client, url, write_csv(tmp_path / "people.csv", [row]))
    shown = client.get(url).content.decode()
    assert "The columns of people.csv need changing" in shown
    assert (
        "The file has no full_name column; its column &quot;Name&quot; looks like it: rename it to full_name" in shown
    )
    assert "unknown column" not in shown.lower()
