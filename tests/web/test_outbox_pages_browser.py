"""In Chromium (Playwright): an outbox of more messages than a page holds, paged, at desktop and phone width; a
message settled on the second page returns the person there. axe-core and the CSP on each page; screenshots in
test-artefacts/screenshots (as test_browser's)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from docket.mail.models import OutboxMessage, OutboxState
from docket.web.mail_pages import PAGE_SIZE, sending_through
from tests.web.conftest import person
from tests.web.test_browser import check, signed_in
from tests.web.test_mail_limits import chasers_claimed

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_outbox_is_paged_and_a_message_settled_on_page_two_returns_there(browser, live_server, example):
    chasers_claimed(example, PAGE_SIZE + 12, 0, timezone.now(), sending_through())
    cut_off = [row.pk for row in OutboxMessage.objects.order_by("-pk")[: PAGE_SIZE + 1]]  # listed first: 1 on page 2
    OutboxMessage.objects.filter(pk__in=cut_off).update(state=OutboxState.UNCERTAIN)
    total = PAGE_SIZE + 12
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto("/outbox/")
    assert page.locator("#outbox-caption").inner_text() == f"Messages 1 to {PAGE_SIZE} of {total}"
    assert page.locator("#outbox-caption + thead + tbody tr").count() == PAGE_SIZE
    assert "Chasers are waiting and no worker is running" in page.locator("#cannot-send").inner_text()
    assert page.locator(".govuk-pagination").inner_text().split("\n")[0] == "Page 1 of 2"
    check(page, "outbox-paged")

    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**/outbox/?page=2")
    assert page.locator("#outbox-caption").inner_text() == f"Messages {PAGE_SIZE + 1} to {total} of {total}"
    assert page.locator("#outbox-caption + thead + tbody tr").count() == 12
    assert page.get_by_role("button", name="It arrived at").count() == 1
    assert "Chasers are waiting and no worker is running" in page.locator("#cannot-send").inner_text()
    check(page, "outbox-paged-2")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the table scrolls in its region
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page, "outbox-paged-2-phone")

    page.get_by_role("button", name="It arrived at").click()
    page.get_by_text("Recorded as delivered.").wait_for()
    assert page.url.endswith("/outbox/?page=2")
    assert page.get_by_role("button", name="It arrived at").count() == 0
    assert page.locator("#outbox-caption").inner_text() == f"Messages {PAGE_SIZE + 1} to {total - 1} of {total - 1}"
    check(page, "outbox-paged-2-settled-phone")
