"""The coding pages without JavaScript: a codebook, a passage coded by typing its words, suggestions,
the passages and their exports, two coders' agreement; mistakes shown on the page."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from django.urls import reverse

from docket.evidence.models import Passage, Suggestion, Theme
from tests.web.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(replied):
    return person("editor@office.example", "editor", replied.campaign)


def add_theme(client, campaign, **fields):
    data = {"name": "Mentoring", "description": "", "keywords": "mentoring", "colour": "#00703c", "parent": ""} | fields
    return client.post(reverse("web:theme_add", args=[campaign.slug]), data)


def test_a_passage_is_coded_on_the_page_without_javascript(client, editor, replied):
    client.force_login(editor)
    assert add_theme(client, replied.campaign).status_code == 302
    theme = Theme.objects.get()
    page = reverse("web:document_page", args=[replied.strategy.pk, 3])
    assert "Code a passage" in client.get(page).content.decode()
    url = reverse("web:code", args=["document", replied.strategy.pk, 3])
    response = client.post(url, {"quote": "mentoring scheme", "themes": [str(theme.pk)], "memo": "universal offer"})
    assert response.status_code == 302
    passage = Passage.objects.get()
    assert (passage.page, passage.quote, passage.memo, passage.coder_name) == (
        3,
        "mentoring scheme",
        "universal offer",
        "editor@office.example",
    )
    shown = client.get(page).content.decode()
    assert "Your passages here" in shown
    assert "universal offer" in shown

    response = client.post(url, {"quote": "not on this page", "themes": [str(theme.pk)]}, follow=True)
    assert "These words are not on page 3 of Response Strategy.pdf" in response.content.decode()
    response = client.post(reverse("web:theme_add", args=[replied.campaign.slug]), {"name": " "}, follow=True)
    assert "There is a problem" in response.content.decode()
    assert "Enter a name for the theme." in response.content.decode()


def test_words_typed_with_straight_quotes_and_a_hyphen_are_found_with_the_pages_own(client, editor, replied):
    """The page has curly quotes, a dash and two spaces; what is typed has straight ones, a hyphen and one: coded
    all the same, and the passage is the page's own words."""
    from docket.documents.models import Attachment

    text = replied.strategy.text
    written = "young people\u2019s \u201cright\u201d \u2013 to  mentoring"
    Attachment.objects.filter(pk=replied.strategy.pk).update(text=text.replace("young people", written))
    client.force_login(editor)
    add_theme(client, replied.campaign)
    url = reverse("web:code", args=["document", replied.strategy.pk, 3])
    typed = 'young people\'s "right" - to mentoring reaches'
    response = client.post(url, {"quote": typed, "themes": [str(Theme.objects.get().pk)]}, follow=True)
    assert "The passage is coded." in response.content.decode()
    passage = Passage.objects.get()
    page = Attachment.objects.get(pk=replied.strategy.pk).text
    assert passage.quote == page[passage.start : passage.end] == written + " reaches"
    assert passage.page == 3


def test_what_was_typed_and_ticked_stays_when_the_words_are_not_on_the_page(client, editor, replied):
    client.force_login(editor)
    add_theme(client, replied.campaign)
    add_theme(client, replied.campaign, name="Funding", keywords="")
    ticked, other = Theme.objects.order_by("name")  # Funding, Mentoring
    url = reverse("web:code", args=["document", replied.strategy.pk, 3])
    data = {"quote": "mentorign scheme", "themes": [str(ticked.pk)], "memo": "a universal offer & more"}
    response = client.post(url, data, follow=True)
    shown = response.content.decode()
    assert "These words are not on page 3" in shown
    assert ">\nmentorign scheme</textarea>" in shown
    assert ">\na universal offer &amp; more</textarea>" in shown
    assert f'value="{ticked.pk}" checked>' in shown
    assert f'value="{other.pk}">' in shown
    again = client.get(reverse("web:document_page", args=[replied.strategy.pk, 3])).content.decode()
    assert "mentorign scheme" not in again  # kept only for the page the error is shown on, once


