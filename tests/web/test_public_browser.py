"""In Chromium: a file with no readable text is published only once a person ticks that they read it by eye;
the public letter page is the HTML letter with its footnotes; the holding pen takes an Outlook .msg and a
file with a note.

Screenshots go to test-artefacts/screenshots/ (and to $DOCKET_SHOTS when set); each page is checked with axe.
"""

from __future__ import annotations

import pytest

from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.publishing.models import Publication
from docket.requests import actions
from tests import real_mail
from tests.outlook_msg import reply_with_pdf_msg
from tests.samples import reply, text_pdf
from tests.web.conftest import person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import CSP_REFUSALS, signed_in
from tests.web.test_request_corrections_browser import shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def opened(page) -> None:
    """The upload form's details opened (it starts open only when nothing is held)."""
    summary = page.get_by_text("Upload mail or a file")
    if page.locator("details.govuk-details").get_attribute("open") is None:
        summary.click()


def test_publication_confirm_public_letter_and_holding_pen_upload(browser, live_server, example, tmp_path):
    lane, tipping = (
        sent_request(actions.request_for(example.recipients.get(contact__full_name=name)))
        for name in ("Michael Lane", "Paddy Tipping")
    )
    raw = reply(
        sender=lane.recipient.contact.email,
        to=reply_address(lane.pk),
        body="Our strategy is on paper: the scan is attached.",
        attachments=[("scan.bin", "application/octet-stream", real_mail.BINARY)],
    )
    ingest(raw, InboundMessage.Source.UPLOAD)
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))

    # The letter first, then the scan: it cannot be published until someone says they read it by eye.
    page.goto(f"/requests/{lane.pk}/")
    page.get_by_role("button", name="Publish The letter sent").click()
    page.get_by_text("Letter: published.").wait_for()
    page.get_by_role("button", name="Publish scan.bin").click()
    page.locator(".govuk-error-summary").get_by_text("read it by eye").wait_for()
    assert Publication.objects.get(attachment__filename="scan.bin").state == "private"  # not even approved
    page.get_by_text("Docket could read no text in this file").scroll_into_view_if_needed()
    shot(page, "publication-confirm-refused")
    page.get_by_label("I have opened scan.bin and read it by eye").check()
    page.get_by_role("button", name="Publish scan.bin").click()
    page.get_by_text("Document: published.").wait_for()
    scan = Publication.objects.get(attachment__filename="scan.bin")
    assert (scan.state, scan.checked_by_eye) == ("published", "coordinator@office.example")
    assert "Document with no readable text checked by eye" in page.content()
    page.get_by_text("read it by eye on").scroll_into_view_if_needed()
    shot(page, "publication-confirmed")

    # The public letter: the HTML rendering, footnotes linked both ways; the PDF the tagged one sent.
    page.goto(f"/public/{example.slug}/{lane.recipient.contact.body.slug}/")
    page.locator("article.letter").wait_for()
    assert page.locator("footer.letter__footnotes li").count() >= 1
    assert "the tagged PDF that was sent" in page.content()
    assert "[1]" not in page.locator("article.letter").inner_text()
    shot(page, "public-letter")
    page.locator("sup a").first.click()
    assert page.url.endswith("#letter-fn1")

    # The holding pen: an Outlook .msg (matched to its request by the reply address) and a file with a note.
    page.goto("/holding-pen/")
    opened(page)
    shot(page, "holding-pen-upload-form")
    msg = tmp_path / "RE Request.msg"
    msg.write_bytes(
        reply_with_pdf_msg(
            sender=tipping.recipient.contact.email, to=reply_address(tipping.pk), pdf=text_pdf("Response Strategy")
        )
    )
    page.locator("#upload-file").set_input_files(str(msg))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("RE Request.msg: 1 new message, 1 filed to their request, 0 held here.").wait_for()
    stick = tmp_path / "stick.bin"
    stick.write_bytes(real_mail.BINARY[::-1])
    opened(page)
    page.locator("#upload-file").set_input_files(str(stick))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.locator(".govuk-error-summary").get_by_text("say in the note what it is").wait_for()
    opened(page)
    page.locator("#upload-file").set_input_files(str(stick))
    page.get_by_label("Note (needed for a file that is not mail)").fill("Posted to us on a USB stick by Hampshire")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("stick.bin: 1 new message, 0 filed to their request, 1 held here.").wait_for()
    # One held card (its "Set aside" button names the message too, for screen readers).
    assert page.locator(".govuk-summary-card__title", has_text="Uploaded file: stick.bin").count() == 1
    shot(page, "holding-pen-after-upload")
    CSP_REFUSALS.pop(page)
    page.context.close()


def test_a_redacted_public_letter_says_its_pdf_is_not_tagged(browser, live_server, example):
    from docket.publishing import actions as publishing
    from docket.publishing.models import RedactionRule

    RedactionRule.objects.create(pattern="Michael Lane", reason="a name")
    lane = sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    publishing.publish(
        publishing.approve(publishing.letter_publication(lane), actions.Actor("test")), actions.Actor("test")
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    CSP_REFUSALS[page] = []
    page.on("console", lambda m: CSP_REFUSALS[page].append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"/public/{example.slug}/{lane.recipient.contact.body.slug}/")
    page.get_by_text("it is not tagged").wait_for()
    assert "Michael Lane" not in page.content()
    assert page.locator("footer.letter__footnotes li").count() >= 1
    shot(page, "public-letter-redacted")
    CSP_REFUSALS.pop(page)
    context.close()
