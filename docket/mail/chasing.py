"""Chasers: a reminder to each body whose reply is overdue, through the same outbox.

A request is chased when it is waiting for a reply, its due date has passed,
chasing is on for it, it has had fewer than the campaign's maximum chasers,
the last one went at least the campaign's interval (in working days) ago, and
no chaser for it is already waiting to go.

A person may chase sooner than the daily round (from the ledger or the request page), within
the rules every chaser keeps (``why_not_chase``): only a request waiting for a reply, never on
the day something was sent to it, never before its reply is due (a chaser says the reply is
overdue; before the due date that is untrue, and the body's time is its own), never while
another chaser waits to go, and only for items still outstanding.

The chaser itself is written on the request side (:mod:`docket.requests.letters`,
which also holds ``chase``); this module chooses whom to chase and hands the
written chaser to the outbox.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from docket.campaigns.models import SETTLED, Campaign, RecipientItem
from docket.letters.wording import long_date
from docket.mail.addresses import reply_address
from docket.mail.dispatch import store
from docket.mail.messages import LetterContent, build_email
from docket.mail.models import OutboxMessage, OutboxState
from docket.requests import deadlines
from docket.requests.actions import Actor, transition
from docket.requests.events import EventKind
from docket.requests.models import InfoRequest
from docket.requests.states import WAITING_STATES

WAITING_CHASER = [OutboxState.QUEUED, OutboxState.SENDING]


def outstanding_items(request: InfoRequest) -> int | None:
    """How many items the request asked for have not come (nor been settled otherwise) yet;
    None if its letter asked for no items (then what is outstanding is the reply itself)."""
    asked = RecipientItem.objects.filter(recipient_id=request.recipient_id, state=RecipientItem.State.ASK)
    counts = asked.aggregate(asked=Count("pk"), open=Count("pk", filter=~Q(status__in=SETTLED)))
    return counts["open"] if counts["asked"] else None


def why_not_chase(
    request: InfoRequest,
    today: datetime.date,
    *,
    last_written: datetime.datetime | None,
    chaser_waiting: bool,
    outstanding: int | None,
    last_what: str = "a letter",
) -> str:
    """Why a chaser cannot go to ``request`` now ("" if it can): the one rule set of every chase.

    ``last_written``: when anything was last sent to it; ``chaser_waiting``: a chaser to it is in the
    outbox still; ``outstanding``: how many items asked for have not come
    (None: the letter asked for none); ``last_what``: what that was ("the letter", "a chaser").
    """
    if request.state not in WAITING_STATES:
        return f"it is {request.get_state_display().lower()}: only a request waiting for a reply is chased"
    if last_written is not None and timezone.localdate(last_written) == today:
        which = "another" if "chaser" in last_what else "a chaser"
        return f"{last_what} went today: {which} can be sent from {long_date(first_chase_day(request, today))}"
    if request.due_date is not None and request.due_date >= today:
        return f"its reply is not due until {long_date(request.due_date)}: a chaser goes once the reply is overdue"
    if chaser_waiting:
        return "a chaser to it is already waiting to go"
    if not request.chasing_enabled:
        return "chasing is turned off for it"
    if outstanding == 0:
        return "every item it asked for has come or been settled: nothing is left to chase"
    return ""


def first_chase_day(request: InfoRequest, today: datetime.date) -> datetime.date:
    """The first day a chaser may go to a request written to today: tomorrow, or the day after its
    reply is due if that is later (a chaser goes once the reply is overdue)."""
    tomorrow = today + datetime.timedelta(days=1)
    if request.due_date is not None and request.due_date >= tomorrow:
        return request.due_date + datetime.timedelta(days=1)
    return tomorrow


def chase_due(request: InfoRequest, today: datetime.date) -> bool:
    campaign = request.campaign
    if not (request.chasing_enabled and request.is_overdue(today) and request.chasers_sent < campaign.max_chasers):
        return False
    if request.last_chased_at is not None:
        last = timezone.localdate(request.last_chased_at)
        if deadlines.add_working_days(last, campaign.chase_interval_working_days) > today:
            return False
    waiting = request.outbox.filter(kind=OutboxMessage.Kind.CHASER, state__in=WAITING_CHASER).exists()
    return not waiting and outstanding_items(request) != 0


def requests_to_chase(campaign: Campaign | None, today: datetime.date) -> list[InfoRequest]:
    candidates = InfoRequest.objects.filter(state__in=WAITING_STATES, chasing_enabled=True, due_date__lt=today)
    if campaign is not None:
        candidates = candidates.filter(campaign=campaign)
    candidates = candidates.select_related("campaign__office", "recipient__contact__body")
    return [request for request in candidates if chase_due(request, today)]


def queue_chaser(request: InfoRequest, chaser: LetterContent, actor: Actor, note: str) -> OutboxMessage:
    """Store the rendered ``chaser`` in the outbox, in reply to the letter, and count it on the request."""
    campaign = request.campaign
    recipient = request.recipient
    original = request.outbox.filter(kind=OutboxMessage.Kind.LETTER, state=OutboxState.SENT).first()
    outgoing = build_email(
        request_id=request.pk,
        kind=OutboxMessage.Kind.CHASER,
        office_name=campaign.office.name,
        office_email=campaign.office.email,
        to_name=recipient.contact.full_name,
        to_email=recipient.contact.email,
        reply_to=reply_address(request.pk),
        subject=f"Reminder: {campaign.email_subject or campaign.title}",
        text=chaser.text,
        html=chaser.html,
        pdf=chaser.pdf,
        pdf_name=chaser.pdf_name,
        in_reply_to=original.message_id if original else "",
    )
    with transaction.atomic():
        transition(
            request,
            EventKind.CHASE,
            actor,
            None,
            note,
            chasers_sent=F("chasers_sent") + 1,
            last_chased_at=timezone.now(),
        )
        return store(request, OutboxMessage.Kind.CHASER, outgoing)
