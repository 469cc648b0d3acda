"""Work queued in the database (django-tasks-db) from the workspace is run by the worker's round."""

from __future__ import annotations

import pytest

from docket.mail.models import OutboxMessage
from docket.mail.tasks import send_outbox
from docket.requests.actions import Actor
from docket.requests.letters import queue_campaign
from docket.worker import rounds

pytestmark = pytest.mark.django_db(transaction=True)


def test_sending_asked_for_in_the_workspace_waits_for_the_worker_then_goes(example, smtp_server, settings):
    from django_tasks_db.models import DBTaskResult

    recorder, _ = smtp_server
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queue_campaign(list(example.recipients.order_by("pk")), Actor("test"))
    result = send_outbox.enqueue()  # as the workspace's "send" does: it returns at once
    assert recorder.received == []
    assert DBTaskResult.objects.get().status == "READY"

    rounds.run_queued_tasks("test-worker")
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["sent"] == len(recorder.received) == OutboxMessage.objects.count() >= 3
