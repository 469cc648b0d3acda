"""Chasers: a reminder to each body whose reply is overdue, through the same outbox.

A request is chased when it is waiting for a reply, its due date has passed,
chasing is on for it, it has had fewer than the campaign's maximum chasers,
the last one went at least the campaign's interval (in working days) ago, and
no chaser for it is already waiting to go.

The chaser itself is written on the request side (:mod:`docket.requests.letters`,
which also holds ``chase``); this module chooses whom to chase and hands the
written chaser to the outbox.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from docket.campaigns.models import Campaign
from docket.mail.addresses import reply_address
from docket.mail.dispatch import store
from docket.mail.messages import LetterContent, build_email
from docket.mail.models import OutboxMessage, OutboxState
from docket.requests import deadlines
from docket.requests.actions import Actor, transition
from docket.requests.events import EventKind
from docket.requests.models import InfoRequest
from docket.requests.states import WAITING_STATES


def chase_due(request: InfoRequest, today: datetime.date) -> bool:
    campaign = request.campaign
    if not (request.chasing_enabled and request.is_overdue(today) and request.chasers_sent < campaign.max_chasers):
        return False
    if request.last_chased_at is not None:
        last = timezone.localdate(request.last_chased_at)
        if deadlines.add_working_days(last, campaign.chase_interval_working_days) > today:
            return False
    return not request.outbox.filter(
        kind=OutboxMessage.Kind.CHASER, state__in=[OutboxState.QUEUED, OutboxState.SENDING]
    ).exists()


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
