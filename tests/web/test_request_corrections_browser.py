"""The request page in Chromium: an unreadable upload is kept, not a reply; a misfiled reply is moved.

Screenshots go to test-artefacts/screenshots/ (and to $DOCKET_SHOTS when set, for a person to look at).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.requests import actions
from tests import real_mail
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.web.conftest import person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    extra = [Path(os.environ["DOCKET_SHOTS"])] if "DOCKET_SHOTS" in os.environ else []
    for folder in [REPO / "test-artefacts" / "screenshots", *extra]:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_an_upload_and_a_misfiled_reply_put_right_on_the_request_page(browser, live_server, example, tmp_path):
    lane, tipping = (
        sent_request(actions.request_for(example.recipients.get(contact__full_name=name)))
        for name in ("Michael Lane", "Paddy Tipping")
    )
    email = lane.recipient.contact.email
    ingest(real_mail.acknowledgement(sender=email, to=reply_address(lane.pk)), InboundMessage.Source.UPLOAD)
    ingest(real_mail.reply_with_pdf(sender=email, to=reply_address(lane.pk)), InboundMessage.Source.UPLOAD)
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/requests/{lane.pk}/")
    assert page.locator("#request-state").inner_text() == "Reply received"

    scan = tmp_path / "scan.bin"
    scan.write_bytes(real_mail.BINARY)
    page.get_by_label("File").set_input_files(str(scan))
    page.locator("#id_note").fill("posted to us on a memory stick")
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("has no text that could be read").wait_for()
    assert page.locator("#request-state").inner_text() == "Reply received"
    uploaded = InboundMessage.objects.get(subject="Document: scan.bin")
    assert page.locator(f"#classification-{uploaded.pk}").inner_text() == "Not a reply"
    shot(page, "request-with-upload")

    misfiled = InboundMessage.objects.get(message_id="<reply-1187@hampshire-pcc.example>")
    page.get_by_text("Correct, move or unfile this message").nth(1).click()
    shot(page, "request-correction-open")
    page.locator(f"#move-to-{misfiled.pk}").select_option(value=str(tipping.pk))
    page.locator(f"form[action$='/messages/{misfiled.pk}/move/'] button").click()
    page.get_by_text(f"The message is moved to request #{tipping.pk}").wait_for()
    assert page.locator("#request-state").inner_text() == "Acknowledged"
    assert "Message moved to another request (partially answered → acknowledged)" in page.content()
    shot(page, "request-after-move")
    page.goto(f"/requests/{tipping.pk}/")
    assert page.locator("#request-state").inner_text() == "Reply received"
    assert "Message moved here from another request (sent → partially answered)" in page.content()
    shot(page, "other-request-after-move")
    CSP_REFUSALS.pop(page)
    page.context.close()
