"""The evidence ledger in Chromium: items marked on the request page (published online with a URL,
refused with the body's reason, received as a page of an attachment), then the campaign's matrix,
the bulk confirmations and the public campaign table, which must agree with the matrix.

Screenshots go to test-artefacts/screenshots/ (and to $DOCKET_SHOTS when set, for a person to look at);
each page is checked with axe-core and for Content-Security-Policy refusals.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.publishing import actions as publishing
from docket.publishing.models import Publication
from docket.requests import actions
from docket.requests.actions import Actor
from tests import real_mail
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.web.conftest import person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SOMEONE = Actor("test")


def shot(page, name: str) -> None:
    extra = [Path(os.environ["DOCKET_SHOTS"])] if "DOCKET_SHOTS" in os.environ else []
    for folder in [REPO / "test-artefacts" / "screenshots", *extra]:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def record(page, item: str, status: str, **fields: str) -> None:
    """Open the item's "Record what the body did" and save a status, as a person would."""
    page.get_by_text(f"Record what the body did about the {item}").click()
    form = page.locator("details[open] form")
    form.get_by_label("Status").select_option(label=status)
    for label, value in fields.items():
        control = form.get_by_label(label.replace("_", " "), exact=False)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value=control.locator("option", has_text=value).first.get_attribute("value"))
        else:
            control.fill(value)
    form.get_by_role("button", name="Save the status").click()
    page.get_by_text(f"Recorded: {status.lower()}.").wait_for()


def matrix_counts(page, body: str) -> dict[str, int]:
    """The statuses of one body's row of the matrix, counted from what the page shows."""
    row = page.locator("#ledger-matrix tbody tr", has_text=body)
    statuses = [s.strip() for s in row.locator("td strong.govuk-tag").all_inner_texts()]
    return {status: statuses.count(status) for status in set(statuses)}


def test_items_marked_on_the_request_page_show_the_same_in_the_matrix_and_the_public_table(
    browser, live_server, example
):
    lane = sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    ingest(
        real_mail.reply_with_pdf(sender=lane.recipient.contact.email, to=reply_address(lane.pk)),
        InboundMessage.Source.UPLOAD,
    )
    publishing.publish(publishing.approve(publishing.letter_publication(lane), SOMEONE), SOMEONE)
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))

    page.goto(f"/requests/{lane.pk}/")
    shot(page, "ledger-request-before")
    record(page, "Problem Profile", "Published online", Web_address="https://hampshire-pcc.example/profile")
    record(page, "Response Strategy", "Refused", Reason_or_note="Exempt under section 31: it would prejudice policing.")
    assert page.locator("#request-state").inner_text() == "Partially answered"
    # Chasing it from the campaign page: asked first, and nothing goes on the day its letter went.
    page.goto(f"/campaigns/{example.slug}/")
    page.get_by_label("Select Hampshire Police and Crime Commissioner").check()
    page.get_by_role("button", name="Chase selected").click()
    page.get_by_text("The letter went today: a chaser can be sent from").wait_for()
    shot(page, "ledger-chase-confirmation")
    assert page.get_by_role("button", name="Send the chasers").count() == 0  # none can go: no button, and why
    page.get_by_text("This body cannot be chased now").wait_for()
    page.goto(f"/requests/{lane.pk}/")
    record(
        page,
        "updates regarding progress on delivery",
        "Received",
        The_attachment_that_is_it="VRU annual report.pdf",
        Page_it_starts_on="1",
    )
    assert page.locator("#request-state").inner_text() == "Answered"
    assert page.locator("#item-problem_profile").inner_text().startswith("Published online")
    assert "Exempt under section 31" in page.locator("#ledger-response_strategy").inner_text()
    page.locator("#ledger").scroll_into_view_if_needed()
    shot(page, "ledger-request-after")

    page.goto(f"/campaigns/{example.slug}/")
    page.get_by_role("link", name="Evidence ledger").click()
    body = "Hampshire Police and Crime Commissioner"
    counts = matrix_counts(page, body)
    assert counts == {"Published online": 1, "Refused": 1, "Received": 1}
    row = page.locator("#ledger-matrix tbody tr", has_text=body)
    assert row.get_by_role("link", name="https://hampshire-pcc.example/profile").count() == 1
    assert row.get_by_role("link", name=re.compile("VRU annual report.pdf, p. 1")).count() == 1
    shot(page, "ledger-matrix")

    # Bulk: publish the received document.
    page.get_by_label(re.compile(f"Select the updates regarding progress on delivery of {body}", re.IGNORECASE)).check()
    page.get_by_role("button", name="Publish the selected items").click()
    page.get_by_role("heading", name="Publish the selected items?").wait_for()
    shot(page, "ledger-publish-confirmation")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("1 published.").wait_for()
    assert Publication.objects.get(request=lane, kind="document").state == "published"

    page.goto("/")
    totals = page.locator(f"#ledger-{example.slug}").inner_text()
    assert "1 of 3 received" in totals
    assert "1 published online · 1 refused" in totals
    shot(page, "ledger-dashboard")

    page.goto(f"/public/{example.slug}/")
    public_row = page.locator(f"#public-ledger tr[data-body='{lane.recipient.contact.body.slug}']")
    assert public_row.locator("[data-column=received]").inner_text() == f"{counts['Received']} of 3"
    assert public_row.locator("[data-column=published_online]").inner_text() == str(counts["Published online"])
    assert public_row.locator("[data-column=refused]").inner_text() == str(counts["Refused"])
    assert public_row.locator("[data-column=awaited]").inner_text() == "None"
    assert "Answered" not in page.locator("#public-ledger").inner_text()
    shot(page, "ledger-public-table")
    CSP_REFUSALS.pop(page)
    page.context.close()


def test_an_upload_on_a_request_says_who_uploaded_it_and_an_empty_file_is_empty(
    browser, live_server, example, tmp_path
):
    lane = sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/requests/{lane.pk}/")
    zero = tmp_path / "zero.txt"
    zero.write_bytes(b"")
    page.locator("input[type=file][name=file]").set_input_files(str(zero))
    page.locator("#id_note").fill("posted to us")
    page.get_by_role("button", name="Upload").click()
    page.locator(".govuk-error-summary").get_by_text("zero.txt is empty: choose the file again, or another.").wait_for()
    shot(page, "request-upload-empty")
    notes = tmp_path / "notes.txt"
    notes.write_text("Our strategy, as you asked.", encoding="utf-8")
    page.locator("input[type=file][name=file]").set_input_files(str(notes))
    page.locator("#id_note").fill("posted to us")
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("notes.txt is added to this request.").wait_for()
    assert page.get_by_text("Uploaded by coordinator@office.example, received").is_visible()
    assert "unknown@invalid" not in page.content()
    shot(page, "request-uploaded-by")
