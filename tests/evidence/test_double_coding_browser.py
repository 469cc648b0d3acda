"""Double coding in a real browser (Debian's Chromium, Playwright): the setting turned on in the campaign's
settings, a document coded by one person found in the "needs a second coder" list by another, who codes it;
the themes matrix with a theme under another and the marks of double coding; axe-core and the CSP on each page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from docket.evidence import actions
from docket.evidence.models import Passage
from docket.requests.actions import Actor
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_CODING_SHOTS", REPO / "test-artefacts" / "screenshots"))


def check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def code(page: Any, words: str, theme: str) -> None:
    """Code a passage as a person without JavaScript's help would: typing its words."""
    page.get_by_label("Words of the passage").fill(words)
    page.get_by_label(theme, exact=True).check()
    page.get_by_role("button", name="Code the passage").click()
    page.get_by_text("The passage is coded.").wait_for()


def cell_name(count: int, body: str) -> re.Pattern[str]:
    """The accessible name of the Prevention cell's link (a visually hidden part is read after a space)."""
    return re.compile(rf"^{count} passages\s*: {re.escape(body)}, Prevention with its sub-themes$")


def test_double_coding_in_the_browser(browser, live_server, replied):
    campaign = replied.campaign
    prevention = actions.add_theme(campaign, "Prevention", Actor("setup"))
    actions.add_theme(campaign, "Mentoring", Actor("setup"), parent=prevention)
    ann = signed_in(browser, live_server, person("ann@office.example", "editor", campaign))
    bob = signed_in(browser, live_server, person("bob@office.example", "editor", campaign))

    ann.goto(f"/campaigns/{campaign.slug}/settings/")
    ann.get_by_label("Each document must be coded by two people").check()
    check(ann, "coding2-settings")
    ann.get_by_role("button", name="Save settings").click()
    ann.get_by_text("The campaign's settings are saved.").wait_for()
    ann.goto(f"/campaigns/{campaign.slug}/activity/")
    assert ann.get_by_text("double coding: off → on").first.is_visible()

    ann.goto(f"/attachments/{replied.strategy.pk}/pages/3/")
    code(ann, "mentoring scheme for young people", "Prevention / Mentoring")
    ann.goto(f"/messages/{replied.message.pk}/text/")
    code(ann, "knife crime work", "Prevention")
    assert ann.get_by_text("Needs a second coder").is_visible()
    bob.goto(f"/attachments/{replied.strategy.pk}/pages/2/")
    code(bob, "funding of the partnership board", "Prevention")

    bob.goto(f"/campaigns/{campaign.slug}/themes/")
    assert bob.get_by_role("columnheader", name="All of Prevention, with its sub-themes").is_visible()
    assert bob.get_by_role("columnheader", name="Mentoring").is_visible()
    body = replied.request.recipient.contact.body.name
    row = bob.locator(f"#themes-row-{replied.request.recipient_id}")
    # Prevention counts Mentoring's passage too; of the three, ann's on the reply is on a document she alone coded.
    assert row.get_by_role("link", name=cell_name(3, body)).is_visible()
    assert row.get_by_text("1 coded by one person").is_visible()
    check(bob, "coding2-themes-matrix")

    bob.goto(f"/campaigns/{campaign.slug}/codebook/")
    bob.get_by_role("link", name="Documents and their coders").click()
    bob.get_by_label("Show", exact=True).select_option("Needs a second coder")
    bob.get_by_label("Only those I have not coded").check()
    bob.get_by_role("button", name="Show").click()
    listed = bob.locator("#coding-documents tbody tr")
    assert listed.count() == 1  # the strategy: bob has coded it too, so it is the reply alone
    assert "ann@office.example" in listed.inner_text()
    check(bob, "coding2-needs-second-coder")
    bob.get_by_role("link", name="Reply: Re: Violence Reduction Units").click()
    bob.get_by_text("Coded by ann@office.example.").wait_for()
    code(bob, "knife crime work", "Prevention")
    assert bob.get_by_text("Coded by two people").is_visible()
    check(bob, "coding2-reply-second-coder")
    bob.goto(f"/campaigns/{campaign.slug}/coding/documents/?show=needs-second")
    assert bob.get_by_text("No document matches.").is_visible()
    assert bob.locator("#progress-double-coded").inner_text() == "2 documents"

    bob.goto(f"/campaigns/{campaign.slug}/themes/")
    assert row.get_by_role("link", name=cell_name(4, body)).is_visible()
    assert row.get_by_text("coded by one person").count() == 0
    bob.get_by_role("link", name="Agreement between coders").click()
    bob.get_by_role("row", name="Prevention").first.wait_for()
    check(bob, "coding2-agreement")
    assert Passage.objects.filter(coder_name="bob@office.example").count() == 2
