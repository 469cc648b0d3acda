"""A request's letters, rendered on the request side and handed to the outbox as frozen content.

The letter is rendered once, when it is queued: its PDF, its text and the HTML email
body (the letter's HTML in :file:`requests/letter_email.html`). A chaser is written
from the campaign's chaser template and carries the frozen PDF again. The outbox
(:mod:`docket.mail`) receives these bytes and texts and renders nothing itself.
"""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from docket.campaigns.letters import campaign_data, recipient_data
from docket.campaigns.models import Campaign, Recipient
from docket.campaigns.readiness import LetterCheck
from docket.letters import LetterError, build_letter
from docket.letters.html import to_email_html, to_html_fragment
from docket.letters.pdf import to_pdf
from docket.letters.text import to_email_text, to_text
from docket.letters.wording import long_date
from docket.mail import chasing, dispatch
from docket.mail.messages import LetterContent, attachment_name
from docket.mail.models import OutboxMessage
from docket.requests.actions import Actor, TransitionError, approve, request_for
from docket.requests.models import FrozenLetter, InfoRequest
from docket.requests.states import RequestState

STANDARD_CHASER = """\
I wrote to you on {{ sent_date | long_date }} about {{ campaign.title }}.
{%- if items.outstanding %} I asked for your {{ items.outstanding | map(attribute="name") | english_list }}.{% endif %}
A reply was due by {{ due_date | long_date }} and I have not yet received it.

I would be grateful if you could reply to this email, attaching any documents.
My letter is attached again for ease of reference.
"""


def freeze_letter(request: InfoRequest) -> LetterContent:
    """The request's letter rendered once, as it will be sent and kept: PDF, text and the HTML email body."""
    campaign = request.campaign
    letter = build_letter(campaign_data(campaign), recipient_data(request.recipient))
    fragment = mark_safe(to_html_fragment(letter))  # noqa: S308 - the HTML writer escapes all it is given
    context = {"title": letter.title, "letter": fragment}
    return LetterContent(
        text=to_text(letter).decode(),
        html=render_to_string("requests/letter_email.html", context),
        pdf=to_pdf(letter),
        pdf_name=attachment_name(campaign.office.name, letter.date_text),
    )


def write_chaser(request: InfoRequest) -> LetterContent:
    """The reminder for an overdue request, with its frozen letter attached again (if it has one)."""
    campaign = request.campaign
    assert request.sent_at is not None
    assert request.due_date is not None
    data = campaign_data(campaign, template=campaign.chaser_template or STANDARD_CHASER)
    extra = {"sent_date": timezone.localdate(request.sent_at), "due_date": request.due_date}
    letter = build_letter(data, recipient_data(request.recipient), extra=extra)
    frozen = FrozenLetter.objects.filter(request=request).first()
    return LetterContent(
        text=to_email_text(letter),
        html=to_email_html(letter),
        pdf=bytes(frozen.pdf) if frozen else None,
        pdf_name=attachment_name(campaign.office.name, letter.date_text),
    )


def queue(request: InfoRequest, actor: Actor, note: str = "") -> OutboxMessage:
    """Render and freeze the letter and put it in the outbox; the request becomes queued."""
    dispatch.check_addressed(request)
    return dispatch.queue(request, freeze_letter(request), actor, note)


def queue_campaign(
    campaign_recipients: list[Recipient], actor: Actor
) -> tuple[list[OutboxMessage], list[tuple[Recipient, str]]]:
    """Approve (if still a draft) and queue each recipient's letter; returns (queued, skipped with reasons).

    A letter that cannot be made is skipped before anything happens to its request (it stays a draft)."""
    queued: list[OutboxMessage] = []
    skipped: list[tuple[Recipient, str]] = []
    checks: dict[int, LetterCheck] = {}
    for recipient in campaign_recipients:
        request = request_for(recipient, actor)
        if request.state in (RequestState.DRAFT, RequestState.APPROVED):
            check = checks.get(recipient.campaign_id) or checks.setdefault(
                recipient.campaign_id, LetterCheck(recipient.campaign)
            )
            if problem := check.problem(recipient):
                skipped.append((recipient, problem))
                continue
        try:
            if request.state == RequestState.DRAFT:
                request = approve(request, actor)
            queued.append(queue(request, actor))
        except (TransitionError, LetterError) as error:
            skipped.append((recipient, str(error)))
    return queued, skipped


def queue_chaser(request: InfoRequest, actor: Actor) -> OutboxMessage:
    """Write the request's next chaser and put it in the outbox."""
    assert request.due_date is not None
    note = f"chaser {request.chasers_sent + 1}: the reply was due by {long_date(request.due_date)}"
    return chasing.queue_chaser(request, write_chaser(request), actor, note)


def chase(campaign: Campaign | None, actor: Actor, today: datetime.date | None = None) -> list[OutboxMessage]:
    """Queue a chaser for every request that is due one."""
    today = today or timezone.localdate()
    return [queue_chaser(request, actor) for request in chasing.requests_to_chase(campaign, today)]
