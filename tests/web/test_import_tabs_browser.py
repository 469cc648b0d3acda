"""In Chromium (Playwright): two tabs of the contacts import, and both import pages' tables on a phone.

The tab whose file another upload replaced imports nothing and says so in its error summary; the preview and
the problems tables scroll in their own labelled regions, so no page is wider than a phone. axe-core and the
CSP on each page; screenshots in test-artefacts/screenshots."""

from __future__ import annotations

import pytest

from docket.directory.models import Contact
from tests.web.conftest import person
from tests.web.test_browser import check, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def no_wider_than_a_phone(page) -> bool:
    page.set_viewport_size(PHONE)
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_tab_whose_file_was_replaced_imports_nothing_and_fits_a_phone(browser, live_server, example, tmp_path):
    first = tmp_path / "fileA.csv"
    first.write_text("body,full_name,email\nAlpha Council,Ann Alpha,ann.alpha@alpha-council.example\n")
    second = tmp_path / "fileB.csv"
    second.write_text(
        "body,full_name,email\nBeta Council,Ben Beta,ben.beta@beta-council.example\n"
        "Gamma Council,Gil Gamma,gil.gamma@gamma-council.example\n"
    )
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto("/directory/import/")
    page.locator("input[type=file]").first.set_input_files(str(first))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 1 row").wait_for()
    other = page.context.new_page()
    other.goto(live_server.url + "/directory/import/")
    other.locator("input[type=file]").first.set_input_files(str(second))
    other.get_by_role("button", name="Check the file").first.click()
    other.get_by_role("button", name="Import 2 rows").wait_for()

    page.get_by_role("button", name="Import 1 row").click()
    summary = page.locator(".govuk-error-summary")
    replaced = "Another upload replaced the file this page showed (fileA.csv). Nothing was imported."
    summary.get_by_text(replaced).wait_for()
    assert not Contact.objects.filter(full_name__in=["Ann Alpha", "Ben Beta", "Gil Gamma"]).exists()
    check(page, "import-replaced-by-another-tab")
    assert no_wider_than_a_phone(page)
    check(page, "import-replaced-by-another-tab-phone")


def test_the_problems_table_fits_a_phone(browser, live_server, example, tmp_path):
    wrong = tmp_path / "people.csv"
    wrong.write_text("Organisation,Name,email\nAlpha Council,Ann Alpha,not-an-address-at-all-really-long-text\n")
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto("/directory/import/")
    page.locator("input[type=file]").first.set_input_files(str(wrong))
    page.get_by_role("button", name="Check the file").click()
    page.locator(".govuk-error-summary").get_by_text("The columns of people.csv need changing").wait_for()
    assert page.get_by_role("region", name="Every problem, row by row").count() == 1
    assert no_wider_than_a_phone(page)
    check(page, "import-columns-wrong-phone")
