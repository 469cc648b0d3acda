"""Issue 11's acceptance: a policy team sets up and runs a whole campaign in the workspace, in a real
browser (Debian's Chromium, Playwright), from an empty database with one admin — no command line, no
/admin/, no database shortcut after the admin is made.

The office profile, a contacts import with a bad file (every problem seen, the file fixed), a new
campaign, two references and two requested items, recipients by tag, a field filled in the grid, a
letter citing a reference, one recipient's letter flagged "cannot be made" for a blank field (approving
it refused), the blank filled, and every letter approved and sent to the test SMTP server. Each page
is screenshotted (in /work/shots/… or test-artefacts/) and checked with axe-core and for CSP refusals.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from docket.campaigns.models import Campaign, Office
from docket.directory.models import Body, Contact
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.factories import write_csv
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_ACCEPTANCE_SHOTS", REPO / "test-artefacts" / "screenshots" / "acceptance"))
SEEN: list[str] = []


def check(page: Any, name: str) -> None:
    """A full-page screenshot (numbered in the order of the walk), no serious or critical axe-core
    violation, nothing the Content-Security-Policy refused."""
    SEEN.append(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{len(SEEN):02d}-{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def body_row(name: str, person_name: str, email: str, tags: str, area: str) -> dict[str, str]:
    return {
        "body": name,
        "body_kind": "Police and Crime Commissioner",
        "area": area,
        "tags": tags,
        "website": "",
        "full_name": person_name,
        "role": "Police and Crime Commissioner",
        "salutation": f"Dear {person_name}" if person_name else "",
        "email": email,
        "address": "",
        "postcode": "",
    }


def contacts() -> list[dict[str, str]]:
    """Four bodies, three of them in the pilot; the second row has two problems, the fourth one."""
    return [
        body_row("Northshire PCC", "Asha Patel", "asha.patel@northshire-pcc.example", "VRU pilot", "Northshire"),
        body_row("Southbridge PCC", "", "office at southbridge", "VRU pilot", "Southbridge"),
        body_row("Eastmoor PCC", "Tom Hughes", "tom.hughes@eastmoor-pcc.example", "VRU pilot", "Eastmoor"),
        body_row("Westvale PCC", "Ruth Okafor", "ruth.okafor@westvale-pcc", "", "Westvale"),
    ]


TEMPLATE = """I am writing about the funding announced for violence reduction{{ cite("vru_funding") }}.

In {{ contact.area }} {{ fields.area_sentence }}.
The national picture is in the APCC's report{{ cite("vru_in_focus") }}.

