"""In Chromium: chasing from a request page asks first and shows the chaser; a refusal needs the body's
reason and asks first; reopening keeps what the replies say; a broken chaser template is refused on
Settings; a document uploaded without a note is refused; a template's syntax mistake names its line.

Screenshots go to test-artefacts/screenshots/ (and to $DOCKET_SHOTS); each page is checked with axe-core.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage, OutboxMessage
from docket.requests import actions
from docket.requests.models import InfoRequest
from tests import real_mail
from tests.web.conftest import person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import signed_in
from tests.web.test_ledger_browser import shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_chasing_refusing_and_reopening_a_request_in_the_browser(browser, live_server, example):
    lane = sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))

    page.goto(f"/requests/{lane.pk}/")
    page.get_by_role("button", name="Send a chaser now").click()
    page.get_by_text("No chaser was sent. The letter went today: a chaser can be sent from").wait_for()
    shot(page, "chase-refused-same-day")

    went = timezone.now() - datetime.timedelta(days=40)
    InfoRequest.objects.filter(pk=lane.pk).update(
        sent_at=went, due_date=timezone.localdate() - datetime.timedelta(days=10)
    )
    OutboxMessage.objects.filter(request=lane).update(sent_at=went)
    ingest(
        real_mail.reply_with_pdf(sender=lane.recipient.contact.email, to=reply_address(lane.pk)),
        InboundMessage.Source.UPLOAD,
    )
    page.goto(f"/requests/{lane.pk}/")
    assert page.locator("#request-state").inner_text() == "Reply received"
    page.get_by_role("button", name="Send a chaser now").click()
    page.get_by_role("heading", name="Send a chaser to Hampshire Police and Crime Commissioner?").wait_for()
    assert "Thank you for your reply. I have not yet received your" in page.locator("#chaser-text").inner_text()
    shot(page, "chase-confirm-request")
    page.get_by_role("button", name="Send the chaser").click()
    page.get_by_text("The chaser is in the outbox: it goes in a moment.").wait_for()
    assert OutboxMessage.objects.filter(request=lane, kind="chaser").count() == 1

    page.get_by_role("button", name="Record a refusal").click()
    page.get_by_role("link", name="Enter the body's reason for refusing").wait_for()
    shot(page, "refusal-no-reason")
    page.get_by_label("The body's reason for refusing").fill("Exempt under section 43: commercial interests.")
    page.get_by_role("button", name="Record the refusal").click()
    page.get_by_text("The refusal is recorded.").wait_for()
    assert page.locator("#request-state").inner_text() == "Refused"
    page.get_by_label("Why (reopen)").fill("They wrote again")
    page.get_by_role("button", name="Reopen").click()
    page.get_by_text("The request is open again.").wait_for()
    assert page.locator("#request-state").inner_text() == "Partially answered"
    shot(page, "reopened")

    page.get_by_label("File").set_input_files(
        files=[{"name": "reply.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("say in the note what it is and where it came from").wait_for()
    shot(page, "upload-no-note")


def test_a_broken_chaser_template_and_a_broken_letter_template_are_told_in_plain_words(browser, live_server, example):
    page = signed_in(browser, live_server, person("editor@office.example", "editor", example))
    page.goto(f"/campaigns/{example.slug}/settings/")
    page.get_by_label("Chaser template").fill("Hello {{ unclosed")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_text("Line 1: a {{ is not closed with }}").first.wait_for()
    shot(page, "settings-broken-chaser")

    page.goto("/campaigns/new/")
    page.get_by_label("Title").fill("Chasers checked")
    page.get_by_label("Chaser template").fill("Hello {{ unclosed")
    page.get_by_role("button", name="Create").first.click()
    page.get_by_text("Line 1: a {{ is not closed with }}").first.wait_for()
    shot(page, "new-campaign-broken-chaser")

    page.goto(f"/campaigns/{example.slug}/letter/")
    page.locator("#id_template_source").fill("Dear {{ contact.salutation }},\n\nHello {{ unclosed\n\nThanks\n")
    page.get_by_role("button", name="Save the template").click()
    page.get_by_text("Line 3: a {{ is not closed with }}").first.wait_for()
    shot(page, "editor-broken-line-3")
