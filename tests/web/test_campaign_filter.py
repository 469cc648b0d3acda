"""The campaign page's Show filter: each state leaves the rows whose State column says it (a recipient with no
request made yet shows as Draft, so Draft leaves it too)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.requests import actions
from docket.requests.actions import Actor

pytestmark = pytest.mark.django_db


def shown(client, slug: str, state: str) -> tuple[int, list[str]]:
    """The count the filter leaves, and the State column of the rows on its first page."""
    response = client.get(reverse("web:campaign", args=[slug]), {"state": state})
    return response.context["page"].paginator.count, [row["state"] for row in response.context["rows"]]


def test_draft_leaves_the_recipients_with_no_request_yet_and_the_other_states_their_own(client, team):
    campaign = team["campaign"]
    total = campaign.recipients.count()
    assert total > 2
    assert not campaign.recipients.exclude(request__isnull=True).exclude(pk=team["request"].recipient_id)
    approved = actions.request_for(campaign.recipients.exclude(pk=team["request"].recipient_id).first())
    actions.approve(approved, Actor("test"))
    client.force_login(team["coordinator"])

    everyone, states = shown(client, campaign.slug, "")
    assert everyone == total
    drafts, draft_states = shown(client, campaign.slug, "draft")
    assert drafts == total - 1  # all but the approved one: the draft request and those with none yet
    assert drafts == states.count("Draft")  # as many as the unfiltered list's State column says Draft
    assert set(draft_states) == {"Draft"}
    assert shown(client, campaign.slug, "approved") == (1, ["Approved"])
    assert shown(client, campaign.slug, "sent")[0] == 0


def test_the_dashboard_counts_as_draft_what_the_campaign_pages_draft_filter_leaves(client, team):
    campaign = team["campaign"]
    client.force_login(team["coordinator"])
    drafts, _ = shown(client, campaign.slug, "draft")
    row = next(row for row in client.get(reverse("web:dashboard")).context["rows"] if row["campaign"] == campaign)
    assert row["states"] == [("Draft", drafts)]
