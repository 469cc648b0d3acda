"""A request's letters, rendered on the request side and handed to the outbox as frozen content.

The letter is rendered once, when it is queued: its PDF, its text and the HTML email
body (the letter's HTML in :file:`requests/letter_email.html`). A chaser is written
from the campaign's chaser template and carries the frozen PDF again. The outbox
(:mod:`docket.mail`) receives these bytes and texts and renders nothing itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

import jinja2
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from docket.campaigns.letters import campaign_data, recipient_data
from docket.campaigns.models import Campaign, Recipient
from docket.campaigns.readiness import NO_TEXT_YET, problem_text
from docket.errors import DocketError
from docket.letters import CampaignData, Letter, LetterError, RecipientData, build_letter, compile_template
from docket.letters.html import to_email_html, to_html_fragment
from docket.letters.pdf import to_pdf
from docket.letters.templating import uses_due_date
from docket.letters.text import to_email_text, to_text
from docket.letters.wording import long_date
from docket.mail import chasing, dispatch
from docket.mail.messages import LetterContent, attachment_name
from docket.mail.models import OutboxMessage
from docket.requests.actions import Actor, TransitionError, approve_many, requests_for
from docket.requests.models import FrozenLetter, InfoRequest
from docket.requests.refusals import why_not_queued
from docket.requests.states import RequestState

# A chaser goes only once the reply is overdue (docket.mail.chasing.why_not_chase); after a reply
# it thanks the body and names what is still outstanding.
STANDARD_CHASER = """\
I wrote to you on {{ sent_date | long_date }} about {{ campaign.title }}, asking for a reply by \
{{ due_date | long_date }}.
{% if replied %}Thank you for your reply.
{%- if items.outstanding %} I have not yet received your \
{{ items.outstanding | map(attribute="name") | english_list }}.{% endif %}
{% else %}
{%- if items.outstanding %}I asked for your {{ items.outstanding | map(attribute="name") | english_list }}. {% endif -%}
I have not yet received a reply.
{% endif %}
I would be grateful if you could reply to this email, attaching any documents.
My letter is attached again for ease of reference.
"""


def freeze_letter(request: InfoRequest) -> LetterContent:
    """The request's letter rendered once, as it will be sent and kept: PDF, text and the HTML email body."""
    campaign = request.campaign
    return freeze(campaign_data(campaign), recipient_data(request.recipient))


def freeze(campaign: CampaignData, recipient: RecipientData, template: jinja2.Template | None = None) -> LetterContent:
    """One letter rendered for the outbox from plain data (``template``: the campaign's, compiled once)."""
    letter = build_letter(campaign, recipient, template)
    fragment = mark_safe(to_html_fragment(letter))  # noqa: S308 - the HTML writer escapes all it is given
    context = {"title": letter.title, "letter": fragment}
    return LetterContent(
        text=to_text(letter).decode(),
        html=render_to_string("requests/letter_email.html", context),
        pdf=to_pdf(letter),
        pdf_name=attachment_name(campaign.office.name, letter.date_text),
        due_date=campaign.due_date if uses_due_date(campaign.template) else None,
    )


class ChaserCannotBeWritten(DocketError):
    """The campaign's chaser template cannot make a chaser (saved before templates were checked)."""


def chaser_template_problem(source: str) -> str:
    """What is wrong with a chaser template, in words ("Line 1: a {{ is not closed with }}"), or ""."""
    try:
        compile_template(source, "chaser")
    except LetterError as error:
        return problem_text(error)
    return ""


def write_chaser(request: InfoRequest) -> LetterContent:
    """The reminder for an overdue request, with its frozen letter attached again (if it has one)."""
    campaign = request.campaign
    assert request.sent_at is not None
    assert request.due_date is not None
    data = campaign_data(campaign, template=campaign.chaser_template or STANDARD_CHASER)
    try:
        letter = _chaser_letter(request, data)
    except LetterError as error:
        problem = problem_text(error)
        stop = "" if problem.endswith((".", "?")) else "."
        raise ChaserCannotBeWritten(
            f"The chaser for {campaign.title} cannot be written: its chaser template has a mistake. "
            f"{problem}{stop} Correct the chaser template in the campaign's settings "
            "(or empty it to use Docket's standard chaser), then chase again."
        ) from None
    frozen = FrozenLetter.objects.filter(request=request).first()
    return LetterContent(
        text=to_email_text(letter),
        html=to_email_html(letter),
        pdf=bytes(frozen.pdf) if frozen else None,
        pdf_name=attachment_name(campaign.office.name, letter.date_text),
    )


def _chaser_letter(request: InfoRequest, data: CampaignData) -> Letter:
    assert request.sent_at is not None
    extra = {
        "sent_date": timezone.localdate(request.sent_at),
        "due_date": request.due_date,
        "replied": request.state == RequestState.PARTIALLY_ANSWERED,
    }
    return build_letter(data, recipient_data(request.recipient), extra=extra)


def queue(request: InfoRequest, actor: Actor, note: str = "") -> OutboxMessage:
    """Render and freeze the letter and put it in the outbox; the request becomes queued."""
    dispatch.check_addressed(request)
    return dispatch.queue(request, freeze_letter(request), actor, note)


# Letters rendered, then written, a chunk at a time: the chunk's PDFs are all that is held in memory.
CHUNK = 50
Skipped = list[tuple[Recipient, str]]


