"""What the worker should do now: pure decisions from a clock and what was last done, no database.

Each periodic job has a mark (when a run last started and last finished). A job is due when its
period has come round since the last finished run, and no other run of it is under way; a run
that started longer ago than its lease and never finished is taken to be dead (a worker killed
mid-way), so the job is due again. The worker claims a due job by a conditional update of its
mark (docket/worker/rounds.py), so that of several workers only one runs it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from docket.requests.deadlines import is_working_day

# A run that has not finished after this long is taken to be dead and may be started again.
LEASE = datetime.timedelta(minutes=30)


class Job(StrEnum):
    FETCH_MAIL = "fetch-mail"
    CHASE = "chase"
    STRANDED_INTAKE = "stranded-intake"
    PRUNE_RESULTS = "prune-results"
    RETRY_READING = "retry-reading"
    STALLED_JOBS = "stalled-jobs"


@dataclass(frozen=True)
class Mark:
    """When a job's latest run started and when its latest run finished (None: never)."""

    started_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None

    def running(self, now: datetime.datetime) -> bool:
        if self.started_at is None:
            return False
        finished = self.finished_at is not None and self.finished_at >= self.started_at
        return not finished and now - self.started_at < LEASE


@dataclass(frozen=True)
class Plan:
    """The schedule's settings: ``fetch_every`` is None when no mailbox is set up."""

    fetch_every: datetime.timedelta | None
    chase_at: datetime.time
    stranded_every: datetime.timedelta = datetime.timedelta(minutes=5)
    prune_every: datetime.timedelta = datetime.timedelta(days=1)
    retry_reading_every: datetime.timedelta = datetime.timedelta(minutes=30)
    stalled_every: datetime.timedelta = datetime.timedelta(minutes=10)


def every(period: datetime.timedelta, now: datetime.datetime, mark: Mark) -> bool:
    """Due when it has never finished, or finished at least ``period`` ago."""
    return mark.finished_at is None or now - mark.finished_at >= period


def daily_on_working_days(at: datetime.time, now: datetime.datetime, mark: Mark) -> bool:
    """Due once on each working day, from ``at`` (in ``now``'s local time), not on weekends or bank holidays."""
    today = now.date()
    if not is_working_day(today) or now.time() < at:
        return False
    return mark.finished_at is None or mark.finished_at.astimezone(now.tzinfo).date() < today


def is_due(job: Job, plan: Plan, now: datetime.datetime, mark: Mark) -> bool:
    """Whether ``job`` should start at ``now`` (an aware datetime in the office's time zone)."""
    if mark.running(now):
        return False
    match job:
        case Job.FETCH_MAIL:
            return plan.fetch_every is not None and every(plan.fetch_every, now, mark)
        case Job.CHASE:
            return daily_on_working_days(plan.chase_at, now, mark)
        case Job.STRANDED_INTAKE:
            return every(plan.stranded_every, now, mark)
        case Job.PRUNE_RESULTS:
            return every(plan.prune_every, now, mark)
        case Job.RETRY_READING:
            return every(plan.retry_reading_every, now, mark)
        case Job.STALLED_JOBS:
            return every(plan.stalled_every, now, mark)


def due_jobs(plan: Plan, now: datetime.datetime, marks: dict[Job, Mark]) -> list[Job]:
    return [job for job in Job if is_due(job, plan, now, marks.get(job, Mark()))]
