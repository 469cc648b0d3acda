"""Chasers: a reminder to each body whose reply is overdue, through the same outbox.

A request is chased when it is waiting for a reply, its due date has passed,
chasing is on for it, it has had fewer than the campaign's maximum chasers,
the last one went at least the campaign's interval (in working days) ago, and
no chaser for it is already waiting to go.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from docket.campaigns.letters import campaign_data, recipient_data
from docket.campaigns.models import Campaign
from docket.letters import build_letter
from docket.letters.html import to_email_html
from docket.letters.text import to_email_text
from docket.letters.wording import long_date
from docket.mail.addresses import reply_address
from docket.mail.dispatch import _store
from docket.mail.messages import attachment_name, build_email
from docket.mail.models import OutboxMessage, OutboxState
from docket.requests import deadlines
from docket.requests.actions import Actor, transition
from docket.requests.events import EventKind
from docket.requests.models import FrozenLetter, InfoRequest
from docket.requests.states import WAITING_STATES

STANDARD_CHASER = """\
I wrote to you on {{ sent_date | long_date }} about {{ campaign.title }}.
{%- if items.outstanding %} I asked for your {{ items.outstanding | map(attribute="name") | english_list }}.{% endif %}
A reply was due by {{ due_date | long_date }} and I have not yet received it.

I would be grateful if you could reply to this email, attaching any documents.
My letter is attached again for ease of reference.
"""


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


def queue_chaser(request: InfoRequest, actor: Actor) -> OutboxMessage:
    campaign = request.campaign
    recipient = request.recipient
    assert request.sent_at is not None
    assert request.due_date is not None
    data = campaign_data(campaign, template=campaign.chaser_template or STANDARD_CHASER)
    extra = {"sent_date": timezone.localdate(request.sent_at), "due_date": request.due_date}
    letter = build_letter(data, recipient_data(recipient), extra=extra)
    original = request.outbox.filter(kind=OutboxMessage.Kind.LETTER, state=OutboxState.SENT).first()
    number = request.chasers_sent + 1
    outgoing = build_email(
        request_id=request.pk,
        kind=OutboxMessage.Kind.CHASER,
        office_name=campaign.office.name,
        office_email=campaign.office.email,
        to_name=recipient.contact.full_name,
        to_email=recipient.contact.email,
        reply_to=reply_address(request.pk),
        subject=f"Reminder: {campaign.email_subject or campaign.title}",
        text=to_email_text(letter),
        html=to_email_html(letter),
        pdf=bytes(frozen.pdf) if (frozen := FrozenLetter.objects.filter(request=request).first()) else None,
        pdf_name=attachment_name(campaign.office.name, letter.date_text),
        in_reply_to=original.message_id if original else "",
    )
    with transaction.atomic():
        transition(
            request,
            EventKind.CHASE,
            actor,
            None,
            f"chaser {number}: the reply was due by {long_date(request.due_date)}",
            chasers_sent=F("chasers_sent") + 1,
            last_chased_at=timezone.now(),
        )
        return _store(request, OutboxMessage.Kind.CHASER, outgoing)


def chase(campaign: Campaign | None, actor: Actor, today: datetime.date | None = None) -> list[OutboxMessage]:
    """Queue a chaser for every request that is due one."""
    today = today or timezone.localdate()
    return [queue_chaser(request, actor) for request in requests_to_chase(campaign, today)]
