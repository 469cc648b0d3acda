"""The campaign page's "All N recipients" (every recipient its filter and search leave, not only those ticked),
offered on a page of one page of recipients too: approving or sending them all first shows a page that says how
many letters that is, and does nothing until it is confirmed. Without JavaScript: plain forms."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from docket.requests import actions
from docket.requests.models import InfoRequest
from docket.worker.models import BulkJob
from tests.web.conftest import Team, sent


def counted(page: str) -> dict[str, str]:
    """The hidden fields the confirmation page carries: what it counted (how many, and the highest id)."""
    found = {name: re.search(rf'name="{name}" value="(\d+)"', page) for name in ("counted", "upto")}
    assert all(found.values()), found
    return {name: match[1] for name, match in found.items() if match}


pytestmark = pytest.mark.django_db


def test_a_campaign_of_one_page_offers_every_recipient_at_once(client, team: Team):
    campaign = team["campaign"]
    count = campaign.recipients.count()
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:campaign", args=[campaign.slug])).content.decode()
    assert "Page 1 of" not in page  # one page: no ticking on every page needed, but every row still had to be
    assert f"All {count} recipients, not only those ticked" in page
    assert 'name="everyone" type="checkbox" value="yes"' in page
    # What asks first and what does not, said plainly (a tester took the box's hint for the ticked rows' too).
    assert "With this ticked, the next page says how many letters that is, and asks before" in page
    assert "ticked are approved, or approved and sent, as soon as you press the button" in page


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

    asked = {"action": "send", "everyone": "yes", "confirm": "yes", "state": "", "q": "", **counted(page)}
    confirmed = client.post(url, asked)
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

    asked = {"action": "approve", "everyone": "yes", "confirm": "yes", "state": "", "q": "Hampshire"}
    client.post(url, asked | counted(page))
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


def test_recipients_added_after_the_page_counted_are_not_sent_and_the_page_asks_again(client, team: Team, tmp_path):
    from docket.campaigns.importing import import_recipients
    from tests.factories import contact_row, write_csv

    campaign = team["campaign"]
    count = campaign.recipients.count()
    client.force_login(team["coordinator"])
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    page = client.post(url, {"action": "send", "everyone": "yes", "state": "", "q": ""}).content.decode()
    assert f"Approve and send {count} letters?" in page
    shown = counted(page)
    import_recipients(campaign, write_csv(tmp_path / "more.csv", [contact_row(n) for n in (1, 2)]))  # meanwhile

    asked = {"action": "send", "everyone": "yes", "confirm": "yes", "state": "", "q": ""}
    again = client.post(url, asked | shown).content.decode()
    assert not BulkJob.objects.exists()  # nothing sent: not the 3 it said, nor the 5 there are now
    assert "2 recipients were added since this page was shown: check the number and confirm again." in again
    assert 'class="govuk-warning-text" id="confirm-changed"' in again
    assert f"This campaign has {count + 2} recipients." in again

    # One gone meanwhile, one added: as many as counted, but only those counted are sent.
    added = list(campaign.recipients.filter(pk__gt=shown["upto"]).order_by("pk"))
    added[-1].delete()
    sent(actions.request_for(campaign.recipients.get(contact__full_name="Michael Lane")))
    client.post(url, asked | shown)
    job = BulkJob.objects.get()
    assert job.total == count - 1
    assert added[0].pk not in job.options["recipients"]  # the other one added is not among them
    assert max(job.options["recipients"]) <= int(shown["upto"])


def test_the_confirmation_counts_only_letters_that_can_be_made_and_the_job_names_those_left_out(client, team: Team):
    from tests.web.test_letters_that_cannot_be_made import blank_field

    campaign = team["campaign"]
    count = campaign.recipients.count()
    broken = blank_field(campaign)
    client.force_login(team["coordinator"])
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    page = client.post(url, {"action": "send", "everyone": "yes", "state": "", "q": ""}).content.decode()
    assert f"Approve and send {count - 1} letters?" in page
    assert f"{count} of them have a letter not sent yet, and {count - 1} of those can be made and sent" in page
    assert "1 letter cannot be sent" in page
    body = broken.contact.body.name
    why = f"{body}&#x27;s field &quot;vru_work&quot; is blank: fill it in"
    listed = page[page.index('id="confirm-cannot"') :]
    assert listed.index(f"<li>{broken.contact.full_name} ({body}): Line 12: {why}") < listed.index("</ul>")

    asked = {"action": "send", "everyone": "yes", "confirm": "yes", "state": "", "q": ""}
    job_page = client.post(url, asked | counted(page), follow=True).content.decode()
    job = BulkJob.objects.get()
    assert job.total == count
    assert job.skipped == 1
    assert job.options["recipients"] == sorted(r.pk for r in campaign.recipients.exclude(pk=broken.pk))
    assert "Not done (1)" in job_page
    listed = job_page[job_page.index('id="job-problems"') :]
    assert listed.index(f"<li>{broken.contact.full_name} ({body}): Line 12: {why}") < listed.index("</ul>")
    assert InfoRequest.objects.filter(recipient=broken, state="approved").count() == 0


def test_with_every_letter_sent_already_the_page_says_there_are_none_to_send(client, team: Team):
    """Not "Approve and send 0 letters?" with no button under it: that there are none, and nothing to press."""
    campaign = team["campaign"]
    for recipient in campaign.recipients.all():
        sent(actions.request_for(recipient))
    client.force_login(team["coordinator"])
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    page = client.post(url, {"action": "send", "everyone": "yes", "state": "", "q": ""}).content.decode()
    assert "No letters to approve and send" in page
    assert "0 letters?" not in page
    assert "Yes, approve and send" not in page
