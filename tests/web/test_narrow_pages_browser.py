"""In Chromium (Playwright), at desktop width and at phone width (390 px): the campaign's recipients show each one's
state and due date under the body's name on a phone (the State and Due columns are past the edge there); the
evidence ledger shows each request's reply-by date, marked overdue when past; "Find bodies" with nothing chosen
says what to choose. axe-core and the CSP on each page; screenshots in test-artefacts/screenshots."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from docket.requests.models import InfoRequest
from tests.web.conftest import Team, in_flight
from tests.web.test_browser import check, signed_in
from tests.web.test_phone_width_browser import PHONE, no_wider_than_a_phone

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
IN_VIEW = "e => e.getBoundingClientRect().right <= window.innerWidth && e.getBoundingClientRect().width > 0"


@pytest.fixture
def flight(team: Team):
    campaign = team["campaign"]
    names = ["Michael Lane", "Anthony Stansfeld", "Paddy Tipping"]
    flight = in_flight(campaign, [campaign.recipients.get(contact__full_name=name) for name in names])
    due = timezone.localdate() - datetime.timedelta(days=3)  # past, and the request still waits
    InfoRequest.objects.filter(pk=flight.sent.pk).update(due_date=due)
    return flight


def test_a_phone_sees_each_recipients_state_and_due_date(browser, live_server, team: Team, flight):
    page = signed_in(browser, live_server, team["coordinator"])
    due = timezone.localdate() - datetime.timedelta(days=3)
    page.goto(f"/campaigns/{team['campaign'].slug}/")
    row = page.locator("#recipients tbody tr", has_text=flight.sent.recipient.contact.body.name)
    stacked = row.locator("[data-narrow=state]")
    assert not stacked.is_visible()  # at desktop width the State and Due columns show them
    check(page, "campaign-recipients-desktop")
    no_wider_than_a_phone(page, "campaign-recipients")
    assert stacked.is_visible(), "the state and due date are not repeated under the body's name"
    assert stacked.evaluate(IN_VIEW), "the state and due date are past the phone's edge"
    text = stacked.inner_text()
    assert "overdue" in text, text
    assert f"Due {due:%-d %b %Y}" in text, text


def test_the_ledger_shows_each_requests_reply_by_date_and_whether_it_is_overdue(
    browser, live_server, team: Team, flight
):
    page = signed_in(browser, live_server, team["coordinator"])
    due = timezone.localdate() - datetime.timedelta(days=3)
    page.goto(f"/campaigns/{team['campaign'].slug}/ledger/")
    row = page.locator("#ledger-matrix tbody tr", has_text=flight.sent.recipient.contact.body.name)
    heading = row.locator("th")
    assert f"Reply due {due:%-d %b %Y} \N{EN DASH} overdue" in " ".join(heading.inner_text().split())
    check(page, "ledger-due-desktop")
    no_wider_than_a_phone(page, "ledger-due")
    assert row.get_by_text("Reply due").evaluate(IN_VIEW), "the reply-by date is past the phone's edge"


def test_find_bodies_with_nothing_chosen_says_what_to_choose(browser, live_server, team: Team):
    page = signed_in(browser, live_server, team["coordinator"])
    for size, name in [(DESKTOP, "add-recipients-nothing-chosen"), (PHONE, "add-recipients-nothing-chosen-phone")]:
        page.set_viewport_size(size)
        page.goto(f"/campaigns/{team['campaign'].slug}/recipients/add/")
        assert page.locator(".govuk-error-summary").count() == 0  # not before anyone asks
        page.get_by_role("button", name="Find bodies").click()
        summary = page.locator(".govuk-error-summary")
        summary.wait_for()
        message = "Type a body name, or choose a kind or a tag, to find bodies"
        assert message in summary.inner_text()
        assert message in page.locator("#q-error").inner_text()
        assert page.title().startswith("Error: ")
        check(page, name)
        summary.get_by_role("link", name=message).click()
        assert page.evaluate("document.activeElement.id") == "id_q"
