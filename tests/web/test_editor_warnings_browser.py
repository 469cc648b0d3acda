"""The letter editor's warnings in a real browser (Chromium, Playwright): a greeting and a sign-off the
template writes as well as Docket, named by line as they are typed and once saved; a letter nobody signs;
and the reply-by date printed in the preview."""

from __future__ import annotations

import pytest

from docket.letters.wording import long_date
from docket.requests import deadlines
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, check, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_editor_warns_of_a_doubled_greeting_and_sign_off_and_an_unsigned_letter(browser, live_server, example):
    admin = person("admin@office.example", "admin")
    page = signed_in(browser, live_server, admin)
    page.goto(f"/campaigns/{example.slug}/letter/")
    assert "Docket adds the greeting" in page.locator("#template-frame").inner_text()
    editor = page.get_by_label("Template")
    editor.fill("Dear Sir,\n\nPlease reply by {{ due_date | long_date }}.\n\nYours sincerely,\nJane Smith\n")
    page.locator("#doubled-2").wait_for()
    assert 'Line 1 starts "Dear Sir": Docket adds the greeting itself' in page.locator("#doubled-1").inner_text()
    assert 'Line 5 starts "Yours sincerely"' in page.locator("#doubled-2").inner_text()
    due = deadlines.add_working_days(example.letter_date, example.response_working_days)
    assert f"Please reply by {long_date(due)}." in page.locator("#letter-preview").inner_text()
    check(page, "editor-doubled-greeting")
    page.get_by_role("button", name="Save the template").click()
    page.locator("#doubled-2").wait_for()  # said again on the saved template

    example.office.signatory_role, example.office.sign_with_name = "", False
    example.office.save()
    page.reload()
    unsigned = page.locator("#unsigned")
    assert "signed only with the office's name" in unsigned.inner_text()
    check(page, "editor-unsigned")
    unsigned.get_by_role("link", name="Office page").click()
    page.get_by_role("heading", name="Office profile").wait_for()
    CSP_REFUSALS.pop(page)
    page.context.close()
