"""The worker's chasing job, run round after round on a fake clock through a real SMTP server."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from docket.mail.chasing import requests_to_chase
from docket.requests.deadlines import add_working_days, is_working_day
from docket.worker import rounds
from docket.worker.models import JobMark
from docket.worker.schedule import Job, Mark, Plan
from tests.mailserver import sent_example

# The outbox writes from a thread of its own, which must see committed data.
pytestmark = pytest.mark.django_db(transaction=True)
PLAN = Plan(fetch_every=None, chase_at=datetime.time(9, 30))


def working_day_after(day: datetime.date | None) -> datetime.date:
    assert day is not None  # set when the letter was sent
    return add_working_days(day, 1)


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def chasers(recorder) -> list[str]:
    return [r.rcpt_tos[0] for r in recorder.received if r.message["Subject"].startswith("Reminder")]


def test_a_chaser_job_run_twice_on_the_same_day_sends_one_chaser(example, smtp_server):
    recorder, config = smtp_server
    requests = sent_example(example, config)
    letters = len(recorder.received)
    overdue_on = working_day_after(requests["Michael Lane"].due_date)
    assert is_working_day(overdue_on)
    due = len(requests_to_chase(None, overdue_on))
    assert due >= 3

    first = rounds.run_round("test-worker", local(overdue_on, 9), PLAN, local(overdue_on, 10))
    assert f"chase: {due} chasers queued" in first.jobs
    assert len(chasers(recorder)) == due
    second = rounds.run_round("test-worker", local(overdue_on, 9), PLAN, local(overdue_on, 15, 30))
    assert len(chasers(recorder)) == due
    assert not any(line.startswith("chase") for line in second.jobs)
    assert len(set(chasers(recorder))) == due  # one each
    assert len(recorder.received) == letters + due


def test_a_chase_killed_before_it_finished_is_run_again_after_its_lease(example, smtp_server):
    recorder, config = smtp_server
    requests = sent_example(example, config)
    overdue_on = working_day_after(requests["Michael Lane"].due_date)
    # A worker claimed today's chase at 09:30 and was killed before it queued anything.
    JobMark.objects.create(job=Job.CHASE.value, started_at=local(overdue_on, 9, 30))
    due = len(requests_to_chase(None, overdue_on))

    def chase_lines(jobs: list[str]) -> list[str]:
        return [line for line in jobs if line.startswith("chase")]

    assert chase_lines(rounds.run_scheduled(PLAN, local(overdue_on, 9, 45))) == []  # it may still be running
    assert chase_lines(rounds.run_scheduled(PLAN, local(overdue_on, 10, 0))) == [f"chase: {due} chasers queued"]
    rounds.send_due()
    assert len(chasers(recorder)) == due


def test_two_workers_reading_the_same_marks_run_the_chase_once(example, smtp_server):
    _, config = smtp_server
    requests = sent_example(example, config)
    now = local(working_day_after(requests["Michael Lane"].due_date), 10)
    marks = rounds.read_marks()
    assert rounds.claim(Job.CHASE, now, marks.get(Job.CHASE, Mark()))
    assert not rounds.claim(Job.CHASE, now, marks.get(Job.CHASE, Mark()))  # the other worker loses


def test_a_campaign_whose_chaser_template_cannot_be_used_is_named_in_the_round_not_a_failure(example, smtp_server):
    from docket.campaigns.models import Campaign

    recorder, config = smtp_server
    requests = sent_example(example, config)
    Campaign.objects.filter(pk=example.pk).update(chaser_template="Hello {{ unclosed")  # saved before checks
    overdue_on = working_day_after(requests["Michael Lane"].due_date)
    [line] = [line for line in rounds.run_scheduled(PLAN, local(overdue_on, 10, 0)) if line.startswith("chase")]
    assert line.startswith("chase: 0 chasers queued; The chaser for ")
    assert "its chaser template has a mistake. Line 1: a {{ is not closed with }}. Correct the chaser" in line
    assert chasers(recorder) == []
