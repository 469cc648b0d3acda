"""In Chromium (Playwright): the dashboard, a campaign's activity, a request, the letter and the requested items
at phone width (390 px), with a long email address, a long URL and a long message id in them: none scrolls
sideways, each wide table scrolls in a labelled region of its own. axe-core and the CSP on each page;
screenshots in test-artefacts/screenshots (as test_browser's)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from docket.campaigns.models import Reference
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.events import EventKind
from docket.requests.models import InfoRequest
from tests.web.conftest import SOMEONE, Team, in_flight
from tests.web.test_browser import check, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG_EMAIL = "freedom.of.information.requests.and.enquiries@hampshire-police-and-crime-commissioner.example"
LONG_URL = "https://www.hampshire-pcc.example/publications/violence-reduction-unit/response-strategy-2020-final-v3.pdf"
LONG_MESSAGE_ID = "<CAF3q9x0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z6@mail.hampshire-pcc.example>"

# The elements wider than the window, named (for the assertion's message: what to fix).
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => !e.closest('.docket-table-scroll') && !e.closest('.govuk-visually-hidden'))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.')
        + ' ' + Math.round(e.getBoundingClientRect().right))"""


def no_wider_than_a_phone(page, name: str) -> None:
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow} px too wide: {page.evaluate(TOO_WIDE)[:12]}"
    check(page, f"{name}-phone")


def test_the_pages_a_tester_found_too_wide_fit_a_phone(browser, live_server, team: Team):
    campaign = team["campaign"]
    names = ["Michael Lane", "Anthony Stansfeld", "Paddy Tipping"]
    recipients = [campaign.recipients.get(contact__full_name=name) for name in names]
    contact = recipients[1].contact  # the sent request's: its letter went to the long address
    contact.email = LONG_EMAIL
    contact.save()
    Reference.objects.create(
        campaign=campaign,
        key="hampshire_response_strategy_2020",
        author="Hampshire PCC",
        title="A strategy",
        url=LONG_URL,
    )
    flight = in_flight(campaign, recipients)
    InboundMessage.objects.filter(pk=flight.reply.pk).update(
        from_address=LONG_EMAIL, message_id=LONG_MESSAGE_ID, body_text=f"Our strategy is published at {LONG_URL}"
    )
    InfoRequest.objects.filter(pk=flight.sent.pk).update(sent_at=timezone.now() - datetime.timedelta(days=14))
    actions.record_event(
        flight.sent,
        EventKind.RECORD_ACKNOWLEDGEMENT,
        SOMEONE,
        f"Replied from {LONG_EMAIL}: {LONG_URL} {LONG_MESSAGE_ID}",
    )
    page = signed_in(browser, live_server, team["coordinator"])
    slug = campaign.slug

    page.goto("/")
    assert page.get_by_role("region", name="Your campaigns and where their requests stand").count() == 1
    responses = page.locator(f"#curve-{slug}").inner_text()
    check(page, "dashboard-responses")
    assert responses.startswith("1 of 1 body replied\n2 replies and 2 documents received so far"), responses
    chart = page.locator(f"#curve-{slug} img").get_attribute("alt")
    assert "2 replies and 2 documents by working day 10." in chart, chart  # the numbers, in words too
    no_wider_than_a_phone(page, "dashboard")

    page.goto(f"/campaigns/{slug}/activity/")
    assert page.get_by_role("region", name=page.locator("#activity-caption").inner_text()).count() == 1
    no_wider_than_a_phone(page, "activity")

    page.goto(f"/requests/{flight.sent.pk}/")
    assert page.get_by_role("region", name="What was asked for, and what the body did about each item").count() == 1
    no_wider_than_a_phone(page, "request")

    page.goto(f"/campaigns/{slug}/letter/")
    no_wider_than_a_phone(page, "letter")

    page.goto(f"/campaigns/{slug}/items/")
    assert page.get_by_role("region", name=page.locator("#items-caption").inner_text()).count() == 1
    no_wider_than_a_phone(page, "items")


# The words of the ledger's body names that are split over two lines (each word measured as a range of its text).
SPLIT_WORDS = """() => {
    const split = [];
    for (const cell of document.querySelectorAll('th.docket-name-cell label')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.textContent.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                if (range.getClientRects().length > 1) split.push(match[0]);
            }
        }
    }
    return split;
}"""


def test_a_bodys_page_and_the_ledger_fit_a_phone_and_keep_names_whole(browser, live_server, team: Team):
    """A third tester's findings: a body's directory page was 552 px wide at 390 px (its contacts' table, with a
    long address), and the ledger broke bodies' names mid-word ("Commission/er") to squeeze its table."""
    campaign = team["campaign"]
    recipient = campaign.recipients.get(contact__full_name="Anthony Stansfeld")
    contact = recipient.contact
    contact.email = LONG_EMAIL
    contact.save()
    names = ["Michael Lane", "Anthony Stansfeld", "Paddy Tipping"]
    in_flight(campaign, [campaign.recipients.get(contact__full_name=name) for name in names])
    page = signed_in(browser, live_server, team["coordinator"])

    page.goto(f"/directory/{contact.body.slug}/")
    assert page.get_by_role("region", name="Contacts").count() == 1
    no_wider_than_a_phone(page, "directory-body")

    page.goto(f"/campaigns/{campaign.slug}/ledger/")
    page.set_viewport_size(PHONE)
    assert page.locator("th.docket-name-cell").count() >= 3
    assert page.evaluate(SPLIT_WORDS) == []
    no_wider_than_a_phone(page, "ledger")
