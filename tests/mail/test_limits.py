"""A mail provider's limits (messages a minute, recipients a day) are honoured by all workers together.

Two workers (two ``Sender``\\ s with their own claims, as two processes would have) share one outbox and one
clock that the test moves on by hand: nothing waits. The channel stands in for the server and writes down,
at the clock's time, what each worker handed it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from docket.mail.channels import UNREACHABLE, DeliveryError
from docket.mail.dispatch import store
from docket.mail.messages import Outgoing
from docket.mail.models import OutboxMessage, OutboxState, ServerLimit
from docket.mail.outbox import Sender
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.states import RequestState

SERVER = "smtp.office365.example:587"
START = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


@dataclass
class Clock:
    now: datetime.datetime = START

    def __call__(self) -> datetime.datetime:
        return self.now


@dataclass
class Provider:
    """Takes every message, noting when (by the shared clock) and from which worker."""

    clock: Clock
    taken: list[tuple[datetime.datetime, str, str]] = field(default_factory=list)

    def channel(self, name: str) -> FakeChannel:
        return FakeChannel(self, name)


@dataclass
class FakeChannel:
    provider: Provider
    name: str

    @property
    def server(self) -> str:
        return SERVER

    def deliver(
        self, envelope_from: str, envelope_to: str, raw: bytes, before_data: Callable[[], None] | None = None
    ) -> str:
        if before_data is not None:
            before_data()
        self.provider.taken.append((self.provider.clock(), self.name, envelope_to))
        return "250 2.0.0 OK"

    def close(self) -> None:
        pass


@pytest.fixture
def chasers(example):
    """120 chasers waiting in the outbox (one request, sent, chased many times over: only the count matters)."""
    actor = Actor("test")
    request = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    request = actions.transition(actions.approve(request, actor), EventKind.QUEUE, actor, RequestState.QUEUED)
    actions.mark_sent(request, actor, timezone.now())
    for number in range(120):
        store(
            request,
            OutboxMessage.Kind.CHASER,
            Outgoing(f"<c{number}@test>", "a@b.example", f"r{number}@x", "c", [], "A reminder.", "", None, ""),
        )
    return 120


def in_any_window(times: list[datetime.datetime], window: datetime.timedelta) -> int:
    """The most messages taken within any span of ``window`` (a message at t counts in (t - window, t])."""
    times = sorted(times)
    return max((sum(1 for other in times if at - window < other <= at) for at in times), default=0)


def test_two_workers_together_send_no_more_than_thirty_a_minute(chasers):
    ServerLimit.objects.create(server=SERVER, messages_per_minute=30)
    clock = Clock()
    provider = Provider(clock)
    workers = [Sender(provider.channel(name), clock=clock) for name in ("one", "two")]
    for _ in range(60):  # five minutes, a round of each worker every five seconds
        for worker in workers:
            worker.send_due()
        clock.now += datetime.timedelta(seconds=5)

    times = [at for at, _, _ in provider.taken]
    assert len(times) == chasers, "every chaser went in the end"
    assert len(set(provider.taken)) == chasers
    assert in_any_window(times, datetime.timedelta(minutes=1)) == 30  # the limit, reached and never passed
    assert {name for _, name, _ in provider.taken} == {"one", "two"}  # both workers sent some
    # 120 at 30 a minute: the last goes in the fourth minute, not before.
    assert max(times) - START == datetime.timedelta(minutes=3)
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == chasers


def test_recipients_a_day_are_counted_over_twenty_four_hours(chasers):
    ServerLimit.objects.create(server=SERVER, messages_per_minute=None, recipients_per_day=50)
    clock = Clock()
    provider = Provider(clock)
    workers = [Sender(provider.channel(name), clock=clock) for name in ("one", "two")]

    def hours(count: int) -> None:
        for _ in range(count):
            for worker in workers:
                worker.send_due()
            clock.now += datetime.timedelta(hours=1)

    hours(23)
    assert len(provider.taken) == 50  # the day's 50, then nothing more that day
    hours(3)  # 24 hours after the first, the day's window moves on, a claim at a time
    assert len(provider.taken) == 100
    assert in_any_window([at for at, _, _ in provider.taken], datetime.timedelta(days=1)) == 50


def test_without_a_limit_for_the_server_nothing_holds_the_workers_back(chasers):
    ServerLimit.objects.create(server="another.example:25", messages_per_minute=1)
    clock = Clock()
    provider = Provider(clock)
    worker = Sender(provider.channel("one"), clock=clock)
    while worker.send_due():
        pass
    assert len(provider.taken) == chasers


def test_the_limits_from_the_settings_make_the_servers_row_which_the_admin_may_then_change(chasers, settings):
    settings.DOCKET_SMTP_PER_MINUTE = 30
    clock = Clock()
    provider = Provider(clock)
    workers = [Sender(provider.channel(name), clock=clock) for name in ("one", "two")]
    for worker in workers:
        worker.send_due()
    limit = ServerLimit.objects.get(server=SERVER)
    assert (limit.messages_per_minute, limit.recipients_per_day, len(provider.taken)) == (30, None, 30)
    limit.messages_per_minute = 40  # changed in the admin: the row, not the setting, counts from now on
    limit.save()
    clock.now += datetime.timedelta(minutes=1)
    for worker in workers:
        worker.send_due()
    assert len(provider.taken) == 70


@dataclass
class Unreachable(FakeChannel):
    """A server that cannot be reached: nothing is handed to it."""

    def deliver(
        self, envelope_from: str, envelope_to: str, raw: bytes, before_data: Callable[[], None] | None = None
    ) -> str:
        raise DeliveryError(f"{UNREACHABLE} {SERVER}: connection refused")


def test_claims_that_never_reached_the_server_are_not_counted_against_its_limits(chasers):
    from docket.mail import limits

    ServerLimit.objects.create(server=SERVER, messages_per_minute=30)
    clock = Clock()
    worker = Sender(Unreachable(Provider(clock), "one"), clock=clock)
    assert worker.send_due() == 20  # claimed, could not be handed over, queued again to be tried later
    assert OutboxMessage.objects.filter(state=OutboxState.QUEUED).count() == chasers
    assert limits.used(SERVER, clock.now, limits.MINUTE) == 0
    assert limits.room(SERVER, clock.now) == 30
