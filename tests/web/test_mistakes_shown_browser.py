"""Pages changed after the testers' reports, in Chromium: each mistake told at the right place in words,
each warning where a person looks, on a desktop and on a phone (screenshots, axe-core)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from docket.campaigns.models import Campaign
from docket.documents.models import store
from docket.letters.template_limits import MAX_SOURCE
from docket.mail.models import InboundMessage
from docket.requests import actions
from tests.browser import axe_violations
from tests.factories import contact_row, write_csv
from tests.web.conftest import person, sent
from tests.web.test_browser import signed_in
from tests.web.test_letter_checks_browser import SHOTS, check

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_mistakes_and_warnings_where_a_person_looks(browser, live_server, example: Campaign, tmp_path):
    admin = person("admin@office.example", "admin")
    person("viewer@office.example", "viewer", example)
    page = signed_in(browser, live_server, admin)

    page.goto("/users/")
    page.get_by_label("Email", exact=True).fill("VIEWER@office.example")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator(".govuk-error-summary").get_by_text("There is already an account with this email address").wait_for()
    assert page.title().startswith("Error: ")
    check(page, "users-already-an-account")

    page.goto(f"/campaigns/{example.slug}/letter/")
    page.locator("#id_template_source").fill("Padding. " * (MAX_SOURCE // 9 + 10))
    page.get_by_role("button", name="Save the template").click()
    summary = page.locator(".govuk-error-summary")
    summary.get_by_text("The letter template must be 100,000 characters or fewer").wait_for()
    # The view, not the full page: the box holds 100,000 characters, and a full-page picture of it took
    # Chromium over 30 s on a busy machine.
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "editor-template-too-long.png"))
    assert axe_violations(page) == []

    Campaign.objects.filter(pk=example.pk).update(letter_date=timezone.localdate() + datetime.timedelta(days=8))
    rows = [contact_row(n) | {"field:vru_work": f"works {n}", "email": ""} for n in (1, 2)]
    page.goto(f"/campaigns/{example.slug}/recipients/import/")
    page.get_by_label("Recipients file").set_input_files(str(write_csv(tmp_path / "people.csv", rows)))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("2 rows give no email address.").wait_for()
    check(page, "import-recipients-no-email")
    page.goto(f"/campaigns/{example.slug}/")
    page.locator("#dated-ahead").wait_for()
    check(page, "campaign-dated-ahead")

    lane = sent(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    for number in range(55):
        raw = f"From: x@unknown.example\r\nSubject: Update {number}\r\n\r\nbody".encode()
        InboundMessage.objects.create(
            blob=store(raw), source="upload", subject=f"Update {number}", status="filed", request=lane
        )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/requests/{lane.pk}/")
    page.get_by_text("Messages 6 to 55 of 55, oldest first: the latest.").wait_for()
    page.get_by_role("link", name="Earlier messages").click()
    page.get_by_text("Messages 1 to 5 of 55").wait_for()
    check(page, "request-earlier-messages-phone")
