"""A task left running by a worker that was killed (SIGKILL) is run again by the next worker's round;
one of a worker still alive, beside it, is left alone. A job's page says when no worker is running."""

from __future__ import annotations

import datetime
import logging
import socket
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.worker import jobs, rounds
from docket.worker.models import BulkJob, WorkerBeat
from docket.worker.schedule import Plan
from tests.factories import contact_row, make_campaign, write_csv
from tests.web.conftest import person

pytestmark = pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PLAN = Plan(fetch_every=None, chase_at=datetime.time(9))


@pytest.fixture
def campaign(office, tmp_path):
    from docket.campaigns.importing import import_recipients

    made = make_campaign(office, template_source="Please send us your strategy, {{ contact.full_name }}.")
    rows = [contact_row(n, email=f"person{n}@body{n}.example") for n in range(1, 4)]
    import_recipients(made, write_csv(tmp_path / "recipients.csv", rows))
    return made


def zip_claimed_by(campaign, worker: str, started_at: datetime.datetime) -> BulkJob:
    """A ZIP job whose task a worker took, and whose progress it had counted, when it was killed (or not)."""
    from django_tasks_db.models import DBTaskResult

    from docket.requests.actions import Actor
    from docket.worker import actions

    job = jobs.render_letters_zip(campaign, Actor("test"), ["txt"])
    actions.progress(job.pk, 2)
    DBTaskResult.objects.filter(status="READY").update(status="RUNNING", worker_ids=[worker], started_at=started_at)
    return job


def dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def test_a_task_of_a_worker_that_is_gone_runs_again_and_one_of_a_live_worker_is_left_alone(campaign, settings, caplog):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    minutes_ago = now - datetime.timedelta(minutes=5)
    elsewhere = "other-machine.example"
    # Not seen for 5 minutes, on another machine.
    silent = zip_claimed_by(campaign, f"{elsewhere}:101:aaaaaaaaaaaa", minutes_ago)
    WorkerBeat.objects.create(worker=f"{elsewhere}:101:aaaaaaaaaaaa", started_at=minutes_ago, seen_at=minutes_ago)
    # Never seen at all, and its task started 5 minutes ago.
    unknown = zip_claimed_by(campaign, f"{elsewhere}:102:bbbbbbbbbbbb", minutes_ago)
    # Of this machine, seen a moment ago, but its process is gone (killed): no need to wait for the beat to age.
    killed_here = f"{socket.gethostname()}:{dead_pid()}:cccccccccccc"
    killed = zip_claimed_by(campaign, killed_here, now)
    WorkerBeat.objects.create(worker=killed_here, started_at=minutes_ago, seen_at=now)
    # Alive on another machine, seen just now, though its long task started 5 minutes ago.
    alive_worker = f"{elsewhere}:103:dddddddddddd"
    alive = zip_claimed_by(campaign, alive_worker, minutes_ago)
    WorkerBeat.objects.create(worker=alive_worker, started_at=minutes_ago, seen_at=now)

    with caplog.at_level(logging.WARNING, logger="docket.worker.actions"):
        rounds.run_round(f"{socket.gethostname()}:1:eeeeeeeeeeee", now, PLAN, now)

    for job in (silent, unknown, killed):
        job.refresh_from_db()
        assert (job.state, job.done, job.total) == ("done", 3, 3)  # counted afresh, not 2 + 3
        assert job.summary == "3 letters in a ZIP file with a manifest."
    alive.refresh_from_db()
    assert (alive.state, alive.done) == ("running", 2)
    untouched = DBTaskResult.objects.get(worker_ids=[alive_worker])
    assert (untouched.status, untouched.started_at) == ("RUNNING", minutes_ago)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3
    assert sum("which is gone; it will run again" in r.getMessage() for r in caplog.records) == 3


def test_a_task_of_a_worker_stopped_when_asked_runs_again_and_one_of_a_worker_just_started_does_not(campaign, settings):
    from django_tasks_db.models import DBTaskResult

    from docket.worker.actions import run_again_abandoned_tasks

    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    stopped = "other-machine.example:201:ffffffffffff"
    zip_claimed_by(campaign, stopped, now)
    WorkerBeat.objects.create(worker=stopped, started_at=now, seen_at=now, stopped_at=now)
    zip_claimed_by(campaign, "other-machine.example:202:000000000000", now)  # no beat yet: just started

    assert run_again_abandoned_tasks(now, rounds.ALIVE_WITHIN) == 1
    assert DBTaskResult.objects.get(worker_ids=[stopped]).status == "READY"
    assert run_again_abandoned_tasks(now, rounds.ALIVE_WITHIN) == 0
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1


@pytest.mark.parametrize("state", ["waiting", "running"])
def test_a_jobs_page_warns_when_no_worker_is_running_and_not_once_one_runs_or_the_job_is_done(
    client, campaign, settings, state
):
    from docket.requests.actions import Actor
    from docket.worker import actions

    settings.TASKS = DATABASE_TASKS
    job = jobs.render_letters_zip(campaign, Actor("test"), ["txt"])
    if state == "running":
        actions.progress(job.pk, 1)
    client.force_login(person("coordinator@office.example", "coordinator", campaign))
    url = reverse("web:job", args=[job.pk])
    warning = "No worker is running"

    page = client.get(url).content.decode()
    assert warning in page
    assert "govuk-warning-text" in page
    assert "ask whoever runs Docket to start the worker" in page
    assert "starts it in a moment" not in page
    assert warning in client.get(url, headers={"HX-Request": "true"}).content.decode()  # the polled part too

    now = timezone.now()
    WorkerBeat.objects.create(worker="w:1:x", started_at=now, seen_at=now - datetime.timedelta(minutes=2))
    assert "No worker is running (the last was seen" in client.get(url).content.decode()

    WorkerBeat.objects.filter(worker="w:1:x").update(seen_at=now)
    assert warning not in client.get(url).content.decode()

    WorkerBeat.objects.all().delete()
    actions.finish(job.pk, summary="Done.")
    assert warning not in client.get(url).content.decode()


def test_a_zip_made_again_counts_its_progress_from_nothing(campaign, monkeypatch):
    from docket.requests.actions import Actor

    job = jobs.render_letters_zip(campaign, Actor("test"), ["txt"])  # made at once (the immediate backend)
    BulkJob.objects.filter(pk=job.pk).update(state="running", done=2, finished_at=None)  # as a killed run left it
    seen = []

    def render_all(*args, **kwargs):
        seen.append(BulkJob.objects.get().done)
        raise RuntimeError("stop here")

    monkeypatch.setattr(jobs, "render_all", render_all)
    with pytest.raises(RuntimeError):
        jobs.render_letters.call(job.pk)
    assert seen == [0]
