"""The activity log and a request's timeline name who sent a letter in words a policy officer reads, not a command."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.requests.actions import Actor
from docket.requests.letters import queue_campaign
from docket.requests.models import Event
from tests.mailserver import send_all
from tests.web.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)  # the outbox sends from a connection of its own


def test_a_sent_letter_is_sent_by_docket_sending_in_the_log_and_the_timeline(client, example, smtp_server):
    recipient = example.recipients.order_by("pk").first()
    queue_campaign([recipient], Actor("coordinator@office.example"))
    send_all(smtp_server[1])
    sent = Event.objects.get(kind="mark_sent")
    assert sent.actor_name == "Docket (sending)"
    client.force_login(person("coordinator@office.example", "coordinator", example))
    timeline = client.get(reverse("web:request", args=[sent.request_id])).content.decode()
    assert ", by Docket (sending)" in timeline
    assert "docket send" not in timeline
    assert "Docket (sending)" in client.get(reverse("web:activity", args=[example.slug])).content.decode()


def test_a_letter_sent_before_is_shown_as_sent_by_docket_sending_though_its_event_keeps_the_old_name(
    client, example, smtp_server
):
    recipient = example.recipients.order_by("pk").first()
    queue_campaign([recipient], Actor("coordinator@office.example"))
    send_all(smtp_server[1])
    Event.objects.filter(kind="mark_sent").update(actor_name="docket send")  # as written before the name changed
    client.force_login(person("coordinator@office.example", "coordinator", example))
    log = client.get(reverse("web:activity", args=[example.slug])).content.decode()
    assert "Docket (sending)" in log
    assert "docket send" not in log
    assert Event.objects.get(kind="mark_sent").actor_name == "docket send"  # the stored history is not rewritten
