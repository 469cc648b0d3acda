"""A letter that bounced, sent again from the request page once the address is corrected; and the request
and chase pages say where the letter actually went, not the address the directory gives now."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.mail.bounces import handle_bounce
from docket.mail.models import OutboxMessage, OutboxState
from docket.requests import actions
from docket.requests.models import InfoRequest
from tests.mail.test_bounces import dsn
from tests.web.conftest import SOMEONE, Team, sent
from tests.web.test_user_errors import error_summary

pytestmark = pytest.mark.django_db
NEW = "pcc.office@hampshire-pcc.example"


def bounce(request: InfoRequest) -> InfoRequest:
    """The request's letter, sent (some days ago) and bounced: the request is undeliverable."""
    went = timezone.now() - datetime.timedelta(days=40)
    letter = request.outbox.get()
    OutboxMessage.objects.filter(pk=letter.pk).update(state=OutboxState.SENT, sent_at=went)
    InfoRequest.objects.filter(pk=request.pk).update(
        sent_at=went, due_date=timezone.localdate() - datetime.timedelta(days=10)
    )
    letter.refresh_from_db()
    assert handle_bounce(dsn(letter)) == letter
    request.refresh_from_db()
    assert request.state == "undeliverable"
    return request


@pytest.fixture
def bounced(team: Team) -> InfoRequest:
    return bounce(sent(team["request"]))


def correct(request: InfoRequest, address: str = NEW) -> None:
    contact = request.recipient.contact
    contact.email = address
    contact.save()


def page_of(client, user, request: InfoRequest) -> str:
    client.force_login(user)
    return html.unescape(client.get(reverse("web:request", args=[request.pk])).content.decode())


def send_again(client, user, request: InfoRequest):
    client.force_login(user)
    return client.post(reverse("web:send_again", args=[request.pk]), follow=True)


def test_the_page_explains_the_bounce_and_offers_to_send_again_to_those_who_send(client, team, bounced):
    old = bounced.outbox.get().envelope_to
    page = page_of(client, team["coordinator"], bounced)
    assert f"The letter bounced from {old}" in page
    assert "Correct the address in the directory, then send the letter again" in re.sub(r"<[^>]+>", "", page)
    assert f'action="{reverse("web:send_again", args=[bounced.pk])}"' in page
    assert "Send the letter again</button>" in page
    viewers = page_of(client, team["viewer"], bounced)
    assert f"The letter bounced from {old}" in viewers
    assert "Send the letter again</button>" not in viewers


def test_a_viewer_cannot_send_it_again(client, team, bounced):
    correct(bounced)
    client.force_login(team["viewer"])
    assert client.post(reverse("web:send_again", args=[bounced.pk])).status_code == 403
    assert bounced.outbox.count() == 1


def test_sending_again_to_the_address_that_bounced_is_refused_in_an_error_summary(client, team, bounced):
    summary = error_summary(send_again(client, team["coordinator"], bounced))
    assert "The address is still the one the letter bounced from: correct it first" in summary
    assert bounced.outbox.count() == 1
    bounced.refresh_from_db()
    assert bounced.state == "undeliverable"


def test_the_letter_goes_again_to_the_corrected_address(client, team, bounced):
    correct(bounced)
    response = send_again(client, team["coordinator"], bounced)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"The letter is in the outbox again, to {NEW}." in page
    assert "Letter sent again to a corrected address" in page  # on the timeline
    again = bounced.outbox.order_by("-pk").first()
    assert bounced.outbox.count() == 2
    assert again.envelope_to == NEW
    bounced.refresh_from_db()
    assert bounced.state == "queued"


def test_after_reopening_the_pages_say_the_letter_went_to_the_old_address(client, team, bounced):
    old = bounced.outbox.get().envelope_to
    correct(bounced)
    actions.reopen(bounced, SOMEONE, "address corrected")
    page = page_of(client, team["coordinator"], bounced)
    assert f'Letter emailed to</dt><dd class="govuk-summary-list__value" id="letter-went-to">{old}' in page
    assert f"Not the address above: nothing has been sent to {NEW}." in page
    chase = html.unescape(
        client.post(reverse("web:request_action", args=[bounced.pk, "chase"]), follow=True).content.decode()
    )
    assert f"(the letter, to {old})" in chase
    assert f"Nothing has been sent to {NEW} yet: the last message went to {old}." in chase
