"""In Chromium (Playwright): every recipient of a campaign of one page approved and sent at once, through the
page that says how many letters that is, at desktop and phone width. axe-core and the CSP on each page;
screenshots in test-artefacts/screenshots (as test_browser's)."""

from __future__ import annotations

import pytest

from tests.web.conftest import person
from tests.web.test_browser import check, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_every_recipient_is_sent_to_at_once_after_a_page_that_says_how_many(browser, live_server, example):
    count = example.recipients.count()
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/campaigns/{example.slug}/")
    page.get_by_label(f"All {count} recipients, not only those ticked").check()
    page.get_by_role("button", name="Approve and send selected").click()
    assert page.locator("#confirm-heading").inner_text() == f"Approve and send {count} letters?"
    assert page.locator("#confirm-count").inner_text().startswith(f"This campaign has {count} recipients.")
    check(page, "campaign-everyone-confirm")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check(page, "campaign-everyone-confirm-phone")
    page.get_by_role("button", name=f"Yes, approve and send {count} letters").click()
    page.wait_for_url("**/jobs/**")
    assert f"of {count} letters" in page.locator("#job-count").inner_text()


def test_with_javascript_one_box_ticks_every_row_of_the_page(browser, live_server, example):
    count = example.recipients.count()
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/campaigns/{example.slug}/")
    rows = page.locator("#recipients tbody input[name='recipient']")
    select_all = page.get_by_label(f"Select all {count} recipients on this page")
    select_all.wait_for()  # shown by the script (without it, hidden: "All N recipients" below does it)
    select_all.check()
    assert [rows.nth(n).is_checked() for n in range(count)] == [True] * count
    rows.first.uncheck()
    assert page.evaluate("document.getElementById('select-page').indeterminate")
    check(page, "campaign-select-page")
    page.get_by_role("button", name="Approve selected").click()
    page.get_by_text(f"{count - 1} letters approved.").wait_for()


def test_without_javascript_the_select_all_box_is_not_shown(browser, live_server, example):
    user = person("coordinator@office.example", "coordinator", example)
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/campaigns/{example.slug}/")
    assert not page.locator("#select-page").is_visible()
    assert page.get_by_label(f"All {example.recipients.count()} recipients, not only those ticked").is_visible()
    context.close()


def test_the_confirmation_names_the_letter_that_cannot_be_made_and_asks_again_when_recipients_are_added(
    browser, live_server, example, tmp_path
):
    from docket.campaigns.importing import import_recipients
    from docket.worker import rounds
    from tests.factories import contact_row, write_csv
    from tests.web.test_letters_that_cannot_be_made import blank_field

    count = example.recipients.count()
    broken = blank_field(example)
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto(f"/campaigns/{example.slug}/")
    page.get_by_label(f"All {count} recipients, not only those ticked").check()
    page.get_by_role("button", name="Approve and send selected").click()
    assert page.locator("#confirm-heading").inner_text() == f"Approve and send {count - 1} letters?"
    assert page.locator("#confirm-cannot").inner_text().startswith(f"{broken.contact.full_name} (")
    check(page, "campaign-everyone-confirm-cannot")

    import_recipients(example, write_csv(tmp_path / "more.csv", [contact_row(n) for n in (1, 2)]))  # meanwhile
    page.get_by_role("button", name=f"Yes, approve and send {count - 1} letters").click()
    assert (
        page.locator("#confirm-changed")
        .inner_text()
        .endswith(
            "2 recipients were added since this page was shown: check the number and confirm again. Nothing was sent."
        )
    )
    check(page, "campaign-everyone-confirm-changed")
    heading = page.locator("#confirm-heading").inner_text()
    page.get_by_role("button", name=heading.replace("Approve", "Yes, approve").rstrip("?")).click()
    page.wait_for_url("**/jobs/**")
    rounds.run_queued_tasks("browser-test-worker")
    page.reload()
    assert page.locator("#job-count").inner_text() == "Queued or left out: 5 of 5 letters (100%)"
    assert broken.contact.full_name in page.locator("#job-problems").inner_text()
    check(page, "job-send-left-out")
