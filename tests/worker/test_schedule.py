"""The worker's schedule, decided from a fake clock: what is due when."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from docket.worker.schedule import LEASE, Job, Mark, Plan, due_jobs, is_due

LONDON = ZoneInfo("Europe/London")
PLAN = Plan(fetch_every=datetime.timedelta(minutes=10), chase_at=datetime.time(9, 30))


def at(day: str, clock: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


def test_it_fetches_mail_every_n_minutes():
    now = at("2026-11-24", "10:00")
    assert is_due(Job.FETCH_MAIL, PLAN, now, Mark())  # never fetched
    fetched = Mark(now, now + datetime.timedelta(seconds=3))
    assert not is_due(Job.FETCH_MAIL, PLAN, now + datetime.timedelta(minutes=9), fetched)
    assert is_due(Job.FETCH_MAIL, PLAN, now + datetime.timedelta(minutes=10, seconds=3), fetched)


def test_it_does_not_fetch_without_a_mailbox():
    plan = Plan(fetch_every=None, chase_at=datetime.time(9, 30))
    assert not is_due(Job.FETCH_MAIL, plan, at("2026-11-24", "10:00"), Mark())


def test_it_chases_once_a_working_day_from_the_set_time():
    tuesday = "2026-11-24"
    assert not is_due(Job.CHASE, PLAN, at(tuesday, "09:29"), Mark())
    assert is_due(Job.CHASE, PLAN, at(tuesday, "09:30"), Mark())
    chased = Mark(at(tuesday, "09:30"), at(tuesday, "09:31"))
    assert not is_due(Job.CHASE, PLAN, at(tuesday, "16:00"), chased)
    assert not is_due(Job.CHASE, PLAN, at(tuesday, "23:59"), chased)
    assert not is_due(Job.CHASE, PLAN, at("2026-11-25", "09:00"), chased)
    assert is_due(Job.CHASE, PLAN, at("2026-11-25", "09:30"), chased)


def test_it_does_not_chase_at_weekends_or_on_bank_holidays():
    chased = Mark(at("2026-12-24", "09:30"), at("2026-12-24", "09:31"))
    assert not is_due(Job.CHASE, PLAN, at("2026-11-28", "10:00"), Mark())  # a Saturday
    assert not is_due(Job.CHASE, PLAN, at("2026-12-25", "10:00"), chased)  # Christmas Day, a Friday
    assert not is_due(Job.CHASE, PLAN, at("2026-12-28", "10:00"), chased)  # Boxing Day's substitute, a Monday
    assert is_due(Job.CHASE, PLAN, at("2026-12-29", "10:00"), chased)
    assert not is_due(Job.CHASE, PLAN, at("2026-08-31", "10:00"), Mark())  # the summer bank holiday


def test_the_day_is_the_local_day_in_summer_time():
    # Chased at 00:30 London time on 1 July (23:30 UTC on 30 June): still "today" in London.
    chased = Mark(at("2026-07-01", "00:30"), at("2026-07-01", "00:30").astimezone(datetime.UTC))
    assert not is_due(Job.CHASE, Plan(None, datetime.time(0, 0)), at("2026-07-01", "10:00"), chased)


def test_a_run_under_way_is_not_started_twice_until_its_lease_runs_out():
    now = at("2026-11-24", "10:00")
    running = Mark(started_at=now, finished_at=None)
    assert not is_due(Job.STRANDED_INTAKE, PLAN, now + datetime.timedelta(minutes=6), running)
    assert is_due(Job.STRANDED_INTAKE, PLAN, now + LEASE, running)  # the worker that started it died


def test_due_jobs_lists_what_is_due():
    now = at("2026-11-24", "10:00")
    done = Mark(now, now)
    marks = {Job.FETCH_MAIL: done, Job.STRANDED_INTAKE: done, Job.PRUNE_RESULTS: done, Job.RETRY_READING: done}
    marks[Job.STALLED_JOBS] = done
    assert due_jobs(PLAN, now, marks) == [Job.CHASE]
    later = now + datetime.timedelta(minutes=10)
    assert due_jobs(PLAN, later, marks) == [Job.FETCH_MAIL, Job.CHASE, Job.STRANDED_INTAKE, Job.STALLED_JOBS]
    assert due_jobs(PLAN, now + datetime.timedelta(minutes=30), marks)[-2:] == [Job.RETRY_READING, Job.STALLED_JOBS]
