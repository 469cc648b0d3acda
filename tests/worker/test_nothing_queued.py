"""Approve-and-send on letters that had all gone already says that none was queued, and why,
not "0 letters queued"."""

from __future__ import annotations

import datetime

import pytest

from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.states import RequestState
from docket.worker import jobs

pytestmark = pytest.mark.django_db
PERSON = Actor("coordinator@office.example")


def send_by_hand(recipient) -> None:
    request = actions.approve(actions.request_for(recipient), PERSON)
    request = actions.transition(request, EventKind.QUEUE, PERSON, RequestState.QUEUED)
    actions.mark_sent(request, PERSON, datetime.datetime(2020, 10, 13, 10, tzinfo=datetime.UTC))


def test_letters_all_sent_already_are_none_queued_each_because_it_had_gone(example):
    recipients = list(example.recipients.all())
    for recipient in recipients:
        send_by_hand(recipient)
    job = jobs.send_letters(example, [r.pk for r in recipients], PERSON)
    job.refresh_from_db()
    assert (job.state, job.done, job.skipped) == ("done", 3, 3)
    assert job.summary == "None of the 3 letters was queued: each had already been sent. See the list below."


def test_one_letter_sent_already_is_told_in_the_singular(example):
    recipient = example.recipients.first()
    send_by_hand(recipient)
    job = jobs.send_letters(example, [recipient.pk], PERSON)
    job.refresh_from_db()
    assert job.summary == "The letter was not queued: it had already been sent. See the list below."


def test_when_the_reasons_differ_the_list_gives_each(example):
    sent, withdrawn = example.recipients.all()[:2]
    send_by_hand(sent)
    actions.withdraw(actions.request_for(withdrawn), PERSON, "not needed")
    job = jobs.send_letters(example, [sent.pk, withdrawn.pk], PERSON)
    job.refresh_from_db()
    assert job.summary == "None of the 2 letters was queued. The list below says why for each."
    problems = [problem.text for problem in job.problems.all()]
    assert any("The request is withdrawn, so its letter cannot be queued." in text for text in problems)
