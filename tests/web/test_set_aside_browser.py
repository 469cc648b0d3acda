"""Setting held mail aside in Chromium: refused with no reason (at its field and in the summary), set aside
with a reason chosen, or with the person's own words under "Other", listed under "Set aside (N)" and
returned. axe-core on each; screenshots in /tmp/set-aside-shots/."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from tests.browser import axe_violations
from tests.samples import reply
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "set-aside-shots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def named(button: str, subject: str) -> re.Pattern[str]:
    """A button's accessible name: its words and, visually hidden, the message's subject (Chromium may put a
    space before the hidden part, which is positioned apart)."""
    return re.compile(rf"^{re.escape(button)} ?: {re.escape(subject)}$")


def held(subject: str, sender: str) -> InboundMessage:
    message = ingest(reply(sender=sender, to="office@x.example", subject=subject), InboundMessage.Source.UPLOAD).message
    assert message.status == InboundMessage.Status.HOLDING
    return message


def test_held_mail_is_set_aside_and_returned_in_a_browser(browser, live_server, example):
    admin = person("admin@office.example", "admin")
    ink = held("Cheap printer ink", "offers@ink.example")
    news = held("Our autumn newsletter", "news@council.example")
    page = signed_in(browser, live_server, admin)
    try:
        assert "2 messages in the holding pen" in page.content()
        page.goto("/holding-pen/")
        shot(page, "01-pen")
        page.get_by_role("button", name=named("Set aside", "Cheap printer ink")).click()
        page.wait_for_load_state()
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Choose why the message is set aside" in summary
        shot(page, "02-no-reason")
        page.locator(f"#aside-{ink.pk}").check()  # Spam or advertising
        page.get_by_role("button", name=named("Set aside", "Cheap printer ink")).click()
        page.wait_for_load_state()
        assert "The message “Cheap printer ink” is set aside." in page.content()
        page.locator(f"#aside-{news.pk}-3").check()  # Other
        page.locator(f"#aside-other-{news.pk}").fill("A council's newsletter, not a reply")
        page.get_by_role("button", name=named("Set aside", "Our autumn newsletter")).click()
        page.wait_for_load_state()
        assert "The holding pen is empty." in page.content()
        page.get_by_text("Set aside (2)").click()
        listed = page.locator("details", has_text="Set aside (2)").inner_text()
        assert "Set aside by admin@office.example on " in listed
        assert "Spam or advertising" in listed
        assert "A council's newsletter, not a reply" in listed
        shot(page, "03-set-aside")
        page.goto("/")
        assert "in the holding pen" not in page.content()
        page.goto("/holding-pen/")
        page.get_by_text("Set aside (2)").click()
        page.get_by_role("button", name=named("Return to the holding pen", "Cheap printer ink")).click()
        page.wait_for_load_state()
        assert "The message “Cheap printer ink” is back in the holding pen." in page.content()
        assert "Set aside (1)" in page.content()
        shot(page, "04-returned")
        page.set_viewport_size({"width": 375, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        shot(page, "05-returned-phone")
    finally:
        CSP_REFUSALS.pop(page, None)
        page.context.close()
