"""A campaign's setup in a real browser (Debian's Chromium, Playwright): references (one the letter cites
refused), requested items, recipients added by tag, the fields grid, a recipients import with its preview,
removing a recipient, the activity log, the campaign page's search; axe-core and the CSP on each page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from docket.campaigns.models import Campaign
from docket.directory.models import Body, Contact, Tag
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.factories import contact_row, write_csv
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_SETUP_SHOTS", REPO / "test-artefacts" / "screenshots"))


def check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_a_campaign_is_set_up_in_the_browser(browser, live_server, example: Campaign, tmp_path: Path):
    tag = Tag.objects.create(name="Pilot area")
    for number in range(1, 4):
        body = Body.objects.create(name=f"Pilot body {number}", kind="Council")
        body.tags.add(tag)
        Contact.objects.create(body=body, full_name=f"Chief {number}", email=f"chief{number}@pilot.example")
    Contact.objects.create(body=Body.objects.get(name="Pilot body 1"), full_name="Deputy 1", role="Deputy")
    admin = person("admin@office.example", "admin")
    page = signed_in(browser, live_server, admin)
    page.goto(f"/campaigns/{example.slug}/")
    page.get_by_role("link", name="References").click()
    check(page, "references")
    page.get_by_label("Key").fill("new_report")
    page.get_by_label("Author").fill("Home Office")
    page.get_by_label("Title").fill("A new report")
    page.get_by_role("button", name="Add the reference").click()
    page.get_by_text('The reference "new_report" is added').wait_for()
    page.get_by_role("link", name="Change vru_funding").click()
    check(page, "reference")
    page.get_by_role("button", name="Remove the reference").click()
    assert (
        page.locator(".govuk-error-summary").get_by_text("still cites the reference 'vru_funding' on line").is_visible()
    )
    check(page, "reference-refused")

    page.goto(f"/campaigns/{example.slug}/items/")
    page.get_by_label("Key").fill("budget")
    page.get_by_label("What it is called in the letter").fill("your budget for 2021")
    page.get_by_role("button", name="Add the item").click()
    page.get_by_role("button", name="Move up budget").click()
    check(page, "items")
    page.get_by_role("link", name="Change budget").click()
    check(page, "item")

    page.goto(f"/campaigns/{example.slug}/recipients/add/")
    page.get_by_label("Tag").select_option("Pilot area")
    page.get_by_role("button", name="Find bodies").click()
    page.get_by_label("Contact at Pilot body 1").select_option(label="Deputy 1, Deputy (no email)")
    check(page, "add-recipients")
    page.get_by_role("button", name="Add the ticked bodies").click()
    page.get_by_text("3 recipients added").wait_for()
    assert example.recipients.filter(contact__full_name="Deputy 1").exists()

    page.goto(f"/campaigns/{example.slug}/fields/")
    page.get_by_label("New field's name").fill("budget_year")
    page.get_by_role("button", name="Add the field").click()
    assert page.locator(".docket-blank").count() > 0
    page.get_by_label("budget_year for Pilot body 2").fill("2021/22")
    page.get_by_role("button", name="Save this page").click()
    check(page, "fields")
    assert example.recipients.get(contact__full_name="Chief 2").fields["budget_year"] == "2021/22"

    rows = [contact_row(n) | {"field:vru_work": f"does {n}"} for n in (7, 8)]
    rows.append(contact_row(9, email="nope") | {"field:vru_work": ""})
    page.goto(f"/campaigns/{example.slug}/recipients/import/")
    check(page, "import-recipients")
    page.get_by_label("Recipients file").set_input_files(str(write_csv(tmp_path / "people.csv", rows)))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("1 problem in 1 row").wait_for()
    check(page, "import-recipients-preview")
    page.get_by_role("button", name="Import 2 rows, skip 1").click()
    page.get_by_text("people.csv: 2 created").wait_for()

    page.get_by_label("Name").fill("Pilot body 3")
    page.get_by_role("button", name="Apply").click()
    check(page, "campaign-searched")
    page.get_by_role("link", name="Chief 3").click()
    check(page, "recipient")
    page.get_by_role("button", name="Remove Pilot body 3").click()
    page.get_by_text("Chief 3 (Pilot body 3) is removed").wait_for()

    page.get_by_role("link", name="Edit the letter").click()
    page.get_by_label("Find a recipient to preview").fill("Pilot body 2")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.locator("#recipient option")).to_have_count(1)  # waits for the page the button asked for
    check(page, "editor")
    page.goto(f"/campaigns/{example.slug}/")
    page.get_by_role("link", name="Activity").click()
    page.get_by_text("Recipient removed").first.wait_for()
    check(page, "activity")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the table scrolls in a region one can tab to
    page.goto(f"/campaigns/{example.slug}/")
    check(page, "campaign-phone")


def test_the_fields_grid_leaves_a_value_too_long_to_edit_as_it_is(browser, live_server, example: Campaign):
    from docket.campaigns import actions
    from docket.campaigns.models import Recipient
    from docket.requests.actions import Actor

    first, second = example.recipients.select_related("contact__body").order_by("contact__body__name", "pk")[:2]
    actions.add_field(example, "region", "", Actor("test"))
    long = "Longshire and its villages. " * 180  # 5,040 characters, from an import of before the limit
    Recipient.objects.filter(pk=first.pk).update(fields={**first.fields, "region": long})
    page = signed_in(browser, live_server, person("admin@office.example", "admin"))
    page.goto(f"/campaigns/{example.slug}/fields/")
    assert page.get_by_text("more than the 2,000 a field holds: it is kept as it is").is_visible()
    assert page.get_by_label(f"region for {first.contact.body.name}").count() == 0
    assert page.get_by_label(f"region for {second.contact.body.name}").get_attribute("maxlength") == "2000"
    page.get_by_label(f"region for {second.contact.body.name}").fill("The north")
    page.get_by_role("button", name="Save this page").click()
    page.get_by_text("1 recipient changed.").wait_for()
    check(page, "fields-too-long-to-edit")
    assert Recipient.objects.get(pk=first.pk).fields["region"] == long
    assert Recipient.objects.get(pk=second.pk).fields["region"] == "The north"
