"""Chasing from a request page: the ledger's rules (one rule set), a page that shows the chaser before
it goes, and a chaser whose words are true (never before the reply is due; after a reply, only what
is outstanding). A broken chaser template is refused when saved, and a chase that meets one (saved
before templates were checked) says in plain words what to do."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.campaigns.models import Campaign, RecipientItem
from docket.mail.models import OutboxMessage
from docket.requests import actions
from docket.requests.models import InfoRequest
from tests.web.conftest import SOMEONE, Team, sent
from tests.web.test_campaign_settings import valid
from tests.web.test_new_campaign import settings_form
from tests.web.test_user_errors import error_summary

pytestmark = pytest.mark.django_db


def chase(client, team: Team, request: InfoRequest, **data: str):
    client.force_login(team["coordinator"])
    return client.post(reverse("web:request_action", args=[request.pk, "chase"]), data, follow=True)


def chasers() -> int:
    return OutboxMessage.objects.filter(kind=OutboxMessage.Kind.CHASER).count()


def dated_back(request: InfoRequest, days: int, due_in: int) -> InfoRequest:
    """The request as if its letter went ``days`` ago and its reply is due in ``due_in`` days (negative: past)."""
    went = timezone.now() - datetime.timedelta(days=days)
    due = timezone.localdate() + datetime.timedelta(days=due_in)
    InfoRequest.objects.filter(pk=request.pk).update(sent_at=went, due_date=due)
    OutboxMessage.objects.filter(request=request).update(sent_at=went)
    request.refresh_from_db()
    return request


@pytest.fixture
def waiting(team: Team) -> InfoRequest:
    return sent(team["request"])


def test_no_chaser_goes_from_the_request_page_on_the_day_the_letter_went(client, team, waiting):
    summary = error_summary(chase(client, team, waiting, confirm="yes"))
    assert waiting.due_date is not None
    first = waiting.due_date + datetime.timedelta(days=1)  # the day its reply is overdue
    assert f"No chaser was sent. The letter went today: a chaser can be sent from {first.day} {first:%B %Y}" in summary
    assert "It was written to today" not in summary
    assert chasers() == 0


def test_no_chaser_goes_before_the_reply_is_due(client, team, waiting):
    waiting = dated_back(waiting, days=7, due_in=14)
    summary = error_summary(chase(client, team, waiting, confirm="yes"))
    due = waiting.due_date
    assert due is not None
    assert (
        f"No chaser was sent. Its reply is not due until {due.day} {due:%B %Y}: a chaser goes once the reply is overdue"
        in summary
    )
    assert chasers() == 0


def test_an_overdue_request_is_chased_after_a_page_that_shows_the_chaser(client, team, waiting):
    waiting = dated_back(waiting, days=40, due_in=-10)
    page = chase(client, team, waiting).content.decode()
    assert "Send a chaser to Hampshire Police and Crime Commissioner?" in page
    assert "I have not yet received a reply." in page
    assert chasers() == 0  # it asks first
    assert 'id="beyond-max-chasers"' not in page
    response = chase(client, team, waiting, confirm="yes")
    assert "The chaser is in the outbox: it goes in a moment." in response.content.decode()
    assert chasers() == 1
    # Straight after, a second is refused by the same rules (never two the same day).
    summary = error_summary(chase(client, team, waiting, confirm="yes"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    said = f"No chaser was sent. A chaser went today: another can be sent from {tomorrow.day} {tomorrow:%B %Y}"
    assert said in summary
    assert chasers() == 1


def test_after_a_reply_the_chaser_thanks_and_names_only_what_is_outstanding(client, team, waiting):
    waiting = dated_back(waiting, days=40, due_in=-10)
    first = RecipientItem.objects.filter(recipient=waiting.recipient, state="ask").order_by("item__position")[0]
    actions.mark_item_received(waiting, first.item.key, SOMEONE)
    waiting.refresh_from_db()
    assert waiting.state == "partially_answered"
    page = chase(client, team, waiting).content.decode()
    assert "Thank you for your reply. I have not yet received your" in page
    assert first.item.label not in page[page.index('id="chaser-text"') :]
    assert "A reply was due" not in page


def test_nothing_is_chased_once_every_item_has_come(client, team, waiting):
    waiting = dated_back(waiting, days=40, due_in=-10)
    for state in RecipientItem.objects.filter(recipient=waiting.recipient, state="ask"):
        actions.mark_item_received(waiting, state.item.key, SOMEONE)
    summary = error_summary(chase(client, team, waiting, confirm="yes"))
    assert "No chaser was sent. It is answered" in summary
    assert chasers() == 0


def test_the_ledger_chase_keeps_the_same_rules(client, team, waiting):
    waiting = dated_back(waiting, days=7, due_in=14)
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_chase", args=[waiting.campaign.slug])
    page = client.post(url, {"recipient": [waiting.recipient_id]}).content.decode()
    assert "Its reply is not due until" in page


def test_a_chase_that_meets_a_broken_chaser_template_says_what_to_do(client, team, waiting):
    waiting = dated_back(waiting, days=40, due_in=-10)
    Campaign.objects.filter(pk=waiting.campaign_id).update(chaser_template="Hello {{ unclosed")  # saved before checks
    summary = html.unescape(error_summary(chase(client, team, waiting)))
    assert "its chaser template has a mistake. Line 1: a {{ is not closed with }}." in summary
    assert "Correct the chaser template in the campaign's settings" in summary
    assert "campaign '" not in summary
    assert "end of print statement" not in summary
    assert chasers() == 0


def test_the_settings_form_refuses_a_broken_chaser_template(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    data = valid(office=str(campaign.office.pk), chaser_template="Dear all,\n\nHello {{ unclosed\n\nThanks")
    response = client.post(reverse("web:campaign_settings", args=[campaign.slug]), data)
    page = response.content.decode()
    assert "Line 3: a {{ is not closed with }}" in page
    assert 'href="#id_chaser_template"' in page  # the error summary links to the box
    campaign.refresh_from_db()
    assert campaign.chaser_template == ""


def test_the_new_campaign_form_refuses_a_broken_chaser_template(client, team: Team):
    client.force_login(team["editor"])
    before = Campaign.objects.count()
    data = settings_form(team, slug="chased", chaser_template="Hello {{ unclosed")
    page = client.post(reverse("web:new_campaign"), data).content.decode()
    assert "Line 1: a {{ is not closed with }}" in page
    assert 'href="#id_chaser_template"' in page
    assert Campaign.objects.count() == before


def test_a_chaser_beyond_the_campaigns_most_is_sent_by_hand_with_a_warning_first(client, team, waiting):
    waiting = dated_back(waiting, days=40, due_in=-10)
    Campaign.objects.filter(pk=waiting.campaign_id).update(max_chasers=0)
    page = chase(client, team, waiting).content.decode()
    assert 'id="beyond-max-chasers"' in page
    assert "has had 0 chasers, the most this campaign sends by itself (0)" in html.unescape(page)
    chase(client, team, waiting, confirm="yes")
    assert chasers() == 1
