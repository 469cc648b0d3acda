"""Docket's own words, not Chromium's pop-up, for a theme added without a name (the form says novalidate)."""

from __future__ import annotations

import pytest

from tests.evidence.test_evidence_browser import check
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_theme_without_a_name_is_said_by_docket_at_the_box(browser, live_server, replied):
    editor = person("editor@office.example", "editor", replied.campaign)
    page = signed_in(browser, live_server, editor)
    page.goto(f"/campaigns/{replied.campaign.slug}/codebook/")
    page.get_by_label("What it means").fill("Schemes pairing a young person with an adult")
    page.get_by_role("button", name="Add the theme").click()
    page.locator(".govuk-error-summary").wait_for()  # the browser let the form go: Docket answered
    assert "Enter a name for the theme." in page.locator(".govuk-error-summary").inner_text()
    assert "Enter a name for the theme." in page.locator("#id_name-error").inner_text()
    assert page.get_by_label("What it means").input_value() == "Schemes pairing a young person with an adult"
    page.get_by_role("link", name="Enter a name for the theme.").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    check(page, "codebook-theme-without-a-name")
    CSP_REFUSALS.pop(page)
    page.context.close()
