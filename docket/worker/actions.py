"""The named state changes of a bulk job: asked for, progress made, done or failed.

A job's chunks may run in several worker processes at once, so progress is added in the
database (``done = done + n``), never read and written back; the chunk that brings ``done`` up
to ``total`` is the one whose conditional update finishes the job.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from docket.campaigns.models import Campaign
from docket.worker.models import BulkJob, JobProblem

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
