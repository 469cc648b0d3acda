"""When the mail server cannot be reached, the outbox says so in words (what it means, that letters wait and
are tried again, when, who to ask) with the server's words as detail, and the dashboard warns."""

from __future__ import annotations

import datetime
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.mail.channels.smtp import SmtpChannel, SmtpSettings
from docket.mail.dispatch import store
from docket.mail.messages import Outgoing
from docket.mail.models import OutboxMessage, OutboxState
from docket.mail.outbox import Sender
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.letters import queue
from docket.web.mail_pages import sending_through
from docket.worker.rounds import beat
from tests.web.test_mail_limits import chasers_claimed

SOMEONE = Actor("test")


def closed_port() -> int:
    """A port on this machine where nothing listens: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def queued_and_tried(team) -> OutboxMessage:
    """A letter queued and tried once through a mail server that is not there, with a worker running."""
    now = timezone.now()
    beat("host:1:1", now - datetime.timedelta(minutes=5), now)
    queue(actions.approve(team["request"], SOMEONE), SOMEONE)
    channel = SmtpChannel(SmtpSettings("127.0.0.1", closed_port(), timeout=5))
    Sender(channel).send_due()
    message = OutboxMessage.objects.get(request=team["request"])
    assert message.state == OutboxState.QUEUED
    assert message.smtp_response.startswith("cannot reach the mail server")
    return message


def test_the_outbox_explains_a_mail_server_that_cannot_be_reached(client, team):
    message = queued_and_tried(team)
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:outbox")).content.decode()
    assert "Docket cannot reach its mail server, so the letter waiting cannot go." in page
    assert "Docket tries again by itself; the next try is in " in page
    assert f"(at {timezone.localtime(message.next_attempt_at):%H:%M})" in page
    assert "Ask whoever runs Docket to check that the mail server is running" in page
    assert "Not sent yet: the last try could not reach the mail server (1 try)." in page
    assert "The server's words" in page
    assert message.smtp_response in page  # kept, as the detail


def test_the_dashboard_warns_that_letters_cannot_go(client, team):
    queued_and_tried(team)
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Docket cannot reach its mail server, so the letter waiting cannot go." in page
    assert f'href="{reverse("web:outbox")}">See the outbox</a>' in page


def test_the_dashboard_warns_when_letters_wait_and_no_worker_runs(client, team):
    queue(actions.approve(team["request"], SOMEONE), SOMEONE)
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Letters are waiting and no worker is running" in page


def test_the_dashboard_says_nothing_when_nothing_waits(client, team):
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert 'id="cannot-send"' not in page


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        # The worker finds the server down on the first letters it tries; all the others wait as well.
        (OutboxMessage.Kind.LETTER, "so the 3 letters waiting cannot go."),
        (OutboxMessage.Kind.CHASER, "so the 1 letter and 2 chasers waiting cannot go."),
    ],
)
def test_the_count_is_of_every_message_waiting_each_kind_named(client, team, kind, said):
    message = queued_and_tried(team)
    for number in range(2):
        outgoing = Outgoing(f"<more{number}@t>", "a@b.example", f"r{number}@x", "c", [], "Words.", "", None, "")
        store(message.request, kind, outgoing)
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:outbox")).content.decode()
    assert f"Docket cannot reach its mail server, {said}" in page


def test_the_no_worker_warning_says_chasers_when_only_chasers_wait(client, team):
    chasers_claimed(team["campaign"], 1, 0, timezone.now(), "smtp.example:25")
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "Chasers are waiting and no worker is running" in page
    assert "Letters are waiting" not in page
    assert "It stays in the outbox, nothing is lost, and it goes once it runs again." in page


def test_messages_a_stopped_worker_took_wait_too_when_no_worker_runs(client, team):
    """A worker killed while sending leaves its messages "sending": with no worker running they wait like
    the queued ones (the warning counts them, and each row says what happens when a worker runs again)."""
    now = timezone.now()
    chasers_claimed(team["campaign"], 2, 2, now - datetime.timedelta(minutes=10), sending_through())
    assert not OutboxMessage.objects.filter(state=OutboxState.QUEUED).exists()
    client.force_login(team["coordinator"])
    for name in ("web:dashboard", "web:outbox"):
        page = client.get(reverse(name)).content.decode()
        assert "Chasers are waiting and no worker is running" in page, name
    outbox = client.get(reverse("web:outbox")).content.decode()
    assert outbox.count("That worker has stopped. When a worker runs again, it records the chaser as sent") == 2

    beat("host:1:1", now - datetime.timedelta(minutes=5), timezone.now())  # a worker runs: it settles them
    outbox = client.get(reverse("web:outbox")).content.decode()
    assert 'id="cannot-send"' not in outbox
    assert "That worker has stopped" not in outbox
    assert outbox.count("Taken by a worker to send at") == 2


def test_once_the_mail_server_takes_a_message_the_earlier_failures_no_longer_say_it_cannot_be_reached(client, team):
    """Tries that could not reach the server, then the server back and taking messages (paced by a limit): the
    outbox no longer says it cannot reach the server, and a try whose time has passed is not given a past time."""
    message = queued_and_tried(team)
    client.force_login(team["coordinator"])
    assert "Docket cannot reach its mail server" in client.get(reverse("web:outbox")).content.decode()

    later = timezone.now()  # after the failed try (its claim)
    assert message.claimed_at is not None
    assert later > message.claimed_at
    taken = store(
        team["request"], OutboxMessage.Kind.CHASER, Outgoing("<c@t>", "a@b", "r@x", "c", [], "", "", None, "")
    )
    OutboxMessage.objects.filter(pk=taken.pk).update(state=OutboxState.SENT, sent_at=later)  # the server took it
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=later - datetime.timedelta(seconds=1))

    page = client.get(reverse("web:outbox")).content.decode()
    assert 'id="cannot-send"' not in page
    assert "Not sent yet: the last try could not reach the mail server (1 try)." in page
    assert "Docket tries again in its turn, as the mail server's limits allow." in page
    assert "Docket tries again at" not in page
    dashboard = client.get(reverse("web:dashboard")).content.decode()
    assert "Docket cannot reach its mail server" not in dashboard
