"""The campaign page's "All N recipients" (every recipient its filter and search leave, not only those ticked),
offered on a page of one page of recipients too: approving or sending them all first shows a page that says how
many letters that is, and does nothing until it is confirmed. Without JavaScript: plain forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.requests import actions
from docket.requests.models import InfoRequest
from docket.worker.models import BulkJob
from tests.web.conftest import Team, sent

pytestmark = pytest.mark.django_db


def test_a_campaign_of_one_page_offers_every_recipient_at_once(client, team: Team):
    campaign = team["campaign"]
    count = campaign.recipients.count()
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:campaign", args=[campaign.slug])).content.decode()
    assert "Page 1 of" not in page  # one page: no ticking on every page needed, but every row still had to be
    assert f"All {count} recipients, not only those ticked" in page
    assert 'name="everyone" type="checkbox" value="yes"' in page


def test_sending_to_everyone_says_how_many_first_and_sends_nothing_until_confirmed(client, team: Team):
    campaign = team["campaign"]
    count = campaign.recipients.count()
    gone = campaign.recipients.get(contact__full_name="Michael Lane")
    sent(actions.request_for(gone))
    client.force_login(team["coordinator"])
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    page = client.post(url, {"action": "send", "everyone": "yes", "state": "", "q": ""}).content.decode()
    assert f"Approve and send {count - 1} letters?" in page
    assert f"This campaign has {count} recipients." in page
    assert f"{count - 1} of them have a letter not sent yet: each is approved and emailed." in page
    assert "The other 1 is past that already (queued, sent or closed) and is left as it is." in page
    assert f"Yes, approve and send {count - 1} letters" in page
    assert not BulkJob.objects.exists()
    assert set(InfoRequest.objects.values_list("state", flat=True)) <= {"draft", "sent"}

    confirmed = client.post(url, {"action": "send", "everyone": "yes", "confirm": "yes", "state": "", "q": ""})
    job = BulkJob.objects.get()
    assert confirmed.url == reverse("web:job", args=[job.pk])
    assert job.total == count - 1  # the one sent already is not sent again


def test_approving_everyone_a_search_leaves_counts_those_only_and_cancel_keeps_the_search(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["coordinator"])
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    page = client.post(url, {"action": "approve", "everyone": "yes", "state": "", "q": "Hampshire"}).content.decode()
    assert "Approve 1 letter?" in page
    assert "1 recipient matches the filter and search you chose." in page
    assert "1 of them has a draft letter: it is approved, ready to send." in page
    assert f'href="{reverse("web:campaign", args=[campaign.slug])}?q=Hampshire">Cancel</a>' in page
    assert not InfoRequest.objects.filter(state="approved").exists()

    client.post(url, {"action": "approve", "everyone": "yes", "confirm": "yes", "state": "", "q": "Hampshire"})
    approved = InfoRequest.objects.get(state="approved")
    assert "Hampshire" in approved.recipient.contact.body.name


def test_chasing_everyone_is_refused_in_words_not_done_for_the_ticked_rows_only(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_chase", args=[campaign.slug])
    page = client.post(url, {"everyone": "yes"}, follow=True).content.decode()
    assert "it does not chase. To chase, tick each body to chase." in page


def test_a_search_that_leaves_one_recipient_offers_it_in_words_for_one(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:campaign", args=[campaign.slug]), {"q": "Hampshire"}).content.decode()
    assert "The 1 recipient this filter and search leave, whether ticked or not" in page
    assert "All 1 recipient" not in page
