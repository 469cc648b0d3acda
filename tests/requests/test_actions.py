import datetime

import pytest
from django.utils import timezone

from docket.requests import actions
from docket.requests.actions import Actor, TransitionError
from docket.requests.events import EventKind
from docket.requests.models import Event
from docket.requests.states import RequestState


@pytest.fixture
def request_(example):
    return actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))


def sent(request_, actor):
    request_ = actions.approve(request_, actor)
    request_ = actions.transition(request_, EventKind.QUEUE, actor, RequestState.QUEUED)
    when = datetime.datetime(2020, 10, 13, 10, tzinfo=datetime.UTC)
    return actions.mark_sent(request_, actor, when)


def test_each_action_writes_one_event_with_its_actor(request_, coordinator):
    actor = Actor.of(coordinator)
    request_ = sent(request_, actor)
    assert request_.state == RequestState.SENT
    assert request_.due_date == datetime.date(2020, 11, 10)
    events = list(request_.events.values_list("kind", "from_state", "to_state", "actor_name"))
    assert events == [
        ("create", "draft", "draft", "Docket"),
        ("approve", "draft", "approved", "coordinator@office.example"),
        ("queue", "approved", "queued", "coordinator@office.example"),
        ("mark_sent", "queued", "sent", "coordinator@office.example"),
    ]
    assert request_.events.last().actor == coordinator


def test_several_letters_are_marked_sent_at_once_and_a_withdrawn_one_logs_that_its_letter_went(example, coordinator):
    actor = Actor.of(coordinator)
    requests = [actions.request_for(recipient) for recipient in example.recipients.order_by("pk")]
    for request_ in requests:
        actions.transition(actions.approve(request_, actor), EventKind.QUEUE, actor, RequestState.QUEUED)
    actions.withdraw(requests[2], actor, "changed our mind")
    first = datetime.datetime(2020, 10, 13, 10, tzinfo=datetime.UTC)
    second = datetime.datetime(2020, 10, 16, 23, 59, tzinfo=datetime.UTC)  # Saturday in London
    letters = [(requests[0], first, "accepted: a"), (requests[1], second, "accepted: b"), (requests[2], first, "c")]
    actions.mark_sent_many(letters, actor)
    stored = {r.pk: r for r in type(requests[0]).objects.filter(pk__in=[r.pk for r in requests])}
    assert (stored[requests[0].pk].state, stored[requests[0].pk].sent_at) == (RequestState.SENT, first)
    assert stored[requests[0].pk].due_date == datetime.date(2020, 11, 10)
    assert (stored[requests[1].pk].sent_at, stored[requests[1].pk].due_date) == (second, datetime.date(2020, 11, 13))
    assert stored[requests[2].pk].state == RequestState.WITHDRAWN
    assert list(Event.objects.filter(kind="mark_sent").order_by("pk").values_list("request", "note")) == [
        (requests[0].pk, "accepted: a"),
        (requests[1].pk, "accepted: b"),
    ]
    went = Event.objects.get(kind="letter_sent")  # it went all the same, and the withdrawn request's log says so
    assert (went.request_id, went.from_state, went.to_state, went.note) == (
        requests[2].pk,
        "withdrawn",
        "withdrawn",
        "c",
    )


def test_replies_taken_in_together_log_each_and_move_each_request_once(example, coordinator):
    actor = Actor.of(coordinator)
    hampshire, notts = (
        sent(actions.request_for(example.recipients.get(contact__full_name=name)), actor)
        for name in ("Michael Lane", "Paddy Tipping")
    )
    actions.withdraw(notts, actor, "changed our mind")
    actions.record_replies(
        [
            (hampshire, "first", "reply"),
            (hampshire, "out of office", "auto_reply"),
            (notts, "late", "reply"),
            (hampshire, "2", "reply"),
        ],
        actor,
    )
    hampshire.refresh_from_db()
    assert hampshire.state == RequestState.PARTIALLY_ANSWERED
    logged = list(
        hampshire.events.filter(note__in=["first", "out of office", "2"]).values_list("kind", "from_state", "to_state")
    )
    assert logged == [
        ("record_reply", "sent", "partially_answered"),
        ("auto_reply", "partially_answered", "partially_answered"),
        ("record_reply", "partially_answered", "partially_answered"),
    ]
    notts.refresh_from_db()
    assert notts.state == RequestState.WITHDRAWN
    assert notts.events.filter(kind="reply_received", note="late", to_state="withdrawn").exists()


def test_a_forbidden_transition_changes_nothing(request_, coordinator):
    actor = Actor.of(coordinator)
    before = Event.objects.count()
    with pytest.raises(TransitionError, match=r"^The request to .+ is still a draft, so it cannot be marked refused\."):
        actions.refuse(request_, actor, "no")
    request_.refresh_from_db()
    assert request_.state == RequestState.DRAFT
    assert Event.objects.count() == before


def test_items_received_move_the_request_to_answered(request_, coordinator):
    actor = Actor.of(coordinator)
    request_ = sent(request_, actor)
    request_ = actions.mark_item_received(request_, "problem_profile", actor, "attached to the reply")
    assert request_.state == RequestState.PARTIALLY_ANSWERED
    request_ = actions.mark_item_received(request_, "response_strategy", actor)
    assert request_.state == RequestState.PARTIALLY_ANSWERED
    request_ = actions.mark_item_received(request_, "delivery_updates", actor)
    assert request_.state == RequestState.ANSWERED
    assert request_.recipient.item_states.filter(received_at__isnull=True).count() == 0


def test_an_item_not_asked_for_cannot_be_received(example, coordinator):
    notts = actions.request_for(example.recipients.get(contact__full_name="Paddy Tipping"))
    actor = Actor.of(coordinator)
    notts = sent(notts, actor)
    with pytest.raises(TransitionError, match="did not ask for the Response Strategy"):
        actions.mark_item_received(notts, "response_strategy", actor)
    # Only the updates were asked for: receiving them answers the request.
    assert actions.mark_item_received(notts, "delivery_updates", actor).state == RequestState.ANSWERED


def test_deadlines_extend_and_restart(request_, coordinator):
    actor = Actor.of(coordinator)
    request_ = sent(request_, actor)
    request_ = actions.extend_deadline(request_, 5, actor, "asked for more time")
    assert request_.due_date == datetime.date(2020, 11, 17)
    request_ = actions.restart_deadline(request_, actor, "clarified", on=datetime.date(2020, 12, 1))
    assert request_.due_date == datetime.date(2020, 12, 31)  # 20 working days; 25 and 28 December skipped
    assert request_.state == RequestState.SENT


def test_overdue_is_computed_from_the_due_date(request_, coordinator):
    request_ = sent(request_, Actor.of(coordinator))
    assert not request_.is_overdue(datetime.date(2020, 11, 10))
    assert request_.is_overdue(datetime.date(2020, 11, 11))
    assert not request_.is_very_overdue(datetime.date(2020, 12, 8))
    assert request_.is_very_overdue(datetime.date(2020, 12, 9))


def test_withdraw_and_reopen(request_, coordinator):
    actor = Actor.of(coordinator)
    request_ = sent(request_, actor)
    request_ = actions.withdraw(request_, actor, "sent to the wrong office")
    assert request_.state == RequestState.WITHDRAWN
    assert actions.reopen(request_, actor, "right office after all").state == RequestState.SENT
    assert timezone.is_aware(request_.sent_at)


def test_the_database_refuses_an_event_of_no_known_kind(request_):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(request=request_, actor_name="x", kind="made_up", from_state="draft", to_state="draft")
