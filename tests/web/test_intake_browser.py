"""The pages this branch changed, in Chromium: the holding pen (nothing chosen, candidates first, a refusal
at its field, an upload's mistake), the outbox and dashboard when the mail server cannot be reached, an
import whose columns are wrong, and a chase confirmation with nothing to send. axe-core on each; screenshots
in /tmp/intake-shots/."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.requests import actions
from tests.browser import axe_violations
from tests.factories import write_csv
from tests.samples import reply
from tests.web.conftest import person, sent
from tests.web.test_browser import CSP_REFUSALS, signed_in
from tests.web.test_cannot_send import queued_and_tried

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "intake-shots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_the_changed_pages_in_a_browser(browser, live_server, example, tmp_path):
    admin = person("admin@office.example", "admin")
    lane = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    team = {"request": lane}
    queued_and_tried(team)  # Hampshire's letter waits: the mail server cannot be reached
    tipping = sent(actions.request_for(example.recipients.get(contact__full_name="Paddy Tipping")))
    stansfeld = sent(actions.request_for(example.recipients.get(contact__full_name="Anthony Stansfeld")))
    domain = lane.recipient.contact.email.rpartition("@")[2]
    ingest(reply(sender=f"deputy@{domain}", to="office@x.example"), InboundMessage.Source.UPLOAD)
    other = tipping.recipient.contact.email.rpartition("@")[2]
    stansfeld.recipient.contact.email = f"deputy@{other}"  # two requests on one domain: Docket asks
    stansfeld.recipient.contact.save()
    ingest(reply(sender=f"clerk@{other}", to="o@x.example", subject="Re: a guess"), InboundMessage.Source.UPLOAD)
    page = signed_in(browser, live_server, admin)
    try:
        page.goto("/holding-pen/")
        shot(page, "01-pen")
        page.get_by_role("button", name="File it").first.click()
        page.wait_for_load_state()
        assert "Choose the request to file it to." in page.content()
        shot(page, "02-pen-nothing-chosen")
        page.get_by_text("Upload mail or a file").click()
        page.get_by_label("Note (needed for a file that is not mail)").fill("From the post room")
        page.get_by_role("button", name="Upload").click()
        page.wait_for_load_state()
        assert "Choose a file to upload." in page.content()
        shot(page, "03-upload-no-file")
        page.goto("/holding-pen/")
        choice = page.locator("select[name=request]").first
        # Both requests one could file to are candidates: marking both "suggested" would say nothing.
        assert not choice.locator(f"option[value='{tipping.pk}']").inner_text().endswith("(suggested)")
        choice.select_option(value=str(tipping.pk))
        page.locator("button", has_text="File it").first.click()
        page.wait_for_load_state()
        shot(page, "04-filed")
        page.goto("/outbox/")
        shot(page, "05-outbox-unreachable")
        page.goto("/")
        shot(page, "06-dashboard-unreachable")
        wrong = write_csv(tmp_path / "wrong.csv", [{"organisation": "X", "person": "Y", "colour": "blue"}])
        page.goto(f"/campaigns/{example.slug}/recipients/import/")
        page.set_input_files("input[type=file]", str(wrong))
        page.get_by_role("button", name="Check the file").click()
        page.wait_for_load_state()
        shot(page, "07-import-wrong-columns")
        page.goto(f"/campaigns/{example.slug}/recipients/import/")
        assert "wrong.csv" not in page.content()
        shot(page, "08-import-again-later")
        page.goto("/directory/import/")
        page.set_input_files("input[type=file]", str(wrong))
        page.get_by_role("button", name="Check the file").click()
        page.wait_for_load_state()
        shot(page, "09-directory-import-wrong-columns")
        page.goto(f"/campaigns/{example.slug}/ledger/")
        page.locator(f"input[name=recipient][value='{tipping.recipient_id}']").check()
        page.locator("#chase-selected").click()
        page.wait_for_load_state()
        assert "Send the chasers" not in page.content()
        shot(page, "10-chase-none")
    finally:
        CSP_REFUSALS.pop(page, None)
        page.context.close()
