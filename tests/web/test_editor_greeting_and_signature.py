"""The letter editor says Docket writes the greeting and the sign-off itself, warns when a template writes
them too (the letter would say them twice), and warns when nobody signs the letter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.campaigns.models import Campaign
from docket.letters.compose import doubled_lines
from tests.web.conftest import Team

pytestmark = pytest.mark.django_db

DOUBLED = "Dear Sir,\n\nPlease send your strategy.\n\nYours sincerely,\n\nJane Smith\n"


def editor_page(client, campaign: Campaign, source: str | None = None) -> str:
    url = reverse("web:editor", args=[campaign.slug])
    if source is None:
        return str(client.get(url).content.decode())
    return str(client.post(url, {"template_source": source, "action": "preview"}).content.decode())


def test_the_editor_says_docket_adds_the_greeting_and_the_sign_off(client, team: Team):
    client.force_login(team["editor"])
    page = editor_page(client, team["campaign"])
    assert 'id="template-frame"' in page
    assert "Docket adds the greeting (“Dear …,”" in page
    assert "the sign-off (“Yours sincerely,” or “Yours faithfully,”" in page
    assert 'id="doubled-1"' not in page  # the example's template writes neither


def test_a_saved_template_that_writes_them_too_is_warned_of_naming_each_line(client, team: Team):
    campaign = team["campaign"]
    campaign.template_source = DOUBLED
    campaign.save()
    client.force_login(team["viewer"])
    page = editor_page(client, campaign)
    assert "govuk-warning-text" in page
    assert (
        "Line 1 starts &quot;Dear Sir&quot;: Docket adds the greeting itself, so the letter would say it twice. "
        "Delete that line." in page
    )
    assert "Line 5 starts &quot;Yours sincerely&quot;: Docket adds the sign-off and the signature itself" in page


def test_the_live_preview_warns_as_the_text_is_typed(client, team: Team):
    client.force_login(team["editor"])
    page = editor_page(client, team["campaign"], "To whom it may concern,\n\nThe text.\n\nKind regards\n")
    assert "Line 1 starts &quot;To whom it may concern&quot;" in page
    assert "Line 5 starts &quot;Kind regards&quot;" in page


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("The text. Dear reader, yours sincerely.\n", []),
        ("Dearest colleagues are not a greeting.\n", []),
        ("{% set x = 1 %}\n**Dear {{ contact.salutation }},**\n\nText.\n", ["Line 2 starts"]),
        ("Text.\n\nBest wishes,\n{{ office.coordinator_name }}\n", ["Line 3 starts"]),
        ("Kind regards to open a letter is the greeting's line, not the sign-off.\n\nText.\n", []),
    ],
)
def test_only_a_greeting_first_or_a_sign_off_last_is_named(source: str, expected: list[str]):
    assert [warning[: len("Line 2 starts")] for warning in doubled_lines(source)] == expected


def test_a_letter_nobody_signs_is_warned_of_where_it_is_previewed(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["admin"])
    assert "signed only with the office" not in editor_page(client, campaign)
    office = campaign.office
    office.signatory_role, office.sign_with_name = "", False
    office.save()
    page = editor_page(client, campaign)
    assert "The letter is signed only with the office's name: add who signs it on the" in page
    assert f'href="{reverse("web:office")}">Office page</a>' in page


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**Dear Commissioner**,\n\nText.\n", 'Line 1 starts "Dear Commissioner":'),
        ("_Dear Commissioner_,\n\nText.\n", 'Line 1 starts "Dear Commissioner":'),
        ("Text.\n\nWith best wishes,\nJane Smith\n", 'Line 3 starts "With best wishes":'),
        ("Text.\n\nWith kind regards,\n", 'Line 3 starts "With kind regards":'),
        ("Text.\n\nBest regards\n", 'Line 3 starts "Best regards":'),
        ("Text.\n\nKind regards,\n", 'Line 3 starts "Kind regards":'),
        ("Text.\n\nRegards,\n", 'Line 3 starts "Regards":'),
        ("Text.\n\n**Yours truly,**\n", 'Line 3 starts "Yours truly":'),
        ("Text.\n\nMany thanks.\n", 'Line 3 starts "Many thanks":'),
    ],
)
def test_a_sign_off_on_a_line_of_its_own_is_named_in_its_words_without_emphasis(source: str, expected: str):
    assert [warning[: len(expected)] for warning in doubled_lines(source)] == [expected]


@pytest.mark.parametrize(
    "last",
    [
        "Regards to the review, we would welcome your view.",
        "Kind regards are not enough: please reply.",
        "Many thanks for your last reply, which we have read.",
        "Best wishes for the {{ fields.plan_name }} plan.",
    ],
)
def test_a_sentence_that_starts_with_a_sign_offs_words_is_not_one(last: str):
    assert doubled_lines(f"Text.\n\n{last}\n") == []


def test_after_saving_the_page_says_the_warnings_at_the_top_not_only_done(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    url = reverse("web:editor", args=[campaign.slug])
    source = "**Dear Commissioner**,\n\nPlease send your strategy.\n\nWith best wishes,\n"
    page = client.post(url, {"template_source": source, "action": "save"}, follow=True).content.decode()
    assert "The letter template is saved." in page
    banners = page[: page.index('id="insertable"')]  # above the long list of what a letter can use
    assert "govuk-notification-banner" in banners
    assert "Line 1 starts &quot;Dear Commissioner&quot;: Docket adds the greeting itself" in banners
    assert "Line 5 starts &quot;With best wishes&quot;: Docket adds the sign-off" in banners


def template_group(page: str) -> str:
    """The Template box's form group: from its opening tag to the textarea's."""
    end = page.index('id="id_template_source"')
    return page[page.rindex('<div class="govuk-form-group', 0, end) : end]


def test_the_template_box_is_red_only_with_a_message_at_it(client, team: Team):
    client.force_login(team["editor"])
    page = editor_page(client, team["campaign"])
    assert "--error" not in template_group(page)
    # A preview that cannot be made says so in the preview, linked to the line; the box is not red without words.
    page = editor_page(client, team["campaign"], "Please send {{ fields.no_such_field }}.")
    assert 'id="preview-error"' in page
    assert "--error" not in template_group(page)
    # A template that cannot be saved: red, with the message at the box and in the summary.
    url = reverse("web:editor", args=[team["campaign"].slug])
    page = client.post(url, {"template_source": "x" * 100_001, "action": "save"}).content.decode()
    group = template_group(page)
    assert "govuk-form-group--error" in group
    assert "The letter template must be 100,000 characters or fewer" in group
    assert "govuk-textarea--error" in page[page.index('id="id_template_source"') - 100 :][:200]
