"""The codebook's theme page, the themes matrix, a cell and its summary, a quotation chosen, the report and the
dashboard's response curve, driven in Chromium (Playwright): axe-core and the CSP on each page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from docket.evidence import actions
from docket.evidence.models import Passage, ThemeSummary
from docket.requests.actions import Actor
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SETUP = Actor("setup")
SHOTS = Path(os.environ.get("DOCKET_EVIDENCE_SHOTS", REPO / "test-artefacts" / "screenshots"))


def check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_the_themes_matrix_and_the_report_in_the_browser(browser, live_server, replied):
    editor = person("editor@office.example", "editor", replied.campaign)
    prevention = actions.add_theme(replied.campaign, "Prevention", SETUP)
    actions.add_theme(replied.campaign, "Funding", SETUP)
    actions.code_passage(replied.message, replied.strategy, "mentoring scheme", [prevention], SETUP, page=3)
    page = signed_in(browser, live_server, editor)
    page.goto(f"{live_server.url}/campaigns/{replied.campaign.slug}/codebook/")
    page.get_by_role("link", name="Change Funding").click()
    page.get_by_label("Name").fill("Money")
    page.get_by_role("button", name="Save the theme").click()
    expect(page.get_by_text("The theme “Money” is changed.")).to_be_visible()
    page.get_by_role("link", name="Change Money").click()
    check(page, "theme-edit")
    page.get_by_role("button", name="Remove “Money”").click()
    expect(page.get_by_text("The theme “Money” is no longer in the codebook.")).to_be_visible()
    page.get_by_role("link", name="Themes matrix").first.click()
    check(page, "themes-matrix")
    body = replied.request.recipient.contact.body.name
    page.get_by_role("link", name=re.compile(rf"^1 passage ?: {re.escape(body)}, Prevention$")).click()
    page.get_by_label(f"What {body} says about Prevention").fill("A mentoring scheme in every secondary school.")
    page.get_by_role("button", name="Save the summary").click()
    expect(page.get_by_text("The summary is saved.")).to_be_visible()
    assert ThemeSummary.objects.get().text == "A mentoring scheme in every secondary school."
    page.get_by_role("button", name="Quote in report").click()
    expect(page.get_by_text("The passage will be quoted in the report.")).to_be_visible()
    assert Passage.objects.get().in_report
    check(page, "theme-cell")
    page.get_by_role("link", name="page 3 of Response Strategy.pdf", exact=False).first.click()
    assert "/documents/" in page.url or "/attachments/" in page.url
    page.goto(f"{live_server.url}/campaigns/{replied.campaign.slug}/report/")
    assert "“mentoring scheme”" in page.content()
    check(page, "report")
    page.goto(f"{live_server.url}/")
    responses = page.locator(f"#curve-{replied.campaign.slug}")
    assert responses.inner_text().startswith("1 of 1 body replied"), responses.inner_text()
    assert responses.locator("img").count() == 0  # the reply came the day the letter went: a chart of one day, a dot
    check(page, "dashboard")
