"""The named state changes of a bulk job: asked for, progress made, done or failed.

A job's chunks may run in several worker processes at once, so progress is added in the
database (``done = done + n``), never read and written back; the chunk that brings ``done`` up
to ``total`` is the one whose conditional update finishes the job.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from docket.campaigns.models import Campaign
from docket.worker.models import BulkJob, JobProblem, WorkerBeat

log = logging.getLogger(__name__)

State = BulkJob.State
OPEN = [State.WAITING, State.RUNNING]


def ask(
    kind: str,
    *,
    campaign: Campaign | None,
    user: User | None,
    name: str,
    total: int,
    options: dict[str, Any] | None = None,
    problems: Sequence[str] = (),
) -> BulkJob:
    """A new job, waiting for the worker; ``problems`` found before any work (a letter that cannot be sent)."""
    with transaction.atomic():
        job = BulkJob.objects.create(
            kind=kind,
            campaign=campaign,
            requested_by=user if user is not None and user.pk else None,
            requested_by_name=name[:200],
            total=total + len(problems),
            done=len(problems),
            skipped=len(problems),
            options=options or {},
            state=State.WAITING,
        )
        JobProblem.objects.bulk_create(JobProblem(job=job, text=text) for text in problems)
    return job


def start(job_id: int) -> None:
    """The worker has begun (a no-op for a job already running, or finished)."""
    now = timezone.now()
    BulkJob.objects.filter(pk=job_id, state=State.WAITING).update(state=State.RUNNING, started_at=now, moved_at=now)


def start_afresh(job_id: int) -> None:
    """The worker begins a job that makes its file from the start: its progress counts from nothing again
    (a run killed part-way, put back to run again, had counted some)."""
    start(job_id)
    BulkJob.objects.filter(pk=job_id, state=State.RUNNING).update(done=0, moved_at=timezone.now())


def advance(job_id: int, done: int, problems: Sequence[str] = ()) -> bool:
    """Add ``done`` (of which ``problems`` were not done); True when this brought the job to its total.

    Called inside the transaction that wrote the chunk's work, so a chunk killed part-way
    counts nothing and writes nothing.
    """
    start(job_id)
    BulkJob.objects.filter(pk=job_id).update(
        done=F("done") + done, skipped=F("skipped") + len(problems), moved_at=timezone.now()
    )
    JobProblem.objects.bulk_create(JobProblem(job_id=job_id, text=text) for text in problems)
    return (
        BulkJob.objects.filter(pk=job_id, state=State.RUNNING, done__gte=F("total")).update(
            state=State.DONE, finished_at=timezone.now()
        )
        == 1
    )


def finish(job_id: int, summary: str = "", result_name: str = "") -> None:
    """Done: the summary in words and the result file's name, if any."""
    BulkJob.objects.filter(pk=job_id, state__in=OPEN).update(
        state=State.DONE, done=F("total"), finished_at=timezone.now(), summary=summary, result_name=result_name
    )


def describe(job_id: int, summary: str) -> None:
    """The summary of a job that is done (the last chunk writes it once all are in)."""
    BulkJob.objects.filter(pk=job_id).update(summary=summary)


def fail(job_id: int, error: str) -> None:
    """Failed, and why in words a person understands; what it had done stays done."""
    BulkJob.objects.filter(pk=job_id, state__in=OPEN).update(
        state=State.FAILED, finished_at=timezone.now(), error=error
    )


def progress(job_id: int, done: int) -> None:
    """``done`` more of the total made (a job that reports as it goes, not a chunk at a time)."""
    start(job_id)
    BulkJob.objects.filter(pk=job_id, state=State.RUNNING).update(done=F("done") + done, moved_at=timezone.now())


def give_up_stalled(older_than: datetime.datetime) -> int:
    """Fail the running jobs that have not moved since ``older_than`` (their worker was killed), in words.

    A job still waiting is left alone: it runs when a worker comes (the outbox page warns when none runs).
    """
    stalled = BulkJob.objects.filter(state=State.RUNNING, moved_at__lt=older_than)
    count = 0
    for job in stalled:
        count += BulkJob.objects.filter(pk=job.pk, state=job.state).update(
            state=State.FAILED,
            finished_at=timezone.now(),
            error=(
                f"The work stopped part-way ({job.done} of {job.total} done): a worker was stopped while doing "
                "it, or no worker ran for a long time. What was done stays done; ask again for the rest."
            ),
        )
    return count


def count_changed(job_id: int, changed: int) -> None:
    """``changed`` more of the job's objects were changed (not merely looked at): letters approved."""
    BulkJob.objects.filter(pk=job_id).update(changed=F("changed") + changed)


def run_again_abandoned_tasks(now: datetime.datetime, alive_within: datetime.timedelta) -> int:
    """Put back to run again the queued tasks left running by a worker that is gone (killed part-way).

    django-tasks-db leaves such a task RUNNING for ever. Its worker (the last of its ``worker_ids``, the
    end of a ``WorkerBeat.worker``) is gone when it stopped when asked; one of this machine is gone when its
    process is, however long its task takes; one of another machine when it was not seen within
    ``alive_within`` (or never, for a task started before that). A task of a worker alive is never touched.
    Each put-back expects the task as it was read here (running, started when it was), so a task that moved
    meanwhile is left alone. Every Docket task is safe to run again: a chunk of letters commits all or
    nothing and skips what is queued already, and a file is made again from the start.
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = list(DBTaskResult.objects.running())
    if not running:
        return 0
    beats = {beat.worker[-64:]: beat for beat in WorkerBeat.objects.all()}
    count = 0
    for task in running:
        worker = task.worker_ids[-1] if task.worker_ids else ""
        if not _worker_is_gone(worker, beats.get(worker), task.started_at, now, alive_within):
            continue
        put_back = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        ).update(status=TaskResultStatus.READY, started_at=None)
        if put_back == 1:
            log.warning(
                "docket worker: task %s (%s) was left running by worker %s, which is gone; it will run again",
                task.pk,
                task.task_path,
                worker or "unknown",
            )
        count += put_back
    return count


def _worker_is_gone(
    worker: str,
    beat: WorkerBeat | None,
    started_at: datetime.datetime | None,
    now: datetime.datetime,
    alive_within: datetime.timedelta,
) -> bool:
    if beat is not None and beat.stopped_at is not None:
        return True
    here = _runs_on_this_machine(worker)
    if here is not None:  # a worker of this machine is alive exactly while its process runs
        return not here
    seen = beat.seen_at if beat is not None else started_at
    return seen is None or seen < now - alive_within


def _runs_on_this_machine(worker: str) -> bool | None:
    """Whether the process of a worker named ``host:pid:random`` (outbox.worker_token) runs: None if it is
    of another machine (or its name was cut short)."""
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)  # signal 0: nothing is sent, the process is only looked for
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True
