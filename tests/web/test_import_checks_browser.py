"""In Chromium (Playwright): a CSV separated by semicolons on both import pages, a header that cannot be split,
and the campaign import's warning of a blank field the letter uses; on a desktop and at 390 px (a phone).
axe-core and the CSP on each page; screenshots in test-artefacts/screenshots."""

from __future__ import annotations

import pytest

from docket.campaigns.models import Recipient
from docket.directory.models import Contact
from tests.web.conftest import person
from tests.web.test_browser import check, signed_in
from tests.web.test_import_tabs_browser import no_wider_than_a_phone

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def upload(page, path) -> None:
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.get_by_role("button", name="Check the file").first.click()


def test_a_file_separated_by_semicolons_is_imported_into_the_directory(browser, live_server, example, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        "Body;Full name;Email;Address\n"
        'Alpha Council;Ann Alpha;ann.alpha@alpha-council.example;"1 High Street, Alphaton"\n'
        "Beta Council;Ben Beta;ben.beta@beta-council.example;2 Low Road\n",
        encoding="utf-8-sig",
    )
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.goto("/directory/import/")
    upload(page, people)
    page.get_by_role("button", name="Import 2 rows").wait_for()
    assert page.locator(".govuk-error-summary").count() == 0
    check(page, "import-semicolons")
    assert no_wider_than_a_phone(page)
    check(page, "import-semicolons-phone")
    page.get_by_role("button", name="Import 2 rows").click()
    page.get_by_text("2 created").first.wait_for()
    assert Contact.objects.get(full_name="Ann Alpha").address_lines == "1 High Street, Alphaton"


def test_the_campaign_import_explains_an_unsplit_header_and_warns_of_blank_fields(
    browser, live_server, example, tmp_path
):
    unsplit = tmp_path / "people.csv"
    unsplit.write_text('"body;full_name;email"\n"Kent PCC;Ann Bell;ann@kent.example"\n')
    page = signed_in(browser, live_server, person("coordinator@office.example", "coordinator", example))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/campaigns/{example.slug}/recipients/import/")
    upload(page, unsplit)
    page.get_by_text("The columns of people.csv seem to be separated by semicolons").wait_for()
    assert no_wider_than_a_phone(page)
    check(page, "import-recipients-unsplit-header-phone")

    blanks = tmp_path / "recipients.csv"
    blanks.write_text(
        "body;full_name;email;field:vru_work\n"
        "Kent PCC;Ann Bell;ann@kent.example;\n"
        "Essex PFCC;Eve Essex;eve@essex.example;is funding mentors in schools, and more\n"
    )
    upload(page, blanks)
    page.get_by_role("button", name="Import 2 rows").wait_for()
    warning = (
        "Row 2 (Kent PCC): vru_work is blank, and the letter uses it: the letter cannot be made until it is "
        "filled in on the recipient's page."
    )
    page.locator("#blank-fields").get_by_text(warning).wait_for()
    assert no_wider_than_a_phone(page)
    check(page, "import-recipients-blank-field-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    check(page, "import-recipients-blank-field")
    page.get_by_role("button", name="Import 2 rows").click()
    page.get_by_text("2 created").first.wait_for()
    assert Recipient.objects.get(campaign=example, contact__email="ann@kent.example").fields == {"vru_work": ""}