I would be grateful for a copy of your {{ items.asked | map(attribute="name") | english_list }}."""


def test_a_team_sets_up_and_sends_a_campaign_only_through_the_workspace(
    browser, live_server, smtp_server, tmp_path: Path
):
    recorder, _ = smtp_server
    admin = person("admin@office.example", "admin")
    assert not Office.objects.exists()
    assert not Campaign.objects.exists()
    assert not Body.objects.exists()
    page = signed_in(browser, live_server, admin)
    check(page, "dashboard-empty")

    # The office profile: who the letters come from.
    expect(page.get_by_role("link", name="office profile")).to_be_visible()  # the empty dashboard says to start there
    page.get_by_role("link", name="Start a new campaign").click()  # as someone keen would
    expect(page.locator("#no-office")).to_contain_text("which has no profile yet")
    check(page, "new-campaign-no-office")
    page.locator("#no-office").get_by_role("link", name="office profile").click()
    check(page, "office-empty")
    page.get_by_label("Name", exact=True).fill("Office of the Violence Reduction Commissioner")
    page.get_by_label("Signatory name").fill("Maya Linton")
    page.get_by_label("Signatory role").fill("Violence Reduction Commissioner")
    page.get_by_label("Address lines").fill("2 Marsham Street\nLondon\nSW1P 4DF")
    page.get_by_label("Email", exact=True).fill("letters@vrc.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The office profile is saved.")).to_be_visible()
    check(page, "office-saved")

    # The directory, from a file with mistakes: every problem of every row, nothing written.
    page.get_by_role("link", name="Directory").click()
    check(page, "directory-empty")
    page.get_by_role("link", name="Import contacts from a file").click()
    check(page, "directory-import")
    rows = contacts()
    page.get_by_label("Contacts file").set_input_files(str(write_csv(tmp_path / "bodies.csv", rows)))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("3 problems in 2 rows")).to_be_visible()
    check(page, "directory-import-problems")
    problems = [
        [cell.strip() for cell in row.split("\t")]
        for row in page.get_by_role("table").filter(has_text="Problem").locator("tbody tr").all_inner_texts()
    ]
    assert [row[:2] for row in problems] == [["3", "full_name"], ["3", "email"], ["5", "email"]], problems
    assert not Body.objects.exists()
    rows[1] |= {"full_name": "Daniel Reyes", "salutation": "Dear Daniel Reyes"}
    rows[1] |= {"email": "daniel.reyes@southbridge-pcc.example"}
    rows[3] |= {"email": "ruth.okafor@westvale-pcc.example"}
    page.get_by_role("button", name="Cancel").click()
    page.get_by_label("Contacts file").set_input_files(str(write_csv(tmp_path / "bodies-fixed.csv", rows)))
    page.get_by_role("button", name="Check the file").click()
    check(page, "directory-import-preview")
    page.get_by_role("button", name="Import 4 rows").click()
    expect(page.get_by_text("4 created")).to_be_visible()
    check(page, "directory-imported")

    # A new campaign, from scratch.
    page.goto("/")
    page.get_by_role("link", name="Start a new campaign").click()
    check(page, "new-campaign")
    page.get_by_label("Title").fill("Violence Reduction Units 2027")
    letter_date = page.get_by_role("group", name="Letter date")
    letter_date.get_by_label("Day").fill("1")
    letter_date.get_by_label("Month").fill("2")
    letter_date.get_by_label("Year").fill("2027")
    page.get_by_label("Email subject").fill("Violence Reduction Units: a request for information")
    page.get_by_role("button", name="Create the campaign").click()
    expect(page.get_by_text("Violence Reduction Units 2027 is created.")).to_be_visible()
    check(page, "campaign-new")
    campaign_url = page.url

    # Two references and two requested items.
    page.get_by_role("link", name="References").click()
    check(page, "references-empty")
    for key, author, title in [
        ("vru_funding", "Home Office", "Violence Reduction Unit funding 2019"),
        ("vru_in_focus", "Association of Police and Crime Commissioners", "Violence Reduction Units in Focus"),
    ]:
        page.get_by_label("Key").fill(key)
        page.get_by_label("Author").fill(author)
        page.get_by_label("Title").fill(title)
        page.get_by_role("button", name="Add the reference").click()
        expect(page.get_by_text(f'The reference "{key}" is added')).to_be_visible()
    check(page, "references")
    page.goto(campaign_url)
    page.get_by_role("link", name="Requested items").click()
    check(page, "items-empty")
    for key, name in [("strategy", "Violence Reduction Unit strategy"), ("budget", "budget for 2027/28")]:
        page.get_by_label("Key").fill(key)
        page.get_by_label("What it is called in the letter").fill(name)
        page.get_by_role("button", name="Add the item").click()
    check(page, "items")

    # Recipients: every body tagged "VRU pilot", in one step.
    page.goto(campaign_url)
    page.get_by_role("link", name="Add recipients").click()
    check(page, "add-recipients")
    page.get_by_label("Tag").select_option("VRU pilot")
    page.get_by_role("button", name="Find bodies").click()
    check(page, "add-recipients-found")
    page.get_by_role("button", name="Add the ticked bodies").click()
    expect(page.get_by_text("3 recipients added")).to_be_visible()
    check(page, "campaign-recipients")

    # A field for every recipient, filled in the grid for two of them: Southbridge's left blank.
    page.get_by_role("link", name="Fields").click()
    page.get_by_label("New field's name").fill("area_sentence")
    page.get_by_role("button", name="Add the field").click()
    page.get_by_label("area_sentence for Northshire PCC").fill("the unit works with schools on knife crime")
    page.get_by_label("area_sentence for Eastmoor PCC").fill("the unit funds youth workers in hospitals")
    page.get_by_role("button", name="Save this page").click()
    expect(page.locator(".docket-blank")).to_have_count(1)
    check(page, "fields-one-blank")

    # The letter, citing both references: saved as work in progress, one letter cannot be made.
    page.goto(campaign_url)
    page.get_by_role("link", name="Edit the letter").click()
    page.get_by_label("Template").fill(TEMPLATE)
    page.get_by_role("button", name="Save the template").click()
    expect(page.get_by_text("1 of its 3 letters cannot be made")).to_be_visible()
    check(page, "editor-saved-one-cannot-be-made")

    page.goto(campaign_url)
    southbridge = page.get_by_role("row").filter(has_text="Southbridge PCC")
    expect(southbridge.get_by_text("cannot be made", exact=False)).to_be_visible()
    assert "area_sentence" in southbridge.inner_text()
    check(page, "campaign-cannot-be-made")
    for name in ("Northshire PCC", "Southbridge PCC", "Eastmoor PCC"):
        page.get_by_label(f"Select {name}").check()
    page.get_by_role("button", name="Approve and send selected").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Southbridge PCC (Daniel Reyes)" in summary.inner_text()
    assert 'field "area_sentence" is blank' in summary.inner_text()
    check(page, "campaign-send-refused")
    # The two that can be made; the job's page also lists the one left out, and why.
    expect(page.get_by_text("2 letters sent; 1 not queued (listed below).")).to_be_visible()
    assert sorted(item.rcpt_tos[0] for item in recorder.received) == [
        "asha.patel@northshire-pcc.example",
        "tom.hughes@eastmoor-pcc.example",
    ]

    # The blank filled in the grid; then Southbridge's letter approved and sent too.
    page.goto(campaign_url)  # from the sending job's page
    page.get_by_role("link", name="Fields for the letter").click()
    page.get_by_label("area_sentence for Southbridge PCC").fill("the unit runs a mentoring scheme")
    page.get_by_role("button", name="Save this page").click()
    expect(page.locator(".docket-blank")).to_have_count(0)
    page.goto(campaign_url)
    expect(page.get_by_text("Cannot be made")).to_have_count(0)
    page.get_by_label("Select Southbridge PCC").check()
    page.get_by_role("button", name="Approve and send selected").click()
    expect(page.get_by_text("1 letter sent.")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    check(page, "campaign-sent")

    sent = {tuple(item.rcpt_tos): item.message for item in recorder.received}
    assert sorted(sent) == [
        ("asha.patel@northshire-pcc.example",),
        ("daniel.reyes@southbridge-pcc.example",),
        ("tom.hughes@eastmoor-pcc.example",),
    ]
    letter = sent[("daniel.reyes@southbridge-pcc.example",)]
    assert letter["Subject"] == "Violence Reduction Units: a request for information"
    text = letter.get_body(("plain",)).get_content()
    assert "In Southbridge the unit runs a mentoring scheme." in re.sub(r"\s+", " ", text)
    assert "Violence Reduction Units in Focus" in text  # the citation's footnote
    assert "Dear Daniel Reyes," in text  # the file's salutation has its own "Dear": printed once
    assert "Dear Dear" not in text
    assert "Violence Reduction Unit strategy and budget for 2027/28" in re.sub(r"\s+", " ", text)
    assert Contact.objects.count() == 4
    page.goto(campaign_url)  # from the sending job's page
    page.get_by_role("link", name="Activity").click()
    expect(page.get_by_text("area_sentence, blank for 3 recipients to fill in")).to_be_visible()
    check(page, "activity")
    CSP_REFUSALS.pop(page)
    page.context.close()
