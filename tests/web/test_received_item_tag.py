"""An attachment marked as a requested item is tagged with the item's name in a sentence: "This is your
force's strategy", not "This is the your force's strategy" (an item named with its own article)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.campaigns.models import RecipientItem
from docket.mail.intake import mark_attachment_fulfils
from docket.mail.models import InboundMessage
from tests.web.conftest import SOMEONE, Team, mail_with_attachment, sent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "tag"),
    [
        ("your force's modern slavery strategy", "This is your force&#x27;s modern slavery strategy"),
        ("The annual report", "This is the annual report"),
        ("A list of contracts", "This is a list of contracts"),
        ("An equality impact assessment", "This is an equality impact assessment"),
        ("Response strategy", "This is the Response strategy"),
    ],
)
def test_the_tag_reads_well_whatever_article_the_item_s_title_has(client, team: Team, title: str, tag: str):
    request = sent(team["request"])
    _, attachment = mail_with_attachment("Re: letter", status=InboundMessage.Status.FILED, request=request)
    asked = RecipientItem.objects.filter(recipient=request.recipient, state=RecipientItem.State.ASK).first()
    assert asked is not None
    RecipientItem.objects.filter(pk=asked.pk).update(title=title)  # the body's own title for the item
    mark_attachment_fulfils(attachment, asked.item.key, SOMEONE)
    client.force_login(team["viewer"])
    page = client.get(reverse("web:request", args=[request.pk])).content.decode()
    assert f'<strong class="govuk-tag govuk-tag--green">{tag}</strong>' in page
    assert "This is the your" not in page
    assert "this is the the" not in page.lower()
