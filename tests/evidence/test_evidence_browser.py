"""Search and coding in a real browser (Debian's Chromium, Playwright): a phrase found on page 3 of a
PDF, two themes, passages coded by selecting words (and one suggested), the passages, the .qdpx and
the CSV downloaded, two coders' agreement, a mistaken query; axe-core and the CSP on each page."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from docket.evidence import exports
from docket.evidence.models import Passage
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.web.conftest import person
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_EVIDENCE_SHOTS", REPO / "test-artefacts" / "screenshots"))
SCHEMA = etree.XMLSchema(etree.parse(str(Path(exports.__file__).parent / "schemas" / "Project.xsd")))


def check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def select(page: Any, words: str) -> None:
    """Select ``words`` in the page's text as a person would with the mouse."""
    page.evaluate(
        """(words) => {
            const holder = document.getElementById("page-text");
            const node = holder.firstChild;
            const at = node.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        words,
    )


def test_search_then_code_and_export_in_the_browser(browser, live_server, replied):
    editor = person("editor@office.example", "editor", replied.campaign)
    page = signed_in(browser, live_server, editor)
    page.get_by_role("link", name="Search").first.click()
    page.get_by_label("Words to find").fill('"mentoring scheme"')
    page.get_by_role("button", name="Search").click()
    check(page, "search-results")
    page.get_by_role("link", name="page 3 of Response Strategy.pdf").click()
    page.get_by_role("heading", name="Page 3 of 3").wait_for()

    page.goto(f"/campaigns/{replied.campaign.slug}/codebook/")
    for name, keywords in (("Prevention", "mentoring"), ("Knife crime", "knife crime")):
        page.get_by_label("Name").fill(name)
        page.get_by_label("Keywords").fill(keywords)
        page.get_by_role("button", name="Add the theme").click()
        page.get_by_text(f"The theme “{name}” is in the codebook.").wait_for()
    page.get_by_role("button", name="Find passages for Prevention").click()
    check(page, "codebook-suggestions")
    page.get_by_role("button", name="Accept this passage for Prevention").click()
    page.get_by_text("The passage is coded.").wait_for()

    page.goto(f"/attachments/{replied.strategy.pk}/pages/2/")
    select(page, "funding of the partnership board")
    assert page.get_by_label("Words of the passage").input_value() == "funding of the partnership board"
    page.get_by_label("Prevention").check()
    page.get_by_label("Memo (optional)").fill("The board decides what is funded")
    page.get_by_role("button", name="Code the passage").click()
    page.get_by_text("The passage is coded.").wait_for()
    check(page, "document-page-coded")

    page.goto(f"/messages/{replied.message.pk}/text/")
    select(page, "knife crime work")
    page.get_by_label("Knife crime").check()
    page.get_by_role("button", name="Code the passage").click()
    check(page, "reply-coded")
    assert Passage.objects.count() == 3
    assert Passage.objects.get(memo__startswith="The board").page == 2

    page.goto(f"/campaigns/{replied.campaign.slug}/passages/")
    check(page, "passages")
    with page.expect_download() as download:
        page.get_by_role("link", name="REFI-QDA project").click()
    data = Path(download.value.path()).read_bytes()
    SCHEMA.assertValid(etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde")))
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    table = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "funding of the partnership board" in table
    assert "knife crime work" in table

    second = signed_in(browser, live_server, person("second@office.example", "editor", replied.campaign))
    second.goto(f"/attachments/{replied.strategy.pk}/pages/3/")
    select(second, "mentoring scheme for young people")
    second.get_by_label("Prevention").check()
    second.get_by_role("button", name="Code the passage").click()
    second.get_by_text("The passage is coded.").wait_for()
    page.goto(f"/campaigns/{replied.campaign.slug}/agreement/")
    assert page.get_by_role("row", name="Prevention").is_visible()
    check(page, "agreement")
    page.goto("/search/?q=%22mentoring")
    assert page.get_by_text("A phrase is missing its closing quotation mark").first.is_visible()
    check(page, "search-mistake")


def test_the_public_search_in_the_browser(browser, live_server, replied):
    from docket.publishing import actions as publishing
    from docket.publishing.models import RedactionRule
    from docket.requests.actions import Actor

    actor = Actor("test")
    RedactionRule.objects.create(pattern="Jane Doe", reason="an officer's name")
    for publication in (
        publishing.letter_publication(replied.request),
        publishing.document_publication(replied.strategy.pk, replied.request),
    ):
        publishing.publish(publishing.approve(publication, actor), actor)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/public/search/")
    page.get_by_label("Words to find").fill("mentoring OR Doe")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="page 3 of Response Strategy.pdf").wait_for()  # the results' page has loaded
    assert "Doe" not in page.locator("main ol").inner_text()  # the query box holds it, the results never
    check(page, "public-search")
    context.close()


def test_the_coding_form_keeps_what_was_typed_when_the_words_are_not_on_the_page(browser, live_server, replied):
    page = signed_in(browser, live_server, person("editor@office.example", "editor", replied.campaign))
    page.goto(f"/campaigns/{replied.campaign.slug}/codebook/")
    page.get_by_label("Name").fill("Prevention")
    page.get_by_role("button", name="Add the theme").click()
    page.goto(f"/attachments/{replied.strategy.pk}/pages/3/")
    page.get_by_label("Words of the passage").fill("mentorign scheme")
    page.get_by_label("Prevention").check()
    page.get_by_label("Memo (optional)").fill("A universal offer")
    page.get_by_role("button", name="Code the passage").click()
    page.locator(".govuk-error-summary").get_by_text("These words are not on page 3").wait_for()
    assert page.get_by_label("Words of the passage").input_value() == "mentorign scheme"
    assert page.get_by_label("Memo (optional)").input_value() == "A universal offer"
    assert page.get_by_label("Prevention").is_checked()
    check(page, "document-page-coding-error")
    page.get_by_label("Words of the passage").fill("mentoring scheme")
    page.get_by_role("button", name="Code the passage").click()
    page.get_by_text("The passage is coded.").wait_for()
    assert Passage.objects.get().memo == "A universal offer"


def test_a_long_page_is_read_and_coded_part_by_part_in_the_browser(browser, live_server, replied):
    from docket.documents.models import Attachment
    from docket.evidence.models import Theme
    from docket.web.document_pages import SHOWN_CHARS

    sentence = "The partnership met eleven times this year to review referrals. "
    text = sentence * (SHOWN_CHARS // len(sentence) + 10) + "Our outreach team visited every car wash in the county."
    Attachment.objects.filter(pk=replied.strategy.pk).update(text=text, page_starts=[])
    Theme.objects.create(campaign=replied.campaign, name="Outreach")
    page = signed_in(browser, live_server, person("editor@office.example", "editor", replied.campaign))
    page.goto(f"/attachments/{replied.strategy.pk}/pages/1/")
    page.get_by_role("heading", name="Page 1 of 1, part 1 of 2").wait_for()
    page.get_by_role("link", name="Next part").click()
    page.get_by_role("heading", name="Page 1 of 1, part 2 of 2").wait_for()
    check(page, "document-long-page-part-2")
    select(page, "every car wash")
    page.get_by_label("Outreach").check()
    page.get_by_role("button", name="Code the passage").click()
    page.get_by_text("The passage is coded.").wait_for()
    passage = Passage.objects.get()
    assert (passage.quote, passage.start) == ("every car wash", text.index("every car wash"))
