"""An action that does not fit a request's state is refused in words a person reads: the body named,
what the state rules out, what to do instead; never "request #4 is withdrawn: refuse is not allowed"."""

from __future__ import annotations

import datetime

import pytest

from docket.mail import actions as outbox
from docket.mail.models import OutboxState
from docket.publishing import actions as publishing
from docket.requests import actions
from docket.requests.actions import Actor, TransitionError
from docket.requests.events import EventKind
from docket.requests.letters import queue, queue_chunk
from docket.requests.refusals import RULED_OUT, refusal_message
from docket.requests.states import ALLOWED_FROM, RequestState

pytestmark = pytest.mark.django_db
PERSON = Actor("coordinator@office.example")
HAMPSHIRE = "Hampshire Police and Crime Commissioner"


@pytest.fixture
def hampshire(example):
    return actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))


def sent(request):
    request = actions.approve(request, PERSON)
    request = actions.transition(request, EventKind.QUEUE, PERSON, RequestState.QUEUED)
    return actions.mark_sent(request, PERSON, datetime.datetime(2020, 10, 13, 10, tzinfo=datetime.UTC))


def test_a_withdrawn_request_cannot_be_marked_refused_and_the_message_says_to_reopen_it(hampshire):
    actions.withdraw(hampshire, PERSON, "not needed")
    with pytest.raises(TransitionError) as refused:
        actions.refuse(hampshire, PERSON, "no")
    assert str(refused.value) == (
        f"The request to {HAMPSHIRE} is withdrawn, so it cannot be marked refused. "
        "Reopen it first, on its page, if it should go on."
    )


def test_a_request_already_sent_cannot_be_approved_again_and_it_says_the_letter_went(hampshire):
    with pytest.raises(TransitionError) as refused:
        actions.approve(sent(hampshire), PERSON)
    assert str(refused.value) == (
        f"The letter to {HAMPSHIRE} has already been sent, so the request cannot be approved again."
    )


def test_a_draft_cannot_be_chased_as_its_letter_has_not_gone(hampshire):
    message = refusal_message(hampshire, EventKind.EXTEND_DEADLINE)
    assert message == (
        f"The request to {HAMPSHIRE} is still a draft, so its deadline cannot be extended. "
        "Its letter has not been sent yet."
    )


@pytest.mark.parametrize("kind", sorted(ALLOWED_FROM))
def test_every_action_is_refused_in_words_from_every_state_it_may_not_start_from(hampshire, kind):
    assert kind in RULED_OUT, f"{kind} has no words of its own"
    for state in set(RequestState) - ALLOWED_FROM[kind]:
        hampshire.state = state  # in memory only: the words for each state, nothing saved
        message = refusal_message(hampshire, kind)
        assert message.startswith((f"The request to {HAMPSHIRE} ", f"The letter to {HAMPSHIRE} ")), message
        assert "_" not in message, message
        assert "not allowed" not in message, message
        assert "#" not in message, message
        assert kind not in message.split(), message


def test_a_kind_without_words_of_its_own_is_named_by_its_label(hampshire):
    message = refusal_message(hampshire, EventKind.PUBLICATION_CONSENT)
    assert "“Consent recorded” cannot be recorded on it" in message


def test_a_letter_already_sent_is_not_queued_again_and_the_reason_says_so(example, hampshire):
    sent(hampshire)
    queued, skipped = queue_chunk(example, [hampshire.recipient], PERSON)
    assert queued == []
    [(_, reason)] = skipped
    assert reason == "The letter has already been sent, so it is not queued again."


def test_an_outbox_step_that_no_longer_fits_names_the_letter_and_the_body(example, hampshire):
    message = queue(actions.approve(hampshire, PERSON), PERSON)
    assert message.state == OutboxState.QUEUED
    with pytest.raises(TransitionError) as refused:
        outbox.resend(message, PERSON)
    assert str(refused.value) == (
        f"The letter to {HAMPSHIRE} is waiting in the outbox, so it cannot be sent again. "
        "Reload the outbox to see where it is now."
    )


def test_a_publication_not_approved_cannot_be_published_and_it_says_approve_it_first(example, hampshire):
    letter = queue(actions.approve(hampshire, PERSON), PERSON)
    actions.mark_sent(hampshire, PERSON, datetime.datetime(2020, 10, 13, 10, tzinfo=datetime.UTC))
    assert letter.request_id == hampshire.pk
    publication = publishing.letter_publication(hampshire)
    with pytest.raises(TransitionError) as refused:
        publishing.publish(publication, PERSON)
    assert str(refused.value) == (
        f"The letter of the request to {HAMPSHIRE} is private, so it cannot be published. "
        "Approve it for publication first."
    )
