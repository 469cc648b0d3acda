"""The themes matrix: bodies by themes, a cell's passages and summary, and why a cell is empty (the ledger's
word: nothing received, refused, or received but silent on the theme); its queries do not grow with the bodies."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from docket.campaigns import actions as ledger_actions
from docket.campaigns.importing import import_recipients
from docket.campaigns.models import RecipientItem
from docket.directory.models import Tag
from docket.evidence import actions, matrix
from docket.evidence.actions import CodingError
from docket.evidence.models import ThemeSummary
from docket.requests import actions as request_actions
from docket.requests.models import Event
from tests.factories import contact_row, write_csv
from tests.web.conftest import SOMEONE, sent

pytestmark = pytest.mark.django_db
FIELDS = {"field:vru_work": "works", "field:mention_annual_report": "", "field:updates_joined_by": "and"}


def states(page: str, recipient: int) -> list[str]:
    import re

    row = page.split(f'id="themes-row-{recipient}"', 1)[1].split("</tr>", 1)[0]
    return re.findall(r'data-state="(\w+)"', row)


def test_a_cell_says_why_it_is_empty(client, team, two_campaigns, tmp_path):
    ours = two_campaigns["ours"]
    other = actions.add_theme(ours.campaign, "Funding", SOMEONE)
    # Anthony Stansfeld's request (ours.sent) has the reply with an attachment, coded with "A theme".
    import_recipients(ours.campaign, write_csv(tmp_path / "one.csv", [contact_row(9, body="Refusing body", **FIELDS)]))
    refused = sent(request_actions.request_for(ours.campaign.recipients.get(contact__full_name="Person 9")))
    ledger_actions.set_item_status(
        refused, ours.item.key, RecipientItem.Status.REFUSED, SOMEONE, ledger_actions.Evidence(note="s.31")
    )
    client.force_login(team["viewer"])
    page = client.get(reverse("web:themes_matrix", args=[ours.campaign.slug])).content.decode()
    assert states(page, ours.sent.recipient_id) == ["coded", "silent"]
    assert states(page, refused.recipient_id) == ["refused", "refused"]
    assert states(page, ours.recipient.pk) == ["nothing", "nothing"]
    assert "1 passage<" in page
    assert "Received, silent on this theme" in page
    assert "No documents received" in page
    cell = reverse("web:theme_cell", args=[ours.campaign.slug, ours.sent.recipient_id, ours.theme.pk])
    assert f'href="{cell}"' in page
    opened = client.get(cell).content.decode()
    assert f'href="{reverse("web:reply_text", args=[ours.reply.pk])}"' in opened
    assert "“body”" in opened
    empty = client.get(reverse("web:theme_cell", args=[ours.campaign.slug, refused.recipient_id, other.pk]))
    assert "Refused." in empty.content.decode()


def test_a_summary_is_a_named_action_with_an_event(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    recipient = ours.sent.recipient
    url = reverse("web:theme_summary", args=[ours.campaign.slug, recipient.pk, ours.theme.pk])
    client.force_login(team["editor"])
    client.post(url, {"summary": "  Mentoring in every school.  "})
    assert ThemeSummary.objects.get().text == "Mentoring in every school."
    client.post(url, {"summary": "Mentoring in every school."})  # the same: nothing logged
    client.post(url, {"summary": "x" * 1001})
    assert ThemeSummary.objects.get().text == "Mentoring in every school."
    page = client.get(reverse("web:theme_cell", args=[ours.campaign.slug, recipient.pk, ours.theme.pk]))
    assert "at most 1,000 characters" in page.content.decode()
    matrix_page = client.get(reverse("web:themes_matrix", args=[ours.campaign.slug])).content.decode()
    assert "Mentoring in every school." in matrix_page
    client.post(url, {"summary": ""})
    assert not ThemeSummary.objects.exists()
    logged = Event.objects.filter(kind="theme_summary_saved").order_by("pk")
    assert [(e.campaign_id, e.request_id) for e in logged] == [(ours.campaign.pk, ours.sent.pk)] * 2
    assert logged[1].note.endswith(": cleared")
    theirs = two_campaigns["theirs"]
    with pytest.raises(CodingError, match="own campaign"):
        actions.save_summary(recipient, theirs.theme, "no", SOMEONE)


def test_filtered_by_tag_and_kind(client, team, two_campaigns, tmp_path):
    ours = two_campaigns["ours"]
    rows = [contact_row(9, body="A fire service", body_kind="Fire and Rescue Authority")]
    import_recipients(ours.campaign, write_csv(tmp_path / "one.csv", rows))
    body = ours.sent.recipient.contact.body
    tag = Tag.objects.create(name="Matrix test tag")
    body.tags.add(tag)
    client.force_login(team["viewer"])
    url = reverse("web:themes_matrix", args=[ours.campaign.slug])
    shown = client.get(url, {"tag": "Matrix test tag"}).content.decode()
    assert f'id="themes-row-{ours.sent.recipient_id}"' in shown
    assert f'id="themes-row-{ours.recipient.pk}"' not in shown
    assert "of 1, theme by theme" in shown
    kind = client.get(url, {"kind": "Fire and Rescue Authority"}).content.decode()
    assert "A fire service" in kind
    assert body.name not in kind.split('id="themes-matrix"')[1]
    assert "of 1, theme by theme" in kind


def test_the_matrix_asks_the_same_queries_for_3_or_63_bodies(client, team, two_campaigns, tmp_path):
    ours = two_campaigns["ours"]
    for name in ("B", "C", "D"):
        actions.add_theme(ours.campaign, name, SOMEONE)
    client.force_login(team["viewer"])
    url = reverse("web:themes_matrix", args=[ours.campaign.slug])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    rows = [contact_row(number, body=f"Zeta body {number}") for number in range(10, 70)]
    import_recipients(ours.campaign, write_csv(tmp_path / "more.csv", rows))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(few)
    assert f"Bodies 1 to 50 of {ours.campaign.recipients.count()}" in page
    assert "Bodies 51 to" in client.get(url + "?page=2").content.decode()


def test_counts_are_per_body_and_theme(two_campaigns):
    ours = two_campaigns["ours"]
    second = actions.add_theme(ours.campaign, "Second", SOMEONE)
    actions.code_passage(ours.reply, None, "body", [ours.theme, second], SOMEONE)
    themes = matrix.themes_of(ours.campaign)
    found = matrix.counts([ours.sent.recipient_id, ours.recipient.pk], themes)
    assert found == {(ours.sent.recipient_id, ours.theme.pk): 2, (ours.sent.recipient_id, second.pk): 1}
