"""In Chromium (Playwright), at desktop width and at phone width (390 px): the campaign's recipients show each one's
state and due date under the body's name on a phone (the State and Due columns are past the edge there); the
evidence ledger shows each request's reply-by date, marked overdue when past; "Find bodies" with nothing chosen
says what to choose; the Users page and a campaign's Redaction rules keep their tables in scroll regions. axe-core
and the CSP on each page; screenshots in test-artefacts/screenshots."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import FloatRect

from docket.publishing.models import RedactionRule
from docket.requests.models import InfoRequest
from tests.web.conftest import Team, in_flight
from tests.web.test_browser import check, signed_in
from tests.web.test_phone_width_browser import PHONE, no_wider_than_a_phone

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
IN_VIEW = "e => e.getBoundingClientRect().right <= window.innerWidth && e.getBoundingClientRect().width > 0"


@pytest.fixture
def flight(team: Team):
    campaign = team["campaign"]
    names = ["Michael Lane", "Anthony Stansfeld", "Paddy Tipping"]
    flight = in_flight(campaign, [campaign.recipients.get(contact__full_name=name) for name in names])
    due = timezone.localdate() - datetime.timedelta(days=3)  # past, and the request still waits
    InfoRequest.objects.filter(pk=flight.sent.pk).update(due_date=due)
    return flight


def test_a_phone_sees_each_recipients_state_and_due_date(browser, live_server, team: Team, flight):
    page = signed_in(browser, live_server, team["coordinator"])
    due = timezone.localdate() - datetime.timedelta(days=3)
    page.goto(f"/campaigns/{team['campaign'].slug}/")
    row = page.locator("#recipients tbody tr", has_text=flight.sent.recipient.contact.body.name)
    stacked = row.locator("[data-narrow=state]")
    assert not stacked.is_visible()  # at desktop width the State and Due columns show them
    check(page, "campaign-recipients-desktop")
    no_wider_than_a_phone(page, "campaign-recipients")
    assert stacked.is_visible(), "the state and due date are not repeated under the body's name"
    assert stacked.evaluate(IN_VIEW), "the state and due date are past the phone's edge"
    text = stacked.inner_text()
    assert "overdue" in text, text
    assert f"Due {due:%-d %b %Y}" in text, text


def test_the_ledger_shows_each_requests_reply_by_date_and_whether_it_is_overdue(
    browser, live_server, team: Team, flight
):
    page = signed_in(browser, live_server, team["coordinator"])
    due = timezone.localdate() - datetime.timedelta(days=3)
    page.goto(f"/campaigns/{team['campaign'].slug}/ledger/")
    row = page.locator("#ledger-matrix tbody tr", has_text=flight.sent.recipient.contact.body.name)
    heading = row.locator("th")
    assert f"Reply due {due:%-d %b %Y} \N{EN DASH} overdue" in " ".join(heading.inner_text().split())
    check(page, "ledger-due-desktop")
    no_wider_than_a_phone(page, "ledger-due")
    assert row.get_by_text("Reply due").evaluate(IN_VIEW), "the reply-by date is past the phone's edge"


def test_find_bodies_with_nothing_chosen_says_what_to_choose(browser, live_server, team: Team):
    page = signed_in(browser, live_server, team["coordinator"])
    for size, name in [(DESKTOP, "add-recipients-nothing-chosen"), (PHONE, "add-recipients-nothing-chosen-phone")]:
        page.set_viewport_size(size)
        page.goto(f"/campaigns/{team['campaign'].slug}/recipients/add/")
        assert page.locator(".govuk-error-summary").count() == 0  # not before anyone asks
        page.get_by_role("button", name="Find bodies").click()
        summary = page.locator(".govuk-error-summary")
        summary.wait_for()
        message = "Type a body name, or choose a kind or a tag, to find bodies"
        assert message in summary.inner_text()
        assert message in page.locator("#q-error").inner_text()
        assert page.title().startswith("Error: ")
        check(page, name)
        summary.get_by_role("link", name=message).click()
        assert page.evaluate("document.activeElement.id") == "id_q"


def edge_shades(region) -> tuple[int, int]:
    """How dark (0 white, 255 black) the region's left and right edges are: the median down the middle half of
    each edge's outermost pixels, so that a letter of text crossing the edge does not count."""
    import io
    import statistics

    from PIL import Image

    image = Image.open(io.BytesIO(region.screenshot())).convert("L")
    width, height = image.size

    def shade(x: int) -> int:
        column = image.crop((x, height // 4, x + 1, 3 * height // 4)).tobytes()  # one byte a pixel ("L")
        return 255 - int(statistics.median(column))

    return shade(1), shade(width - 2)


def test_a_table_wider_than_a_phone_is_shaded_at_the_edge_it_goes_on_past(browser, live_server, team: Team, flight):
    page = signed_in(browser, live_server, team["coordinator"])
    page.goto(f"/campaigns/{team['campaign'].slug}/")
    region = page.locator(".docket-table-scroll", has=page.locator("#recipients"))
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table does not fit at desktop width"
    assert edge_shades(region) == (0, 0), "a table that fits is shaded"
    page.set_viewport_size(PHONE)
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    left, right = edge_shades(region)
    assert left == 0
    assert right > 20, "nothing shows that the table goes on past the right edge"
    region.evaluate("e => { e.scrollLeft = e.scrollWidth }")
    left, right = edge_shades(region)
    assert left > 20, "nothing shows that the table goes on past the left edge"
    assert right == 0


def test_on_a_phone_the_menu_folds_under_a_button_and_without_javascript_its_links_show(browser, live_server, team):
    page = signed_in(browser, live_server, team["coordinator"])
    page.set_viewport_size(PHONE)
    outbox = page.get_by_role("link", name="Outbox", exact=True)
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible(), "no Menu button on a phone"
    assert not outbox.is_visible(), "the menu's links fill the phone's first screen"
    menu.click()
    assert outbox.is_visible()
    check(page, "menu-open-phone")
    outbox.click()
    page.wait_for_url("**/outbox/")
    page.set_viewport_size(DESKTOP)
    assert not menu.is_visible()
    assert page.get_by_role("link", name="Outbox", exact=True).is_visible()

    plain = browser.new_context(java_script_enabled=False, base_url=live_server.url, viewport=PHONE).new_page()
    plain.goto("/sign-in/")
    plain.get_by_label("Email address").fill(team["coordinator"].email)
    plain.get_by_label("Password").fill("a-long-test-password")
    plain.get_by_role("button", name="Sign in").click()
    plain.wait_for_url("**/")
    assert not plain.get_by_role("button", name="Menu").is_visible()
    assert plain.get_by_role("link", name="Outbox", exact=True).is_visible()
    plain.context.close()


def test_the_letter_editor_shows_the_preview_under_the_template_on_a_phone_and_beside_it_on_a_desktop(
    browser, live_server, team: Team
):
    page = signed_in(browser, live_server, team["coordinator"])
    page.goto(f"/campaigns/{team['campaign'].slug}/letter/")

    def box(selector: str) -> FloatRect:
        found: FloatRect | None = page.locator(selector).bounding_box()
        assert found is not None, selector
        return found

    template, preview, listed = box("#id_template_source"), box("#preview"), box("#insertable")
    assert preview["x"] > template["x"] + template["width"], "the preview is not beside the template"
    assert listed["y"] > template["y"] + template["height"], "the list is not under the template"
    assert abs(listed["x"] - box(".docket-editor-template")["x"]) < 2
    assert listed["y"] - (template["y"] + template["height"]) < 200, "a gap between the template and the list"
    page.set_viewport_size(PHONE)
    template, preview, listed = box("#id_template_source"), box("#preview"), box("#insertable")
    assert template["y"] < preview["y"] < listed["y"], "on a phone the preview is below the long list"
    no_wider_than_a_phone(page, "editor")


# Whether the element's text is all in sight: within the window, and within any scroll region it is in.
TEXT_IN_SIGHT = """e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    let right = window.innerWidth;
    const region = e.closest('.docket-table-scroll');
    if (region) right = Math.min(right, region.getBoundingClientRect().right);
    return [...range.getClientRects()].every(r => r.right <= right + 1);
}"""


def test_the_ledgers_heading_wraps_on_a_phone_and_is_not_cut_off(browser, live_server, team: Team, flight):
    """A tester saw "Bodies 1 to 3 of 3, item by iter" at 390 px: the caption was as wide as the table, in
    the table's scroll region, so a phone showed only its start."""
    page = signed_in(browser, live_server, team["coordinator"])
    page.set_viewport_size(PHONE)
    page.goto(f"/campaigns/{team['campaign'].slug}/ledger/")
    heading = page.get_by_text("Bodies 1 to 3 of 3, item by item")
    assert heading.evaluate(TEXT_IN_SIGHT), "the ledger's heading is cut off at the phone's edge"
    assert page.get_by_role("region", name="Bodies 1 to 3 of 3, item by item").count() == 1
    assert page.get_by_role("table", name="Bodies 1 to 3 of 3, item by item").count() == 1
    no_wider_than_a_phone(page, "ledger-heading")


def test_the_menu_is_one_line_at_desktop_width_and_says_who_is_signed_in(browser, live_server, team: Team):
    """An admin's menu has the most links; with the signed-in address in the header it fits one line at 1280 px
    (it wrapped "Sign out (coordinator@office.example)" onto a second line)."""
    page = signed_in(browser, live_server, team["admin"])
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    tops = {round(item.bounding_box()["y"]) for item in page.locator(".govuk-service-navigation__item").all()}
    assert len(tops) == 1, f"the menu is on {len(tops)} lines"
    assert page.locator("#signed-in").inner_text() == f"Signed in as {team['admin'].email}"
    check(page, "menu-desktop")


def test_the_users_page_and_the_redaction_rules_fit_a_phone(browser, live_server, team: Team):
    """A tester's findings at 390 px: the Users page was 519 px wide (the blue header stopped short of the edge and
    the buttons were cut off), and the Redaction rules table 716 px for an admin (who may change the rules), 609 px
    for an editor (who may not)."""
    campaign = team["campaign"]
    RedactionRule.objects.create(
        pattern="Jane Doe", reason="A private person", scope=RedactionRule.Scope.CAMPAIGN, campaign=campaign
    )
    RedactionRule.objects.create(pattern=r"REF-\d{6}", is_regex=True, reason="A case reference", active=False)
    rules = "2 rules for this campaign (including the office\N{RIGHT SINGLE QUOTATION MARK}s rules for everywhere)"

    admin = signed_in(browser, live_server, team["admin"])
    admin.goto("/users/")
    people = admin.get_by_role("region", name="People who can sign in")
    assert people.count() == 1
    assert people.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table does not fit at desktop width"
    check(admin, "users-desktop")
    no_wider_than_a_phone(admin, "users")
    admin.set_viewport_size(DESKTOP)
    admin.goto(f"/campaigns/{campaign.slug}/redaction/")
    assert admin.get_by_role("region", name=rules).count() == 1
    assert admin.get_by_role("table", name=rules).count() == 1
    assert admin.get_by_role("button", name="Switch off the rule for Jane Doe").count() == 1  # the admin's column
    check(admin, "redaction-rules-admin-desktop")
    no_wider_than_a_phone(admin, "redaction-rules-admin")
    assert admin.get_by_text(rules).evaluate(TEXT_IN_SIGHT), "the table's name is cut off at the phone's edge"

    editor = signed_in(browser, live_server, team["editor"])
    editor.goto(f"/campaigns/{campaign.slug}/redaction/")
    assert editor.get_by_role("region", name=rules).count() == 1
    assert editor.get_by_role("button", name="Switch off the rule for Jane Doe").count() == 0
    no_wider_than_a_phone(editor, "redaction-rules-editor")
    assert editor.get_by_text(rules).evaluate(TEXT_IN_SIGHT), "the table's name is cut off at the phone's edge"
