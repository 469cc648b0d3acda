"""The letter editor and the campaign page's Letter column in a real browser (Debian's Chromium,
Playwright): the template wraps, its line numbers follow, what a letter can use is inserted with a
click, a mistake is shown in words at its line, and a letter that cannot be made is refused."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from docket.requests.models import InfoRequest
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_SETUP_SHOTS", REPO / "test-artefacts" / "screenshots"))


def check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_the_editor_and_the_letter_column(browser, live_server, example):
    coordinator = person("coordinator@office.example", "coordinator", example)
    hampshire = example.recipients.get(contact__full_name="Michael Lane")
    page = signed_in(browser, live_server, coordinator)
    page.goto(f"/campaigns/{example.slug}/letter/?recipient={hampshire.pk}")
    editor = page.locator("#id_template_source")
    wraps = editor.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert wraps, "the template box scrolls sideways"
    lines = editor.evaluate("e => e.value.split('\\n').length")
    assert page.locator("#gutter > div").count() == lines
    first_line = page.locator("#gutter > div").first.evaluate("e => e.getBoundingClientRect().height")
    assert first_line > 40  # the example's first paragraph wraps over several rows, and its number's row follows
    check(page, "editor")

    editor.evaluate("e => { e.focus(); e.setSelectionRange(e.value.length, e.value.length); }")
    page.get_by_role("button", name="Insert {{ fields.vru_work }}").click()
    assert editor.input_value().endswith("{{ fields.vru_work }}")
    editor.press("End")
    editor.type(" {{ contact.nmae }}")
    error = page.locator("#preview-error")
    error.wait_for()
    assert 'did you mean "contact.full_name"?' in error.inner_text()
    assert f"Line {lines}:" in error.inner_text()
    check(page, "editor-error")
    page.get_by_role("link", name=f"Go to line {lines} of the template").click()
    selected = editor.evaluate("e => e.value.substring(e.selectionStart, e.selectionEnd)")
    assert selected.endswith("{{ contact.nmae }}")

    page.get_by_role("button", name="Save the template").click()
    count = example.recipients.count()
    page.get_by_text(f"The letter template is saved, but {count} of its {count} letters cannot be made").wait_for()
    check(page, "editor-saved-with-errors")

    page.goto(f"/campaigns/{example.slug}/")
    assert page.locator(".govuk-tag--red", has_text="Cannot be made").count() == count
    check(page, "campaign-cannot-be-made")
    page.get_by_label(f"Select {hampshire.contact.body.name}").check()
    page.get_by_role("button", name="Approve selected").click()
    summary = page.locator(".govuk-error-summary")
    assert "1 letter was not approved" in summary.inner_text()
    assert hampshire.contact.body.name in summary.locator("li").inner_text()
    assert InfoRequest.objects.get(recipient=hampshire).state == "draft"
    check(page, "campaign-approve-refused")
    page.context.close()
