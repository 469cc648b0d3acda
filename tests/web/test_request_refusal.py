"""Refusing a whole request needs the body's reason and asks first (GOV.UK warning, no JavaScript);
the items still awaited from it are refused with that reason; reopening gives the request back the
state what it holds gives (a reply filed: partially answered)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.campaigns import ledger
from docket.campaigns.actions import Evidence, set_item_status
from docket.campaigns.models import RecipientItem
from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.actions import TransitionError
from docket.requests.models import InfoRequest
from tests.samples import reply
from tests.web.conftest import SOMEONE, Team, sent

pytestmark = pytest.mark.django_db


def refuse(client, team: Team, request: InfoRequest, **data: str):
    client.force_login(team["coordinator"])
    return client.post(reverse("web:request_action", args=[request.pk, "refuse"]), data, follow=True)


@pytest.fixture
def waiting(team: Team) -> InfoRequest:
    return sent(team["request"])


def state_of(request: InfoRequest) -> str:
    request.refresh_from_db()
    return request.state


def test_a_refusal_without_a_reason_is_an_error_on_the_reason_box(client, team, waiting):
    for data in ({"note": ""}, {"note": "  ", "confirm": "yes"}):
        response = refuse(client, team, waiting, **data)
        page = response.content.decode()
        assert response.status_code == 400
        assert '<a href="#refusal-reason">Enter the body&#x27;s reason for refusing' in page
        assert 'id="refusal-reason-error"' in page
        assert "govuk-form-group--error" in page
        assert state_of(waiting) == "sent"


def test_a_refusal_with_a_reason_asks_first_then_is_recorded(client, team, waiting):
    page = refuse(client, team, waiting, note="exempt under section 43").content.decode()
    assert "Record that Hampshire Police and Crime Commissioner refused the whole request?" in page
    assert "govuk-warning-text" in page
    assert ">exempt under section 43</textarea>" in page
    assert state_of(waiting) == "sent"  # nothing yet
    refuse(client, team, waiting, note="exempt under section 43", confirm="yes")
    assert state_of(waiting) == "refused"
    assert waiting.events.get(kind="refuse").note == "exempt under section 43"


def test_the_refuse_action_itself_needs_a_reason(waiting):
    with pytest.raises(TransitionError, match="reason"):
        actions.refuse(waiting, SOMEONE, "   ")
    assert state_of(waiting) == "sent"


def test_reopening_gives_back_the_state_the_replies_give(client, team, waiting):
    contact = waiting.recipient.contact
    mail = reply(sender=contact.email, to=reply_address(waiting.pk), body="Our strategy will follow.")
    ingest(mail, InboundMessage.Source.UPLOAD)  # a reply, filed to the request
    assert state_of(waiting) == "partially_answered"
    actions.refuse(waiting, SOMEONE, "they will send nothing more")
    actions.reopen(waiting, SOMEONE, "they wrote again")
    assert state_of(waiting) == "partially_answered"


def test_reopening_a_request_with_nothing_in_gives_sent(waiting):
    actions.withdraw(waiting, SOMEONE, "by mistake")
    actions.reopen(waiting, SOMEONE, "not a mistake after all")
    assert state_of(waiting) == "sent"


def test_the_items_still_awaited_are_refused_with_the_reason_and_counted_refused(client, team, waiting):
    asked = list(waiting.recipient.item_states.filter(state="ask").select_related("item").order_by("pk"))
    assert len(asked) >= 2
    first = asked[0].item.key
    set_item_status(waiting, first, RecipientItem.Status.RECEIVED, SOMEONE, Evidence(note="by post"))
    refuse(client, team, waiting, note="exempt under section 43", confirm="yes")
    assert state_of(waiting) == "refused"
    statuses = dict(waiting.recipient.item_states.filter(state="ask").values_list("item__key", "status"))
    assert statuses.pop(first) == "received"  # what came stays
    assert set(statuses.values()) == {"refused"}
    notes = set(waiting.recipient.item_states.filter(status="refused").values_list("status_note", flat=True))
    assert notes == {"exempt under section 43"}
    assert waiting.events.filter(kind="item_refused").count() == len(statuses)
    totals = ledger.totals([waiting.campaign], timezone.localdate())[waiting.campaign.pk]
    assert (totals.awaited, totals.refused, totals.received) == (0, len(statuses), 1)


def test_a_withdrawal_needs_a_reason_and_asks_first(client, team, waiting):
    client.force_login(team["coordinator"])
    url = reverse("web:request_action", args=[waiting.pk, "withdraw"])
    page = client.post(url, {"note": ""}).content.decode()
    assert "Enter why the request is withdrawn" in page
    assert state_of(waiting) == "sent"
    page = client.post(url, {"note": "sent to the wrong body"}).content.decode()
    assert "Withdraw the request to Hampshire Police and Crime Commissioner?" in page
    assert ">sent to the wrong body</textarea>" in page
    assert state_of(waiting) == "sent"  # nothing yet
    client.post(url, {"note": "sent to the wrong body", "confirm": "yes"})
    assert state_of(waiting) == "withdrawn"
    assert waiting.events.get(kind="withdraw").note == "sent to the wrong body"