def for_queueing(campaign: Campaign, ids: Sequence[int]) -> list[Recipient]:
    """The recipients (of ``campaign``) with all a letter needs, in three queries whatever their number."""
    return list(
        campaign.recipients.filter(pk__in=ids)
        .select_related("contact__body", "request")
        .prefetch_related("item_states__item")
        .order_by("pk")
    )


def _not_queueable(recipient: Recipient) -> str | None:
    """Why this recipient's letter cannot be queued, found before it is rendered (None: it can)."""
    request: InfoRequest | None = getattr(recipient, "request", None)
    if request is not None and request.state not in (RequestState.DRAFT, RequestState.APPROVED):
        return why_not_queued(request)
    if not recipient.contact.email:
        return f"{recipient.contact.full_name} has no email address to send to"
    return None


def queue_chunk(
    campaign: Campaign,
    recipients: Sequence[Recipient],
    actor: Actor,
    *,
    template: jinja2.Template | None = None,
    written: Callable[[int, Skipped], None] | None = None,
) -> tuple[list[int], Skipped]:
    """Approve (if still a draft) and queue some recipients' letters; returns (outbox message ids, skipped).

    Every letter is rendered and wrapped in its email first, outside any transaction (only the drafts
    of requests not made yet are written, as opening a letter makes them); then the chunk is approved,
    frozen and queued in one transaction, a few statements whatever its size, with ``written(done,
    skipped)`` (a job's progress) in the same one, so a chunk killed part-way queues nothing.
    ``recipients`` come from ``for_queueing``; ``template`` is the campaign's compiled template
    (compiled here if not given).
    """
    data = campaign_data(campaign)
    if template is None:
        try:
            template = compile_template(data.template, data.slug)
        except LetterError:
            template = None  # each letter is then refused with the template's error, naming its line
    skipped: Skipped = []
    rendered: list[tuple[Recipient, LetterContent]] = []
    for recipient in recipients:
        reason = _not_queueable(recipient) or (NO_TEXT_YET if not data.template.strip() else None)
        if reason is None:
            try:
                rendered.append((recipient, freeze(data, recipient_data(recipient), template)))
                continue
            except LetterError as error:
                reason = str(error)
        skipped.append((recipient, reason))
    requests = requests_for([recipient for recipient, _ in rendered], actor)  # drafts, as opening a letter makes
    refused: list[tuple[InfoRequest, TransitionError]] = []
    letters: list[dispatch.Addressed] = []
    for (recipient, letter), request in zip(rendered, requests, strict=True):
        request.recipient, request.campaign = recipient, campaign  # loaded already: no query for them
        try:
            letters.append(dispatch.address(request, letter))  # the email, built before the transaction
        except TransitionError as error:
            refused.append((request, error))
    with transaction.atomic():
        drafts = [addressed.request for addressed in letters if addressed.request.state == RequestState.DRAFT]
        refused += approve_many(drafts, actor)
        stopped = {request.pk for request, _ in refused}
        messages, not_queued = dispatch.queue_many([a for a in letters if a.request.pk not in stopped], actor)
        skipped += [(request.recipient, str(error)) for request, error in refused + not_queued]
        if written is not None:
            written(len(recipients), skipped)
    return [message.pk for message in messages], skipped


def queue_campaign(
    campaign_recipients: Sequence[Recipient], actor: Actor
) -> tuple[list[OutboxMessage], list[tuple[Recipient, str]]]:
    """Approve (if still a draft) and queue each recipient's letter, here and now; returns (queued, skipped).

    For a few letters (a test, one recipient). A campaign is queued a chunk at a time by the worker
    (docket/worker/jobs.py): this keeps every message it returns in memory.
    """
    ids: list[int] = []
    skipped: Skipped = []
    by_campaign: dict[int, list[int]] = {}
    for recipient in campaign_recipients:
        by_campaign.setdefault(recipient.campaign_id, []).append(recipient.pk)
    for campaign_id, recipient_ids in by_campaign.items():
        campaign = Campaign.objects.select_related("office").get(pk=campaign_id)
        for start in range(0, len(recipient_ids), CHUNK):
            chunk_ids, chunk_skipped = queue_chunk(
                campaign, for_queueing(campaign, recipient_ids[start : start + CHUNK]), actor
            )
            ids += chunk_ids
            skipped += chunk_skipped
    return list(OutboxMessage.objects.filter(pk__in=ids).select_related("request").order_by("pk")), skipped


def queue_chaser(request: InfoRequest, actor: Actor) -> OutboxMessage:
    """Write the request's next chaser and put it in the outbox."""
    assert request.due_date is not None
    note = f"chaser {request.chasers_sent + 1}: the reply was due by {long_date(request.due_date)}"
    return chasing.queue_chaser(request, write_chaser(request), actor, note)


def chase(
    campaign: Campaign | None,
    actor: Actor,
    today: datetime.date | None = None,
    problems: list[str] | None = None,
) -> list[OutboxMessage]:
    """Queue a chaser for every request that is due one.

    ``problems``: where a campaign whose chaser template cannot be used (one saved before templates
    were checked) is told, once, while the other campaigns are chased; without it, that raises.
    """
    today = today or timezone.localdate()
    queued = []
    broken: set[int] = set()
    for request in chasing.requests_to_chase(campaign, today):
        if request.campaign_id in broken:
            continue
        try:
            queued.append(queue_chaser(request, actor))
        except ChaserCannotBeWritten as error:
            if problems is None:
                raise
            broken.add(request.campaign_id)
            problems.append(str(error))
    return queued
