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


@pytest.mark.parametrize("width", [1280, 390])
def test_after_saving_the_warnings_are_said_at_the_top_before_the_long_list(browser, live_server, example, width):
    admin = person("admin@office.example", "admin")
    page = signed_in(browser, live_server, admin)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"/campaigns/{example.slug}/letter/")
    page.get_by_label("Template").fill(
        "**Dear Commissioner**,\n\nPlease reply by {{ due_date | long_date }}.\n\nWith best wishes,\n"
    )
    page.get_by_role("button", name="Save the template").click()
    banner = page.locator("main > .govuk-warning-text", has_text="Docket adds the greeting itself")
    banner.wait_for()
    assert 'Line 1 starts "Dear Commissioner": Docket adds the greeting itself' in banner.inner_text()
    sign_off = page.locator("main > .govuk-warning-text", has_text="With best wishes")
    assert 'Line 5 starts "With best wishes": Docket adds the sign-off' in sign_off.inner_text()
    # The example's letters are dated 13 October 2020: the reply-by date they print is long past.
    dated = page.locator("main > .govuk-warning-text", has_text="so the reply-by date it prints")
    assert "is already past" in dated.inner_text()
    # Seen on the first screen, above the list of what a letter can use (long on a phone).
    top = banner.bounding_box()
    listed = page.locator("#insertable").bounding_box()
    assert top is not None
    assert listed is not None
    assert top["y"] < 844
    assert top["y"] < listed["y"]
    check(page, f"editor-saved-warnings-{width}")
    page.goto(f"/campaigns/{example.slug}/settings/")
    assert "is already past" in page.locator("#short-reply").inner_text()
    check(page, f"settings-short-reply-{width}")
    page.get_by_label("Day").first.fill("31")
    page.get_by_label("Month").first.fill("12")
    page.get_by_label("Year").first.fill("9999")
    page.get_by_role("button", name="Save settings").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "The letter date must be between 1 January 1900 and" in page.locator(".govuk-error-summary").inner_text()
    check(page, f"settings-letter-date-refused-{width}")
    CSP_REFUSALS.pop(page)
    page.context.close()
