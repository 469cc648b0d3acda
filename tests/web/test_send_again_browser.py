"""A bounced letter sent again in Chromium: the page explains the bounce, a first try to the same address is
refused in an error summary, and once the directory has the corrected address the letter goes again.

Screenshots go to test-artefacts/screenshots/ (and $DOCKET_SHOTS); each page is checked with axe-core."""

from __future__ import annotations

import pytest

from docket.mail.models import OutboxMessage
from docket.requests import actions
from tests.web.conftest import person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import signed_in
from tests.web.test_ledger_browser import shot
from tests.web.test_send_again import NEW, bounce, correct

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_bounced_letter_is_sent_again_in_the_browser(browser, live_server, example):
    lane = bounce(sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))))
    old = lane.outbox.get().envelope_to
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/requests/{lane.pk}/")
    page.get_by_text(f"The letter bounced from {old}").wait_for()
    page.get_by_role("button", name="Send the letter again").click()
    page.locator(".govuk-error-summary").get_by_text("The address is still the one the letter bounced from").wait_for()
    shot(page, "send-again-refused")
    correct(lane)
    page.get_by_role("button", name="Send the letter again").click()
    page.get_by_text(f"The letter is in the outbox again, to {NEW}.").wait_for()
    shot(page, "send-again-done")
    assert list(OutboxMessage.objects.filter(request=lane).order_by("pk").values_list("envelope_to", flat=True)) == [
        old,
        NEW,
    ]
