"""What a tester found on a request's page and after filing mail: a reply with no item recorded does
not read "Partially answered", a chaser refused on the day the letter went says from when one can go,
and filing from the holding pen names the request it went to."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from docket.campaigns import actions as ledger_actions
from docket.campaigns.models import RecipientItem
from docket.requests import actions
from docket.requests.states import RequestState
from tests.web.conftest import SOMEONE

pytestmark = pytest.mark.django_db


def state_on_page(page: str) -> str:
    found = re.search(r'<strong class="govuk-tag" id="request-state">(.*?)</strong>', page)
    assert found is not None
    return found[1]


def test_a_reply_with_no_item_recorded_reads_reply_received_not_partially_answered(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    request = ours.sent
    actions.record_reply(request, SOMEONE, "a reply came")
    request.refresh_from_db()
    assert request.state == RequestState.PARTIALLY_ANSWERED  # the state machine's rule, unchanged
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:request", args=[request.pk])).content.decode()
    assert state_on_page(page) == "Reply received"
    assert "No item asked for is recorded yet" in page
    ledger_actions.set_item_status(
        request, "problem_profile", RecipientItem.Status.RECEIVED, SOMEONE, ledger_actions.Evidence(note="by post")
    )
    page = client.get(reverse("web:request", args=[request.pk])).content.decode()
    assert state_on_page(page) == "Partially answered"
    assert "No item asked for is recorded yet" not in page
