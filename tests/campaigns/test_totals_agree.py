"""The dashboard, the ledger, the campaign's page and the report count a campaign's items one way.

A withdrawn request's items are not asked any more: they are counted apart, as withdrawn. A request
answered with nothing received (every item not held or refused) says so on the campaign's page.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.campaigns import ledger
from docket.campaigns.actions import Evidence, set_item_status
from docket.campaigns.models import Campaign, RecipientItem
from docket.evidence.report import build
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.states import RequestState
from tests.web.conftest import person, sent

pytestmark = pytest.mark.django_db
ACTOR = Actor("analyst@office.example")
Status = RecipientItem.Status


def asked_keys(request) -> list[str]:
    return [s.item.key for s in request.recipient.item_states.select_related("item") if s.state == "ask"]


@pytest.fixture
def worked(example: Campaign):
    """Three letters sent: one withdrawn, one answered with nothing received, one waiting."""
    # The bodies asked for the most items: the answered one has items refused and not held.
    recipients = sorted(
        example.recipients.select_related("contact__body").order_by("pk"),
        key=lambda r: -r.item_states.filter(state="ask").count(),
    )[:3]
    withdrawn, answered, waiting = (sent(actions.request_for(r)) for r in recipients)
    actions.withdraw(withdrawn, ACTOR, "asked the wrong office")
    keys = asked_keys(answered)
    assert len(keys) >= 2
    set_item_status(answered, keys[0], Status.REFUSED, ACTOR, Evidence(note="Exempt under section 31"))
    for key in keys[1:]:
        set_item_status(answered, key, Status.NOT_HELD, ACTOR, Evidence(note="never written"))
    answered.refresh_from_db()
    assert answered.state == RequestState.ANSWERED
    return {"withdrawn": withdrawn, "answered": answered, "waiting": waiting, "keys": keys}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_withdrawn_items_are_not_asked_and_every_page_agrees(worked, example, client):
    withdrawn_n = len(asked_keys(worked["withdrawn"]))
    answered_n = len(worked["keys"])
    waiting_n = len(asked_keys(worked["waiting"]))
    totals = ledger.totals([example], timezone.localdate())[example.pk]
    assert totals.asked == answered_n + waiting_n
    assert totals.withdrawn == withdrawn_n
    assert totals.awaited == waiting_n
    assert totals.settled == answered_n
    assert totals.received == 0

    client.force_login(person("viewer@office.example", "viewer", example))
    dashboard = text(client.get(reverse("web:dashboard")).content.decode())
    assert f"0 of {totals.asked} received" in dashboard
    assert f"{withdrawn_n} withdrawn, not counted" in dashboard

    ledger_page = client.get(reverse("web:ledger", args=[example.slug])).content.decode()
    found = re.search(r'<p class="govuk-body" id="ledger-totals">(.*?)</p>', ledger_page, re.S)
    assert found is not None
    said = text(found[1])
    assert said.startswith(f"Of {totals.asked} items asked for in the letters sent: 0 received")
    assert f"{totals.refused} refused, {totals.not_held} not held" in said
    assert f"{withdrawn_n} more in requests since withdrawn, not counted" in said

    withdrawn_body = worked["withdrawn"].recipient.contact.body.name
    assert ledger_page.count('<span class="govuk-body-s">(withdrawn)</span>') == withdrawn_n
    exported = {row[0]: row for row in ledger.export_rows(example)}
    assert sum(str(cell).endswith(" (withdrawn)") for cell in exported[withdrawn_body]) == withdrawn_n
    assert not any(
        str(cell).endswith(" (withdrawn)") for body, row in exported.items() if body != withdrawn_body for cell in row
    )
    built = build(example)
    assert dict(built.ledger_rows)[withdrawn_body].count("Asked (withdrawn)") == withdrawn_n
    report = dict(built.totals)
    assert report["Asked for in the letters sent"] == totals.asked
    assert report["Still awaited"] == waiting_n
    assert report["In requests since withdrawn, not counted above"] == withdrawn_n
    assert (
        sum(
            n
            for label, n in report.items()
            if label
            not in {"Asked for in the letters sent", "Overdue", "In requests since withdrawn, not counted above"}
        )
        == totals.asked
    )

    campaign_page = client.get(reverse("web:campaign", args=[example.slug])).content.decode()
    cells = re.findall(r'<td class="govuk-table__cell" data-column="items">(.*?)</td>', campaign_page, re.S)
    assert f"{withdrawn_n} withdrawn" in cells
    assert f"{answered_n} of {answered_n} settled (0 received)" in cells
    assert f"0 of {waiting_n} settled (0 received)" in cells
    asked_on_page = sum(int(m[1]) for c in cells if (m := re.match(r"\d+ of (\d+) settled", c)))
    withdrawn_on_page = sum(int(m[1]) for c in cells if (m := re.match(r"(\d+) withdrawn", c)))
    assert (asked_on_page, withdrawn_on_page) == (totals.asked, totals.withdrawn)
