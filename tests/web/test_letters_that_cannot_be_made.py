"""Letters that cannot be made are caught before anything is approved or sent (issue 11, item 6).

The campaign page says, beside each recipient, whether its letter can be made and why not;
approving and sending refuse those letters in a red error summary naming each recipient and
the reason; a template with an error can be saved, and the page says how many letters it breaks.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.campaigns.models import Campaign, Recipient
from docket.mail.models import OutboxMessage
from docket.requests.models import InfoRequest
from tests.web.conftest import Team

pytestmark = pytest.mark.django_db


def blank_field(campaign: Campaign, name: str = "Michael Lane") -> Recipient:
    """Hampshire's vru_work (printed by the example's letter) made blank, as an empty spreadsheet cell leaves it."""
    recipient = campaign.recipients.get(contact__full_name=name)
    recipient.fields = {**recipient.fields, "vru_work": ""}
    recipient.save(update_fields=["fields"])
    return recipient


def test_the_campaign_page_says_which_letters_cannot_be_made_and_why(client, team: Team):
    campaign = team["campaign"]
    broken = blank_field(campaign)
    client.force_login(team["viewer"])
    page = client.get(reverse("web:campaign", args=[campaign.slug])).content.decode()
    assert "1 letter shown here cannot be made" in page
    assert page.count("Cannot be made") == 1
    body = broken.contact.body.name
    assert f"{body}&#x27;s field &quot;vru_work&quot; is blank: fill it in" in page
    assert page.count("Can be made") == campaign.recipients.count() - 1


def test_approving_refuses_the_letters_that_cannot_be_made_in_a_red_summary(client, team: Team):
    campaign = team["campaign"]
    broken = blank_field(campaign)
    fine = campaign.recipients.get(contact__full_name="Anthony Stansfeld")
    client.force_login(team["coordinator"])
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    response = client.post(url, {"action": "approve", "recipient": [broken.pk, fine.pk]}, follow=True)
    page = response.content.decode()
    assert InfoRequest.objects.get(recipient=broken).state == "draft"
    assert InfoRequest.objects.get(recipient=fine).state == "approved"
    summary = page[page.index("govuk-error-summary") : page.index("govuk-notification-banner")]
    assert "1 letter was not approved" in summary
    assert f"<li>{broken.contact.body.name} (Michael Lane): Line " in summary
    assert "is blank" in summary
    assert "1 letter approved." in page  # the one that can be made, in its own green banner


def test_sending_refuses_them_too_and_queues_nothing_for_them(client, team: Team):
    campaign = team["campaign"]
    broken = blank_field(campaign)
    client.force_login(team["coordinator"])
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    page = client.post(url, {"action": "send", "recipient": [broken.pk]}, follow=True).content.decode()
    assert "1 letter was not sent" in page
    assert "govuk-notification-banner--success" not in page
    assert InfoRequest.objects.get(recipient=broken).state == "draft"  # not left approved with a broken letter
    assert not OutboxMessage.objects.exists()


def test_a_template_with_an_error_is_saved_and_the_page_says_how_many_letters_it_breaks(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    url = reverse("web:editor", args=[campaign.slug])
    source = campaign.template_source + "\n{{ fields.budget }}\n"
    page = client.post(url, {"template_source": source, "action": "save"}, follow=True).content.decode()
    campaign.refresh_from_db()
    assert campaign.template_source.endswith("{{ fields.budget }}")
    count = campaign.recipients.count()
    assert f"The letter template is saved, but {count} of its {count} letters cannot be made" in page
    assert "govuk-notification-banner--success" not in page


def test_send_the_letter_with_a_template_error_answers_an_error_summary(client, team: Team):
    from docket.requests import actions
    from docket.requests.actions import Actor

    request = actions.approve(team["request"], Actor("test"))
    Campaign.objects.filter(pk=request.campaign_id).update(template_source="{{ contact.nmae }}")
    client.force_login(team["coordinator"])
    response = client.post(reverse("web:request_action", args=[request.pk, "queue"]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "did you mean &quot;contact.full_name&quot;?" in page


def test_approving_one_request_refuses_a_letter_that_cannot_be_made(client, team: Team):
    request = team["request"]
    blank_field(team["campaign"])
    client.force_login(team["coordinator"])
    response = client.post(reverse("web:request_action", args=[request.pk, "approve"]), follow=True)
    page = response.content.decode()
    request.refresh_from_db()
    assert request.state == "draft"
    assert "cannot be made, so nothing was done. Line " in page
    assert "govuk-error-summary" in page


@pytest.mark.parametrize("action", ["", "??", "Send"])
def test_a_bulk_post_that_is_neither_button_does_nothing(client, team: Team, action: str):
    """Anything but "approve" used to approve and send: only the two buttons' values do anything now."""
    campaign = team["campaign"]
    fine = campaign.recipients.get(contact__full_name="Anthony Stansfeld")
    client.force_login(team["coordinator"])
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    response = client.post(url, {"action": action, "recipient": [fine.pk]})
    assert response.status_code == 400
    assert not InfoRequest.objects.filter(recipient=fine).exclude(state="draft").exists()
    assert not OutboxMessage.objects.exists()


