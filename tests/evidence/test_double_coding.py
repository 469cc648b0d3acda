"""Double coding: a campaign setting, changed through the settings action (logged); the documents and who has
coded each, the ones still needing a second coder (the list a team works from); the matrix and the report mark
numbers that hold passages from documents only one person has coded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.campaigns import actions as campaign_actions
from docket.evidence import actions, double_coding, matrix
from docket.evidence.double_coding import Progress
from docket.evidence.report import build
from docket.evidence.report_files import tables
from docket.requests.actions import Actor
from docket.requests.models import Event
from tests.web.conftest import person

pytestmark = pytest.mark.django_db
ANN, BOB = Actor("ann@office.example"), Actor("bob@office.example")


def settings_form(campaign, **changes: str) -> dict[str, str]:
    return {
        "title": campaign.title,
        "letter_date_day": str(campaign.letter_date.day) if campaign.letter_date else "",
        "letter_date_month": str(campaign.letter_date.month) if campaign.letter_date else "",
        "letter_date_year": str(campaign.letter_date.year) if campaign.letter_date else "",
        "email_subject": campaign.email_subject,
        "office": str(campaign.office_id),
        "response_working_days": str(campaign.response_working_days),
        "very_overdue_working_days": str(campaign.very_overdue_working_days),
        "max_chasers": str(campaign.max_chasers),
        "chase_interval_working_days": str(campaign.chase_interval_working_days),
        "chaser_template": campaign.chaser_template,
    } | changes


def test_the_setting_is_changed_on_the_settings_page_and_logged(client, replied):
    campaign = replied.campaign
    client.force_login(person("editor@office.example", "editor", campaign))
    url = reverse("web:campaign_settings", args=[campaign.slug])
    page = client.get(url).content.decode()
    assert 'name="double_coding" type="checkbox"' in page
    assert "Each document must be coded by two people" in page
    client.post(url, settings_form(campaign, double_coding="on"))
    campaign.refresh_from_db()
    assert campaign.double_coding is True
    logged = Event.objects.filter(campaign=campaign, kind="settings_changed").get()
    assert logged.note == "double coding: off → on"
    assert logged.actor_name == "editor@office.example"
    assert 'type="checkbox" checked' in client.get(url).content.decode()
    client.post(url, settings_form(campaign))  # the box left unticked: off again
    campaign.refresh_from_db()
    assert campaign.double_coding is False
    notes = list(Event.objects.filter(kind="settings_changed").order_by("pk").values_list("note", flat=True))
    assert notes[1] == "double coding: on → off"


@pytest.fixture
def coded(replied):
    """Prevention with Mentoring under it, and Funding; ann codes the reply and the strategy, bob the strategy."""
    campaign = replied.campaign
    campaign_actions.change_settings(campaign, {"double_coding": True}, ANN)
    prevention = actions.add_theme(campaign, "Prevention", ANN)
    mentoring = actions.add_theme(campaign, "Mentoring", ANN, parent=prevention)
    funding = actions.add_theme(campaign, "Funding", ANN)
    doc, message = replied.strategy, replied.message
    both = actions.code_passage(message, doc, "mentoring scheme", [prevention, mentoring], ANN, page=3)
    actions.code_passage(message, doc, "young people", [mentoring], ANN, page=3)
    actions.code_passage(message, None, "knife crime work", [prevention], ANN)
    actions.code_passage(message, doc, "funding", [funding], BOB, page=2)
    return replied, {"prevention": prevention, "mentoring": mentoring, "funding": funding, "both": both}


def test_it_lists_each_document_and_who_coded_it(coded):
    replied, _ = coded
    found = {(d.attachment.pk if d.attachment else None): d for d in double_coding.documents(replied.campaign)}
    assert set(found) == {None, replied.strategy.pk}
    assert found[None].coders == ("ann@office.example",)
    assert found[None].progress == Progress.NEEDS_SECOND
    assert found[None].url == reverse("web:reply_text", args=[replied.message.pk])
    assert found[replied.strategy.pk].coders == ("ann@office.example", "bob@office.example")
    assert found[replied.strategy.pk].progress == Progress.DOUBLE_CODED
    assert found[replied.strategy.pk].name == "Response Strategy.pdf"
    counts = double_coding.progress_counts(found.values())
    assert counts == {Progress.NEEDS_SECOND: 1, Progress.DOUBLE_CODED: 1}


def test_the_needs_a_second_coder_list(client, coded):
    replied, _ = coded
    bob = person("bob@office.example", "editor", replied.campaign)
    ann = person("ann@office.example", "editor", replied.campaign)
    url = reverse("web:coding_progress", args=[replied.campaign.slug])
    client.force_login(bob)
    page = client.get(url, {"show": "needs-second"}).content.decode()
    assert page.count('data-progress="needs-second"') == 1
    assert 'data-progress="double-coded"' not in page
    assert f'href="{reverse("web:reply_text", args=[replied.message.pk])}"' in page
    assert "Needs a second coder: 1 to 1 of 1" in page
    assert client.get(url, {"show": "needs-second", "mine": "no"}).content.decode().count("data-progress=") == 1
    everything = client.get(url).content.decode()
    assert everything.count("data-progress=") == 2
    assert f'href="{reverse("web:coder_agreement", args=[replied.campaign.slug])}"' in everything
    client.force_login(ann)  # ann coded both: none left for her
    mine = client.get(url, {"show": "needs-second", "mine": "no"}).content.decode()
    assert "data-progress=" not in mine
    assert "No document matches." in mine
    reply_page = client.get(reverse("web:reply_text", args=[replied.message.pk])).content.decode()
    assert "Coded by ann@office.example." in reply_page
    assert "Needs a second coder" in reply_page
    agreement = client.get(reverse("web:coder_agreement", args=[replied.campaign.slug])).content.decode()
    assert "Needs a second coder: 1" in agreement
    assert f'href="{url}?show=needs-second"' in agreement


def test_the_matrix_and_the_report_mark_numbers_from_documents_one_person_coded(client, coded):
    replied, _ = coded
    recipient = replied.request.recipient
    shown = matrix.themes_of(replied.campaign)
    cells = {c.theme.name: c for c in matrix.rows([recipient], shown, double_coding=True)[0].cells}
    # Prevention: its own two passages and Mentoring's "young people"; only "knife crime work" (the reply) is
    # on a document one person alone has coded.
    assert (cells["Prevention"].count, cells["Prevention"].single) == (3, 1)
    assert (cells["Mentoring"].count, cells["Mentoring"].single) == (2, 0)
    assert (cells["Funding"].count, cells["Funding"].single) == (1, 0)
    plain = {c.theme.name: c.single for c in matrix.rows([recipient], shown)[0].cells}
    assert plain == {"Prevention": 0, "Mentoring": 0, "Funding": 0}

    client.force_login(person("viewer@office.example", "viewer", replied.campaign))
    page = client.get(reverse("web:themes_matrix", args=[replied.campaign.slug])).content.decode()
    assert "1 coded by one person" in page
    assert "requires each document to be coded by two people" in page
    assert "Needs a second coder: 1" in page

    report = build(replied.campaign)
    column = report.themes.index("Prevention (with its sub-themes)")
    row = next(counts for body, counts in report.theme_rows if body == recipient.contact.body.name)
    assert row[column] == 3
    written = tables(report)
    line = next(r for r in written["theme_rows"] if r[0] == recipient.contact.body.name)
    assert line[1 + column] == "3*"
    assert line[1 + report.themes.index("Prevention / Mentoring")] == "2"
    assert "1 document is coded by two people, 1 by one only" in written["themes_note"]
