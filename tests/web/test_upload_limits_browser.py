"""In Chromium: the request page's upload refuses a file over the holding pen's limit at the top of the
page, and "Start a campaign from letters" says its limits in the hint and refuses a letter too long."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from docket.letters import learning
from docket.mail import uploads
from tests.letters.test_learning import SEEDS
from tests.web.conftest import Team, person, sent
from tests.web.test_browser import signed_in
from tests.web.test_ledger_browser import shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_request_page_upload_too_large_is_refused_at_the_top(browser, live_server, team: Team, monkeypatch, tmp_path):
    monkeypatch.setattr(uploads, "MAX_BYTES", 1024 * 1024)
    request = sent(team["request"])
    big = tmp_path / "archive.eml"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    page = signed_in(browser, live_server, team["coordinator"])
    page.goto(f"{live_server.url}/requests/{request.pk}/")
    page.locator("input[type=file][name=file]").set_input_files(str(big))
    page.locator("form[action$='/upload/'] button").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("archive.eml is larger than 1 MB, the most one upload takes")
    shot(page, "upload-too-large")


def test_learning_says_its_limits_and_refuses_a_letter_too_long(browser, live_server, monkeypatch):
    monkeypatch.setattr(learning, "MAX_LETTER_WORDS", 50)
    page = signed_in(browser, live_server, person("editor@office.example", "editor"))
    page.goto(f"{live_server.url}/campaigns/new/from-letters/")
    expect(page.locator("#letters-hint")).to_contain_text("Docket learns from at most 200 letters, each of at most")
    page.get_by_label("Short name").fill("vru-browser")
    page.get_by_label("Title").fill("VRU letters")
    page.get_by_label("Letters").set_input_files([str(path) for path in SEEDS])
    page.get_by_role("button", name="Read the letters").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("each of at most 50 words")
    shot(page, "learn-letter-too-long")
