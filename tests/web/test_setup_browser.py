"""Setting up in a real browser (Debian's Chromium, Playwright): the directory, its import with a
preview, a body's page and form, a new campaign (a copy) and its settings; axe-core and the CSP on each."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from docket.campaigns.models import Campaign
from docket.directory.models import Contact
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.factories import contact_row, write_csv
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_SETUP_SHOTS", REPO / "test-artefacts" / "screenshots"))


def check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_a_team_sets_up_a_campaign_in_the_browser(browser, live_server, example, tmp_path: Path):
    admin = person("admin@office.example", "admin")
    page = signed_in(browser, live_server, admin)
    page.get_by_role("link", name="Directory").click()
    check(page, "directory")

    rows = [contact_row(n, tags="Knife crime") for n in range(1, 4)]
    rows[1] |= {"full_name": "", "email": "not-an-email"}
    page.get_by_role("link", name="Import contacts from a file").click()
    check(page, "directory-import")
    page.get_by_label("Contacts file").set_input_files(str(write_csv(tmp_path / "contacts.csv", rows)))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("2 problems in 1 row").wait_for()
    check(page, "directory-import-problems")
    assert not Contact.objects.filter(email="person1@body1.example").exists()
    rows[1] |= {"full_name": "Person 2", "email": "person2@body2.example"}
    page.goto("/directory/import/")  # a failed check is shown once: coming back starts afresh
    page.get_by_label("Contacts file").set_input_files(str(write_csv(tmp_path / "fixed.csv", rows)))
    page.get_by_role("button", name="Check the file").click()
    check(page, "directory-import-preview")
    page.get_by_role("button", name="Import 3 rows").click()
    page.get_by_text("3 created").wait_for()
    assert Contact.objects.filter(body__tags__name="Knife crime").count() == 3

    page.get_by_label("Tag").select_option("Knife crime")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Body 2").click()
    check(page, "body")
    page.get_by_role("link", name="Edit Body 2").click()
    page.get_by_label("Website").fill("not a web address")
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-error-summary").wait_for()
    check(page, "body-form-error")

    page.goto("/")
    page.get_by_role("link", name="Start a new campaign").click()
    page.get_by_label("Start from").select_option(example.slug)
    page.get_by_role("button", name="Use this").click()
    page.get_by_label("Title").fill("Knife crime 2027")
    check(page, "new-campaign")
    page.get_by_role("button", name="Create the campaign").click()
    made = Campaign.objects.get(slug="knife-crime-2027")
    assert made.references.count() == example.references.count()
    assert made.letter_date == example.letter_date
    assert made.team.filter(pk=admin.pk).exists()

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Response working days").fill("-1")
    page.get_by_role("button", name="Save settings").click()
    page.locator(".govuk-error-summary").wait_for()
    check(page, "campaign-settings-error")
    page.context.close()


def test_the_lock_out_page_looks_like_the_workspace(browser, live_server, example):
    from django.conf import settings

    user = person("someone@office.example", "viewer", example)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Signing in is locked for 1 hour").wait_for()
    check(page, "locked-out")
    context.close()
