"""The outbox lists its messages a page at a time (a campaign can queue 10,000 letters), while its warnings and
counts stay about every message; a bad page number shows a page, and settling a message returns to its page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from docket.mail.dispatch import store
from docket.mail.messages import Outgoing
from docket.mail.models import OutboxMessage, OutboxState, ServerLimit
from docket.web.mail_pages import PAGE_SIZE, sending_through
from tests.web.test_mail_limits import AT, chasers_claimed

pytestmark = pytest.mark.django_db
URL = "/outbox/"
NO_WORKER = "Chasers are waiting and no worker is running"


def listed(page: str) -> list[str]:
    """The addresses of the messages the page's table lists, in its order."""
    return re.findall(r'<span class="govuk-body-s">(r\d+@x)</span>', page)


def in_the_outbox() -> list[str]:
    """Every message the outbox lists, in the order it lists them: those that need a person, those being sent,
    then the queue."""
    order = {OutboxState.UNCERTAIN: 0, OutboxState.FAILED: 0, OutboxState.SENDING: 1, OutboxState.QUEUED: 2}
    rows = OutboxMessage.objects.filter(state__in=list(order))
    ordered = sorted(rows, key=lambda row: (order[OutboxState(row.state)], row.state, row.created_at, row.pk))
    return [row.envelope_to for row in ordered]


def need_a_person(count: int, state: str = OutboxState.UNCERTAIN) -> list[OutboxMessage]:
    """The last ``count`` messages queued, their sending cut off (or failed)."""
    rows = list(OutboxMessage.objects.filter(state=OutboxState.QUEUED).order_by("-created_at", "-pk")[:count])
    OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(state=state)
    return rows


@pytest.fixture
def many(team, monkeypatch):
    """More chasers than a page holds, 12 of them sent at 14:05, held by a day's limit of 3 at 19:00."""
    server = sending_through()
    chasers_claimed(team["campaign"], PAGE_SIZE + 20, 12, AT - datetime.timedelta(hours=4, minutes=55), server)
    ServerLimit.objects.create(server=server, messages_per_minute=2, recipients_per_day=3)
    monkeypatch.setattr(timezone, "now", lambda: AT)
    return team


def test_the_outbox_lists_a_page_of_its_messages_and_warns_of_them_all(client, many):
    everything = in_the_outbox()
    total = len(everything)
    assert total > PAGE_SIZE
    client.force_login(many["coordinator"])
    held = (
        f"{PAGE_SIZE + 8} chasers wait because the mail server&#x27;s limit of 3 recipients a day is reached;"
        " the next can go at about 14:05 tomorrow."
    )

    first = client.get(URL).content.decode()
    assert listed(first) == everything[:PAGE_SIZE]
    assert f"Messages 1 to {PAGE_SIZE} of {total}</caption>" in first
    assert held in first  # all the letters held, not the page's
    assert NO_WORKER in first
    assert "12 of 3 recipients in the last 24 hours" in first
    assert 'href="?page=2" rel="next"' in first
    assert "Page 1 of 2" in first

    second = client.get(URL + "?page=2").content.decode()
    assert listed(second) == everything[PAGE_SIZE:]
    assert f"Messages {PAGE_SIZE + 1} to {total} of {total}</caption>" in second
    assert held in second
    assert NO_WORKER in second
    assert 'href="?page=1" rel="prev"' in second
    assert "Page 2 of 2" in second


def test_a_bad_page_number_shows_a_page(client, many):
    everything = in_the_outbox()
    client.force_login(many["coordinator"])
    for number, shown in [
        ("abc", 1),
        ("", 1),
        ("0", 1),
        ("-1", 1),
        ("-99999999999999999999", 1),
        ("99999", 2),
        ("1e3", 1),
        ("2\x00", 1),
    ]:
        response = client.get(URL, {"page": number})
        assert response.status_code == 200, number
        page = response.content.decode()
        assert listed(page) == everything[(shown - 1) * PAGE_SIZE : shown * PAGE_SIZE], number
        assert f"Page {shown} of 2" in page, number


def test_the_messages_being_sent_are_listed_and_counted_as_sent_or_being_sent(client, many):
    sending = OutboxMessage.objects.filter(state=OutboxState.SENDING)
    assert sending.count() == 12
    client.force_login(many["coordinator"])
    page = client.get(URL).content.decode()
    total = OutboxMessage.objects.exclude(state=OutboxState.SENT).count()
    assert f"of {total}</caption>" in page
    assert set(listed(page)) >= {row.envelope_to for row in sending}
    assert page.count('<strong class="govuk-tag govuk-tag--blue">Sending</strong>') == 12
    assert page.count("Taken by a worker to send at 14:05.") == 12
    assert "0 of 2 messages sent or being sent in the last minute, 12 of 3 recipients in the last 24 hours" in page


def test_the_outbox_asks_the_database_no_more_for_many_messages_than_for_one(client, team):
    client.force_login(team["coordinator"])
    chasers_claimed(team["campaign"], 1, 0, AT, sending_through())
    with CaptureQueriesContext(connection) as few:
        page = client.get(URL).content.decode()
    assert len(listed(page)) == 1
    request = OutboxMessage.objects.get().request
    for number in range(1, 3 * PAGE_SIZE):
        store(
            request,
            OutboxMessage.Kind.CHASER,
            Outgoing(f"<m{number}@t>", "a@b", f"r{number}@x", "c", [], "", "", None, ""),
        )
    with CaptureQueriesContext(connection) as more:
        page = client.get(URL + "?page=2").content.decode()
    assert len(listed(page)) == PAGE_SIZE
    assert len(more) == len(few), [query["sql"] for query in more.captured_queries]


def test_the_messages_that_need_a_person_come_first_on_page_one(client, many):
    cut_off = need_a_person(1)[0]
    failed = need_a_person(1, OutboxState.FAILED)[0]
    client.force_login(many["coordinator"])
    first = listed(client.get(URL).content.decode())
    assert first[:2] == [failed.envelope_to, cut_off.envelope_to]
    assert first == in_the_outbox()[:PAGE_SIZE]


def test_settling_a_message_returns_to_the_page_it_was_on(client, many):
    cut_off = need_a_person(PAGE_SIZE + 2)
    on_page_two = OutboxMessage.objects.get(envelope_to=in_the_outbox()[PAGE_SIZE])
    assert on_page_two.state == OutboxState.UNCERTAIN
    client.force_login(many["coordinator"])
    page = client.get(URL + "?page=2").content.decode()
    assert '<input type="hidden" name="page" value="2">' in page
    assert reverse("web:settle", args=[on_page_two.pk, "confirm"]) in page

    response = client.post(reverse("web:settle", args=[on_page_two.pk, "confirm"]), {"page": "2"})
    assert (response.status_code, response["Location"]) == (302, URL + "?page=2")
    on_page_two.refresh_from_db()
    assert on_page_two.state == OutboxState.SENT
    for message, number in zip(cut_off, ("abc", "1", "", "0"), strict=False):
        response = client.post(reverse("web:settle", args=[message.pk, "resend"]), {"page": number})
        assert (response.status_code, response.get("Location")) == (302, URL), number
        message.refresh_from_db()
        assert message.state != OutboxState.UNCERTAIN, number  # sent again, not refused
