"""The outbox page shows the worker's heartbeat, and warns when letters wait and no worker runs."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.letters import queue
from docket.web.mail_pages import ago
from docket.worker.models import WorkerBeat
from docket.worker.rounds import beat

WARNING = "Letters are waiting and no worker is running"


def outbox_page(client, team) -> str:
    client.force_login(team["coordinator"])
    response = client.get(reverse("web:outbox"))
    assert response.status_code == 200
    return str(response.content.decode())


def test_it_warns_when_letters_wait_and_no_worker_runs(client, team):
    queue(actions.approve(team["request"], Actor("test")), Actor("test"))
    assert WARNING in outbox_page(client, team)

    now = timezone.now()
    beat("host:1:1", now - datetime.timedelta(minutes=5), now - datetime.timedelta(seconds=4))
    page = outbox_page(client, team)
    assert WARNING not in page
    assert "The worker was last seen 4 s ago." in page or "The worker was last seen 5 s ago." in page

    WorkerBeat.objects.update(stopped_at=timezone.now())  # stopped when asked
    page = outbox_page(client, team)
    assert WARNING in page
    assert "(the last was seen" in page

    beat("host:1:1", now, now - datetime.timedelta(minutes=3))  # not stopped, but silent: killed
    assert WARNING in outbox_page(client, team)


def test_it_does_not_warn_when_nothing_waits(client, team):
    page = outbox_page(client, team)
    assert WARNING not in page
    assert "No worker has run yet" in page


def test_ago_reads_as_a_person_would_say_it():
    assert ago(datetime.timedelta(seconds=4)) == "4 s ago"
    assert ago(datetime.timedelta(seconds=119)) == "119 s ago"
    assert ago(datetime.timedelta(minutes=12)) == "12 min ago"
    assert ago(datetime.timedelta(hours=3)) == "3 h ago"
    assert ago(datetime.timedelta(days=2)) == "2 days ago"
