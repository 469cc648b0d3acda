"""Withdrawing a request in Chromium: a page that says what it stops and asks why, then the withdrawal.

Screenshots go to test-artefacts/screenshots/ (and $DOCKET_SHOTS); each page is checked with axe-core."""

from __future__ import annotations

import pytest

from docket.requests import actions
from docket.requests.models import InfoRequest
from tests.web.conftest import person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import signed_in
from tests.web.test_ledger_browser import shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_withdrawal_asks_why_first_in_the_browser(browser, live_server, example):
    lane = sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/requests/{lane.pk}/")
    page.get_by_role("button", name="Withdraw the request").click()
    page.locator(".govuk-error-summary").wait_for()  # no reason given yet: asked for, on the page that asks first
    shot(page, "withdraw-needs-a-reason")
    page.get_by_label("Why the request is withdrawn").fill("sent to the wrong body")
    page.get_by_role("button", name="Withdraw the request").click()
    page.get_by_text("The request is withdrawn.").wait_for()
    assert InfoRequest.objects.get(pk=lane.pk).state == "withdrawn"
