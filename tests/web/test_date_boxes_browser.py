"""The GOV.UK date input (day, month and year boxes) where an embargo or a search's dates are typed, in
Chromium: a wrong date is told in words beside the boxes, what was typed is kept, a right one is taken.

Screenshots go to test-artefacts/screenshots/ (and $DOCKET_SHOTS); each page is checked with axe-core."""

from __future__ import annotations

import datetime
import re

import pytest

from docket.publishing.models import Publication
from docket.requests import actions
from tests.web.conftest import person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import signed_in
from tests.web.test_ledger_browser import shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_embargo_and_search_dates_in_the_browser(browser, live_server, example):
    lane = sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))

    page.goto(f"/requests/{lane.pk}/")
    boxes = page.get_by_role("group", name="Not public before (optional)").first
    boxes.get_by_label("Day").fill("30")
    boxes.get_by_label("Month").fill("2")
    boxes.get_by_label("Year").fill("2031")
    boxes.locator("xpath=ancestor::form").get_by_role("button", name=re.compile("^Publish")).click()
    page.locator(".govuk-error-summary").wait_for()
    assert (
        "The embargo date must be a real date, for example 1 12 2026"
        in page.locator(".govuk-error-summary").inner_text()
    )
    shot(page, "date-boxes-request-error")
    boxes = page.get_by_role("group", name="Not public before (optional)").first
    boxes.get_by_label("Day").fill("28")
    boxes.get_by_label("Month").fill("2")
    boxes.get_by_label("Year").fill("2031")
    boxes.locator("xpath=ancestor::form").get_by_role("button", name=re.compile("^Publish")).click()
    page.wait_for_load_state()
    shot(page, "date-boxes-request")
    assert Publication.objects.get(request=lane, kind="letter").embargo_until == datetime.date(2031, 2, 28)
    shot(page, "date-boxes-request")

    card = page.locator("#embargo-letter-0")
    assert "Published, but not public before 28 February 2031" in card.inner_text()
    assert page.locator(".govuk-summary-card .govuk-tag", has_text="Embargoed").count() == 1

    page.goto(f"/campaigns/{example.slug}/ledger/")
    shot(page, "date-boxes-ledger")

    page.goto("/search/")
    page.get_by_label("Words to find").fill("strategy")
    page.locator("details summary").first.click()
    since = page.get_by_role("group", name="Sent or received from")
    since.get_by_label("Month").fill("13")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("The first date must include a day and a year").first.wait_for()
    assert page.get_by_role("group", name="Sent or received from").get_by_label("Month").input_value() == "13"
    shot(page, "date-boxes-search-error")
