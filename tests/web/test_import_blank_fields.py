"""The campaign's import check warns of each row whose field the letter uses is blank, and still imports it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.campaigns.models import Recipient
from tests.factories import contact_row
from tests.web.conftest import Team, shown_file
from tests.web.test_directory_pages import csv_upload

pytestmark = pytest.mark.django_db


def test_a_blank_field_the_letter_uses_is_warned_of_not_refused(client, team: Team):
    client.force_login(team["editor"])
    url = reverse("web:import_recipients", args=[team["campaign"].slug])
    assert "fields.vru_work }}" in team["campaign"].template_source
    rows = [
        contact_row(1) | {"field:vru_work": "is doing things", "field:mention_annual_report": ""},
        contact_row(2) | {"field:vru_work": "is doing more", "field:mention_annual_report": "no"},
        contact_row(3, body="Kent PCC") | {"field:vru_work": "", "field:mention_annual_report": "yes"},
    ]
    client.post(url, {"file": csv_upload(rows, "people.csv")})
    shown = client.get(url).content.decode()
    assert "<title>Error:" not in shown
    assert "Import 3 rows" in shown
    assert "1 row leaves blank a field the letter uses." in shown
    assert (
        "Row 4 (Kent PCC): vru_work is blank, and the letter uses it: the letter cannot be made until it is "
        "filled in on the recipient&#x27;s page." in shown
    )
    assert "mention_annual_report is blank" not in shown  # the letter only compares it
    assert client.post(url, {"action": "import"} | shown_file(shown)).status_code == 302
    kent = Recipient.objects.get(campaign=team["campaign"], contact__body__name="Kent PCC")
    assert kent.fields["vru_work"] == ""