def test_suggestions_and_exports(client, editor, replied):
    client.force_login(editor)
    add_theme(client, replied.campaign)
    theme = Theme.objects.get()
    client.post(reverse("web:theme_suggest", args=[replied.campaign.slug, theme.pk]))
    suggestion = Suggestion.objects.get()
    codebook = client.get(reverse("web:codebook", args=[replied.campaign.slug])).content.decode()
    assert "Our mentoring scheme for young people reaches every secondary school." in codebook
    client.post(reverse("web:suggestion_decide", args=[replied.campaign.slug, suggestion.pk]), {"decision": "accept"})
    assert Passage.objects.get().quote == suggestion.quote
    listing = client.get(reverse("web:passages", args=[replied.campaign.slug])).content.decode()
    assert "page 3 of Response Strategy.pdf" in listing
    csv = client.get(reverse("web:passages_file", args=[replied.campaign.slug, "csv"]))
    assert "Our mentoring scheme" in csv.content.decode("utf-8-sig")
    qdpx = client.get(reverse("web:passages_file", args=[replied.campaign.slug, "qdpx"]))
    assert "project.qde" in zipfile.ZipFile(BytesIO(qdpx.content)).namelist()
    assert client.get(reverse("web:passages_file", args=[replied.campaign.slug, "pdf"])).status_code == 404


def test_agreement_page(client, editor, replied):
    other = person("second@office.example", "editor", replied.campaign)
    client.force_login(editor)
    add_theme(client, replied.campaign)
    theme = Theme.objects.get()
    url = reverse("web:code", args=["document", replied.strategy.pk, 3])
    client.post(url, {"quote": "mentoring scheme", "themes": [str(theme.pk)]})
    client.force_login(other)
    client.post(
        reverse("web:code", args=["reply", replied.message.pk, 0]), {"quote": "knife crime", "themes": [str(theme.pk)]}
    )
    page = client.get(reverse("web:coder_agreement", args=[replied.campaign.slug])).content.decode()
    assert "editor@office.example and second@office.example" in page
    assert "0 of 2" in page
    assert "Mentoring: to reconcile" in page


def test_a_theme_without_a_name_is_said_at_the_name_box_with_what_was_typed_kept(client, editor, replied):
    """The codebook's form leaves checking to Docket (novalidate: no browser bubble), which says it in words."""
    client.force_login(editor)
    codebook = client.get(reverse("web:codebook", args=[replied.campaign.slug])).content.decode()
    assert f'<form method="post" action="{reverse("web:theme_add", args=[replied.campaign.slug])}" novalidate>' in (
        codebook
    )
    response = add_theme(client, replied.campaign, name="  ", description="Schemes pairing a young person")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<li><a href="#id_name">Enter a name for the theme.</a></li>' in page  # the summary links to the box
    assert '<span class="govuk-visually-hidden">Error:</span> Enter a name for the theme.</p><input' in page
    assert ">Schemes pairing a young person</textarea>" in page
    assert 'name="keywords" type="text" value="mentoring"' in page
    assert not Theme.objects.exists()


def test_a_theme_renamed_to_nothing_is_said_at_the_name_box(client, editor, replied):
    client.force_login(editor)
    add_theme(client, replied.campaign)
    theme = Theme.objects.get()
    url = reverse("web:theme_edit", args=[replied.campaign.slug, theme.pk])
    assert "novalidate>" in client.get(url).content.decode()
    data = {"name": "", "description": "", "keywords": "mentors", "colour": "#00703c", "parent": ""}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<li><a href="#id_name">Enter a name for the theme.</a></li>' in page
    assert 'id="id_name" name="name" type="text" value=""' in page  # as typed, not the stored name put back
    assert 'name="keywords" type="text" value="mentors"' in page
    theme.refresh_from_db()
    assert (theme.name, theme.keywords) == ("Mentoring", "mentoring")
