"""``docket worker``: run queued tasks, send the outbox and run the schedule, round after round.

One round (``run_round``) writes the heartbeat, runs the tasks queued in the database (django-tasks-db),
runs every scheduled job that docket/worker/schedule.py finds due and this worker wins the claim for, and
sends what is due in the outbox. Every step is safe to repeat and to kill: the outbox keeps its own
exactly-once rules (claimed, reached data, accepted; uncertain when the server may have it), chasing
skips a request chased already, fetching reads from the stored UID on, stranded intake is re-read from
the stored bytes, and a scheduled job killed mid-way is due again when its lease runs out.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from docket import words
from docket.errors import DocketError
from docket.mail import outbox
from docket.mail.channels.smtp import SmtpChannel
from docket.mail.imap import ImapError
from docket.requests.actions import Actor
from docket.worker.models import JobMark, WorkerBeat
from docket.worker.schedule import LEASE, Job, Mark, Plan, due_jobs

log = logging.getLogger(__name__)
ACTOR = Actor("Docket (chasing)")  # as the event log names who queued a chaser (only the worker chases)
# A worker not seen for this long is taken to be gone (a round takes the poll interval, or one step).
ALIVE_WITHIN = datetime.timedelta(seconds=60)
# The heartbeat is written this often while the worker lives, whatever it is doing (a long ZIP file of
# letters, a throttled round of sending): well within ALIVE_WITHIN.
BEAT_EVERY = 15.0
FORGET_AFTER = datetime.timedelta(days=7)


def plan_from_settings() -> Plan:
    fetch = datetime.timedelta(minutes=settings.DOCKET_FETCH_EVERY_MINUTES) if settings.DOCKET_IMAP else None
    return Plan(fetch_every=fetch, chase_at=settings.DOCKET_CHASE_AT)


def read_marks() -> dict[Job, Mark]:
    return {
        Job(row.job): Mark(row.started_at, row.finished_at)
        for row in JobMark.objects.filter(job__in=[job.value for job in Job])
    }


def claim(job: Job, now: datetime.datetime, mark: Mark) -> bool:
    """Start ``job`` if no other worker has started it since ``mark`` was read (a conditional update)."""
    JobMark.objects.get_or_create(job=job.value)
    rows = JobMark.objects.filter(job=job.value)
    rows = rows.filter(started_at__isnull=True) if mark.started_at is None else rows.filter(started_at=mark.started_at)
    return rows.update(started_at=now) == 1


def finish(job: Job, now: datetime.datetime) -> None:
    JobMark.objects.filter(job=job.value).update(finished_at=now)


def fetch_mail(now: datetime.datetime) -> str:
    from docket.mail.imap import fetch

    if settings.DOCKET_IMAP is None:
        return "no mailbox set up"
    return str(fetch(settings.DOCKET_IMAP))


def chase_overdue(now: datetime.datetime) -> str:
    from docket.requests.letters import chase

    problems: list[str] = []
    chasers = chase(None, ACTOR, today=timezone.localdate(now), problems=problems)
    return "; ".join([f"{words.count(len(chasers), 'chaser')} queued", *problems])


def take_in_stranded(now: datetime.datetime) -> str:
    from docket.mail.intake import take_in_stranded as take_in

    return f"{words.count(len(take_in(now=now)), 'stranded message')} read again"


def prune_results(now: datetime.datetime) -> str:
    from django_tasks_db.models import DBTaskResult

    cutoff = now - datetime.timedelta(days=settings.DOCKET_TASK_RESULTS_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return f"{words.count(deleted, 'old task result')} removed"


def retry_reading(now: datetime.datetime) -> str:
    from docket.worker.retries import read_failed_again

    return read_failed_again(now)


def give_up_stalled(now: datetime.datetime) -> str:
    from docket.worker.actions import give_up_stalled as give_up

    # A chunk of letters takes seconds: a job that has not moved for the lease lost its worker.
    return f"{words.count(give_up(now - LEASE), 'stalled job')} marked as stopped"


JOBS: dict[Job, Callable[[datetime.datetime], str]] = {
    Job.FETCH_MAIL: fetch_mail,
    Job.CHASE: chase_overdue,
    Job.STRANDED_INTAKE: take_in_stranded,
    Job.PRUNE_RESULTS: prune_results,
    Job.RETRY_READING: retry_reading,
    Job.STALLED_JOBS: give_up_stalled,
}


def run_scheduled(plan: Plan, now: datetime.datetime) -> list[str]:
    """Run each job that is due and that this worker claims; a failed job is tried again after its lease."""
    done = []
    marks = read_marks()
    for job in due_jobs(plan, now, marks):
        if not claim(job, now, marks.get(job, Mark())):
            continue
        try:
            summary = JOBS[job](now)
        except (ImapError, DocketError) as error:  # a mailbox refusing, a setting to fix: said in words
            log.error("docket worker: %s failed (%s); it will be tried again in %s", job.value, error, LEASE)
            continue
        except Exception:
            log.exception("docket worker: %s failed; it will be tried again in %s", job.value, LEASE)
            continue
        finish(job, now)
        done.append(f"{job.value}: {summary}")
    return done


def run_queued_tasks(worker_id: str) -> None:
    """Run the tasks queued in the database (sending asked for in the workspace, for example), then return."""
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.management.commands.db_worker import Worker

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return  # the immediate backend ran them when they were enqueued
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend.alias,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id[-64:],
        excluded_queue_names=[],
    ).run()


def send_due() -> outbox.Tally:
    """What is due, for at most one turn (``outbox.SEND_FOR_AT_MOST``): then the tasks and the schedule."""
    return outbox.run(
        SmtpChannel(settings.DOCKET_SMTP),
        until_empty=True,
        wait_for_retries=False,
        for_at_most=outbox.SEND_FOR_AT_MOST,
    )


def beat(worker_id: str, started_at: datetime.datetime, now: datetime.datetime) -> None:
    WorkerBeat.objects.update_or_create(
        worker=worker_id, defaults={"seen_at": now, "started_at": started_at, "stopped_at": None}
    )
    WorkerBeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()  # one row per process ever started


@dataclass(frozen=True)
class Seen:
    """The latest heartbeat: how long ago, and whether a worker is running (seen lately, not stopped)."""

    ago: datetime.timedelta
    running: bool


def last_seen(now: datetime.datetime) -> Seen | None:
    """The most recent heartbeat of any worker (None: no worker has run)."""
    latest = WorkerBeat.objects.order_by("-seen_at").first()
    if latest is None:
        return None
    ago = max(now - latest.seen_at, datetime.timedelta(0))
    return Seen(ago, running=latest.stopped_at is None and ago <= ALIVE_WITHIN)


@dataclass
class Round:
    jobs: list[str] = field(default_factory=list)
    tally: outbox.Tally | None = None


def run_again_abandoned(now: datetime.datetime) -> int:
    """Tasks left running by a worker that is gone (killed part-way) are put back, to run again now."""
    from docket.worker.actions import run_again_abandoned_tasks

    return run_again_abandoned_tasks(now, ALIVE_WITHIN)


def run_round(worker_id: str, started_at: datetime.datetime, plan: Plan, now: datetime.datetime) -> Round:
    beat(worker_id, started_at, now)
    run_again_abandoned(now)
    run_queued_tasks(worker_id)
    done = Round(jobs=run_scheduled(plan, now))
    done.tally = send_due()
    return done


def serve(
    stop: threading.Event,
    *,
    poll_seconds: float,
    clock: Callable[[], datetime.datetime] = timezone.now,
    on_round: Callable[[Round], None] = lambda done: None,
) -> None:
    """Run rounds until ``stop`` is set; a round in progress is finished first (each of its steps is bounded).

    The next round starts at once when sending stopped at its time limit. Beside the
    rounds, a thread does nothing but write the heartbeat every BEAT_EVERY seconds, so that a worker busy
    with one long task is not taken for a stopped one."""
    worker_id = outbox.worker_token()
    started_at = clock()
    beat(worker_id, started_at, clock())
    beating = threading.Thread(
        target=_beat_until, args=(stop, worker_id, started_at, clock), name="docket-heartbeat", daemon=True
    )
    beating.start()
    try:
        while not stop.is_set():
            close_old_connections()
            done = run_round(worker_id, started_at, plan_from_settings(), timezone.localtime(clock()))
            on_round(done)
            if not (done.tally and done.tally.cut_short):
                stop.wait(poll_seconds)
    finally:
        stop.set()
        beating.join()
        WorkerBeat.objects.filter(worker=worker_id).update(stopped_at=clock())


def _beat_until(
    stop: threading.Event, worker_id: str, started_at: datetime.datetime, clock: Callable[[], datetime.datetime]
) -> None:
    try:
        while not stop.wait(BEAT_EVERY):
            try:
                beat(worker_id, started_at, clock())
            except Exception:  # a database busy for a moment: the next beat tries again
                log.warning("docket worker: the heartbeat could not be written", exc_info=True)
    finally:
        close_old_connections()
