"""The directory in the workspace: search, a body's page, add/edit/retire, and import with a preview."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from docket.directory import actions
from docket.directory.models import Body, Contact, Tag
from tests.factories import contact_row
from tests.web.conftest import InFlight, Team, shown_file

pytestmark = pytest.mark.django_db


def csv_upload(rows: list[dict[str, str]], name: str = "contacts.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def test_it_searches_filters_and_pages_the_bodies(client, team: Team):
    tag = Tag.objects.create(name="Wales")
    for number in range(60):
        made = Body.objects.create(name=f"Zed council {number:02}", kind="Council")
        if number < 3:
            made.tags.add(tag)
    client.force_login(team["viewer"])
    first = client.get(reverse("web:directory"), {"q": "zed"}).content.decode()
    assert "60 bodies" in first
    assert "Zed council 49" in first
    assert "Zed council 50" not in first
    second = client.get(reverse("web:directory"), {"q": "zed", "page": "2"}).content.decode()
    assert "Zed council 50" in second
    assert "Zed council 49" not in second
    tagged = client.get(reverse("web:directory"), {"tag": "Wales", "kind": "Council"}).content.decode()
    assert "3 bodies" in tagged


def test_searching_a_persons_name_or_email_finds_their_body(client, team: Team):
    council = Body.objects.create(name="Gwynedd Council", kind="Council")
    Contact.objects.create(body=council, full_name="Carys Ellis", email="carys.ellis@gwynedd.example")
    client.force_login(team["viewer"])
    for words in ("carys", "Ellis", "ellis@gwynedd"):
        page = client.get(reverse("web:directory"), {"q": words}).content.decode()
        assert "1 body" in page, words
        assert "Gwynedd Council" in page, words


def test_a_bodys_page_lists_requests_only_from_campaigns_one_can_see(client, team: Team, two_campaigns):
    ours: InFlight = two_campaigns["ours"]
    body = ours.sent.recipient.contact.body
    url = reverse("web:body", args=[body.slug])
    client.force_login(team["viewer"])
    page = client.get(url).content.decode()
    assert ours.sent.recipient.contact.full_name in page
    assert reverse("web:request", args=[ours.sent.pk]) in page
    client.force_login(team["outsider"])
    assert reverse("web:request", args=[ours.sent.pk]) not in client.get(url).content.decode()


def test_an_editor_adds_a_body_with_a_new_tag_and_a_contact(client, team: Team):
    client.force_login(team["editor"])
    response = client.post(reverse("web:body_new"), {"name": "Gwent PCC", "kind": "PCC", "new_tags": "Wales; VRU"})
    body = Body.objects.get(name="Gwent PCC")
    assert response["Location"] == reverse("web:body", args=[body.slug])
    assert sorted(body.tags.values_list("name", flat=True)) == ["VRU", "Wales"]
    client.post(reverse("web:contact_new", args=[body.slug]), {"full_name": "Jane Mudd", "email": "jane@gwent.example"})
    assert body.contacts.get().email == "jane@gwent.example"


def test_a_bad_body_shows_an_error_summary_and_saves_nothing(client, team: Team):
    client.force_login(team["editor"])
    response = client.post(reverse("web:body_new"), {"name": "Two\nlines", "website": "not a url"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "This must be one line" in page
    assert "in the correct format, like https://www.example.org/page" in page
    assert not Body.objects.filter(name__startswith="Two").exists()


def test_a_bodys_switchboard_and_mailbox_are_saved_and_shown_with_what_they_are(client, team: Team):
    client.force_login(team["editor"])
    fields = {"name": "Gwent PCC", "phone": "01633 642200", "email": "commissioner@gwent.example"}
    response = client.post(reverse("web:body_new"), fields)
    body = Body.objects.get(name="Gwent PCC")
    assert (body.phone, body.email) == ("01633 642200", "commissioner@gwent.example")
    page = client.get(response["Location"]).content.decode()
    assert "01633 642200" in page
    assert "mailto:commissioner@gwent.example" in page
    assert "never redacted" in page
    form = client.get(reverse("web:body_edit", args=[body.slug])).content.decode()
    assert "not a person&#x27;s number" in form
    assert 'value="01633 642200"' in form


def test_a_bad_body_email_is_named_at_its_field_and_nothing_is_saved(client, team: Team):
    body = Body.objects.create(name="Gwent PCC", email="old@gwent.example")
    client.force_login(team["editor"])
    response = client.post(reverse("web:body_edit", args=[body.slug]), {"name": "Gwent PCC", "email": "foi at gwent"})
    page = response.content.decode()
    assert response.status_code == 200
    wrong = "Enter a general email address in the correct format, like name@example.com"
    assert f'<a href="#id_email">{wrong}</a>' in page  # the message names the field: not named twice
    at_field = page.split('<label class="govuk-label" for="id_email">')[1].split('id="id_email"')[0]
    assert "Enter a general email address in the correct format" in at_field
    body.refresh_from_db()
    assert body.email == "old@gwent.example"


def test_retiring_hides_a_body_from_the_list_and_from_new_recipients(client, team: Team):
    body = Body.objects.create(name="Abolished authority")
    contact = Contact.objects.create(body=body, full_name="Gone Person", email="gone@abolished.example")
    client.force_login(team["editor"])
    assert client.post(reverse("web:body_retire", args=[body.slug])).status_code == 403
    client.force_login(team["admin"])
    client.post(reverse("web:body_retire", args=[body.slug]), {"action": "retire"})
    link = f'href="{reverse("web:body", args=[body.slug])}"'
    assert link not in client.get(reverse("web:directory")).content.decode()
    assert link in client.get(reverse("web:directory"), {"retired": "on"}).content.decode()
    assert contact not in actions.addable()
    client.post(reverse("web:body_retire", args=[body.slug]), {"action": "restore"})
    assert contact in actions.addable()


def test_an_import_shows_every_problem_and_writes_nothing_until_confirmed(client, team: Team, settings):
    client.force_login(team["editor"])
    url = reverse("web:directory_import")
    rows = [contact_row(n) for n in range(1, 4)]
    rows[1] |= {"full_name": "", "email": "not-an-email"}
    before = Contact.objects.count()
    response = client.post(url, {"file": csv_upload(rows)})
    page = client.get(response["Location"]).content.decode()
    assert "2 problems in 1 row" in page
    assert "full_name" in page
    assert "Enter a valid email address" in page
    assert "Import 2 rows, skip 1" in page
    assert Contact.objects.count() == before
    rows[1] |= {"full_name": "Person 2", "email": "person2@body2.example"}
    client.post(url, {"file": csv_upload(rows)})
    assert "Import 3 rows" in client.get(url).content.decode()
    assert Contact.objects.count() == before
    done = client.post(url, {"action": "import"} | shown_file(client.get(url).content.decode()))
    assert done["Location"] == reverse("web:directory")
    assert Contact.objects.count() == before + 3
    assert list(Path(settings.DATA_DIR, "imports").iterdir()) == []


def test_cancelling_an_import_writes_nothing_and_forgets_the_file(client, team: Team, settings):
    client.force_login(team["editor"])
    url = reverse("web:directory_import")
    client.post(url, {"file": csv_upload([contact_row(7)])})
    client.post(url, {"action": "cancel"} | shown_file(client.get(url).content.decode()))
    assert not Contact.objects.filter(full_name="Person 7").exists()
    assert list(Path(settings.DATA_DIR, "imports").iterdir()) == []
    again = client.post(url, {"action": "import"})
    assert not Contact.objects.filter(full_name="Person 7").exists()
    assert again.status_code == 302


def test_a_file_that_is_not_a_spreadsheet_is_named_in_the_error(client, team: Team):
    client.force_login(team["editor"])
    url = reverse("web:directory_import")
    page = client.post(url, {"file": SimpleUploadedFile("notes.txt", b"hello")}).content.decode()
    assert "notes.txt is not a CSV or Excel (.xlsx) file" in page
    broken = client.post(url, {"file": SimpleUploadedFile("broken.xlsx", b"not a zip")})
    shown = client.get(broken["Location"]).content.decode()
    assert "broken.xlsx" in shown
    assert "govuk-error-summary" in shown
    assert "/imports/" not in shown


def test_an_upload_left_at_its_preview_is_removed_after_a_day(client, team: Team, settings):
    import os
    import time

    client.force_login(team["editor"])
    url = reverse("web:directory_import")
    client.post(url, {"file": csv_upload([contact_row(8)])})
    (left,) = Path(settings.DATA_DIR, "imports").iterdir()
    a_day_ago = time.time() - 24 * 3600 - 60
    os.utime(left, (a_day_ago, a_day_ago))
    client.force_login(team["coordinator"])  # someone else, another session
    client.post(url, {"file": csv_upload([contact_row(9)])})
    assert not left.exists()
    assert len(list(Path(settings.DATA_DIR, "imports").iterdir())) == 1
