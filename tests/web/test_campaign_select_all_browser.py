"""In Chromium (Playwright): every recipient of a campaign of one page approved and sent at once, through the
page that says how many letters that is, at desktop and phone width. axe-core and the CSP on each page;
screenshots in test-artefacts/screenshots (as test_browser's)."""

from __future__ import annotations

import pytest

from tests.web.conftest import person
from tests.web.test_browser import check, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_every_recipient_is_sent_to_at_once_after_a_page_that_says_how_many(browser, live_server, example):
    count = example.recipients.count()
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/campaigns/{example.slug}/")
    page.get_by_label(f"All {count} recipients, not only those ticked").check()
    page.get_by_role("button", name="Approve and send selected").click()
    assert page.locator("#confirm-heading").inner_text() == f"Approve and send {count} letters?"
    assert page.locator("#confirm-count").inner_text().startswith(f"This campaign has {count} recipients.")
    check(page, "campaign-everyone-confirm")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page, "campaign-everyone-confirm-phone")
    page.get_by_role("button", name=f"Yes, approve and send {count} letters").click()
    page.wait_for_url("**/jobs/**")
    assert f"of {count} letters" in page.locator("#job-count").inner_text()