def test_a_letter_with_no_text_yet_cannot_be_made_approved_or_queued(client, team: Team):
    from docket.requests.actions import Actor
    from docket.requests.letters import for_queueing, queue_chunk

    campaign = team["campaign"]
    campaign.template_source = "  \n"
    campaign.save(update_fields=["template_source"])
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:campaign", args=[campaign.slug])).content.decode()
    assert "Can be made" not in page
    assert "The letter has no text yet: write it on the campaign&#x27;s Letter page first." in page
    everyone = list(campaign.recipients.values_list("pk", flat=True))
    url = reverse("web:campaign_bulk", args=[campaign.slug])
    page = client.post(url, {"action": "send", "recipient": everyone[:2]}, follow=True).content.decode()
    assert "2 letters were not sent" in page
    queued, skipped = queue_chunk(campaign, for_queueing(campaign, everyone), Actor("test"))  # a worker's chunk
    assert queued == []
    assert {why for _, why in skipped} == {"The letter has no text yet: write it on the campaign's Letter page first."}
    assert not OutboxMessage.objects.exists()


def test_a_template_too_long_to_read_is_not_saved_and_the_page_says_why(client, team: Team):
    from docket.letters.template_limits import MAX_SOURCE

    campaign = team["campaign"]
    before = campaign.template_source
    client.force_login(team["editor"])
    url = reverse("web:editor", args=[campaign.slug])
    source = before + "\n" + "Padding. " * (MAX_SOURCE // 9)
    page = client.post(url, {"template_source": source, "action": "save"}, follow=True).content.decode()
    assert "<title>Error: Letter" in page
    assert f"The letter template must be {MAX_SOURCE:,} characters or fewer; it is {len(source.strip()):,}" in page
    assert 'href="#id_template_source"' in page
    campaign.refresh_from_db()
    assert campaign.template_source == before


def test_saving_a_changed_template_says_the_letters_already_in_the_outbox_keep_their_text(client, team: Team):
    from docket.mail.models import OutboxState
    from docket.requests import actions
    from docket.requests.letters import queue
    from tests.web.conftest import SOMEONE

    campaign = team["campaign"]
    waiting, gone, *_ = list(campaign.recipients.order_by("pk"))
    queue(actions.approve(actions.request_for(waiting), SOMEONE), SOMEONE)  # held in the outbox, not yet sent
    went = queue(actions.approve(actions.request_for(gone), SOMEONE), SOMEONE)
    OutboxMessage.objects.filter(pk=went.pk).update(state=OutboxState.SENT)  # sent already: not counted
    client.force_login(team["editor"])
    url = reverse("web:editor", args=[campaign.slug])
    source = campaign.template_source + "\nWe look forward to your reply.\n"
    page = client.post(url, {"template_source": source, "action": "save"}, follow=True).content.decode()
    assert (
        "The letter template is saved. 1 letter already in the outbox keeps the text it was approved with. "
        "The change applies to letters approved from now on." in page
    )
    again = client.post(url, {"template_source": source, "action": "save"}, follow=True).content.decode()
    assert "already in the outbox" not in again  # nothing changed: nothing to say of the outbox
