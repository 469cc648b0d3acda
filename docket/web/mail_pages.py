"""The holding pen (messages no request claimed) and the outbox (sends that need a person)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, QuerySet, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from docket.mail import actions as mail_actions
from docket.mail import limits
from docket.mail.actions import confirm_delivered, resend, set_server_limits
from docket.mail.channels import UNREACHABLE
from docket.mail.channels.smtp import SmtpChannel
from docket.mail.intake import MAX_READS, Ingested, file_message
from docket.mail.models import InboundMessage, OutboxMessage, OutboxState
from docket.mail.outbox import due
from docket.mail.outbox import waiting as outbox_waiting
from docket.mail.outlook import NotAnOutlookMessage
from docket.mail.tasks import send_outbox
from docket.mail.uploads import MAX_BYTES, UploadRefused, too_large, upload_to_holding_pen
from docket.requests.actions import TransitionError
from docket.requests.models import InfoRequest
from docket.web.access import (
    access_pen_message,
    access_request,
    campaigns_for,
    held_messages,
    role_of,
    set_aside_messages,
)
from docket.web.decorators import actor_of, requires
from docket.web.form_ids import form_id
from docket.web.forms import ServerLimitForm
from docket.web.paging import a_page
from docket.web.user_errors import errors_shown_on
from docket.words import count, counts
from docket.worker.rounds import last_seen


@requires("file")
def holding_pen(request: HttpRequest) -> HttpResponse:
    return _holding_pen_page(request)


def _holding_pen_page(
    request: HttpRequest,
    *,
    error: tuple[str, str] | None = None,
    campaign: str = "",
    note: str = "",
    aside: tuple[str, str] = ("", ""),
) -> HttpResponse:
    """The page; ``error``: (the id of the field it is about, what to do), shown at the field and at the
    top, with the upload's campaign and note, or a set-aside's reason and words (``aside``), as posted."""
    held = held_messages(request.user).prefetch_related("attachments", "candidates")
    # Messages still being read (or stranded until the next intake run): listed so that none is unseen.
    stored = InboundMessage.objects.filter(status=InboundMessage.Status.STORED)
    reading = stored if role_of(request.user) == "admin" else stored.none()
    requests = list(
        InfoRequest.objects.filter(campaign__in=campaigns_for(request.user))
        .exclude(state__in=["draft", "approved", "queued"])
        .select_related("campaign", "recipient__contact__body")
        .order_by("campaign__title", "recipient__contact__body__name")
    )
    cards = []
    for message in held:
        suggested = {candidate.pk for candidate in message.candidates.all()}
        first = [r for r in requests if r.pk in suggested]  # those Docket suggests, first and marked
        if len(requests) > 1 and len(first) == len(requests):
            first, suggested = [], set()  # every request "suggested" says nothing: none is marked
        cards.append((message, first, [r for r in requests if r.pk not in suggested]))
    context = {
        "cards": cards,
        "held": held,
        "reading": reading,
        "max_reads": MAX_READS,
        "campaigns": campaigns_for(request.user).order_by("title"),
        "error": error,
        "wrong_message": error[0].removeprefix("request-for-") if error else "",
        "aside_wrong": error[0].removeprefix("aside-other-").removeprefix("aside-") if error else "",
        "aside_choice": aside[0],
        "aside_note": aside[1],
        "aside_reasons": ASIDE_REASONS.items(),
        "set_aside": set_aside_messages(request.user).order_by("-set_aside_at", "-pk"),
        "chosen_campaign": campaign,
        "note": note,
    }
    return render(request, "web/holding_pen.html", context, status=400 if error else 200)


@require_POST
@requires("file")
@errors_shown_on("web:holding_pen")
def upload_held(request: HttpRequest) -> HttpResponse:
    """An .eml, .mbox, Outlook .msg or any file with a note, uploaded into the holding pen."""
    upload = request.FILES.get("file")
    chosen, note = request.POST.get("campaign", ""), request.POST.get("note", "")
    try:
        if upload is None:
            raise UploadRefused("Choose a file to upload.")
        if upload.size is not None and upload.size > MAX_BYTES:
            raise UploadRefused(too_large(upload.name or "The file"))
        campaign_id = form_id(chosen, "campaign")
        if not campaign_id:
            return _holding_pen_page(
                request,
                error=("upload-campaign", "Choose the campaign the file is for: its team will see what is held."),
                campaign=chosen,
                note=note,
            )
        campaign = get_object_or_404(campaigns_for(request.user), pk=campaign_id)  # another team's: as if none
        answers = list(campaign.requests.exclude(state__in=["draft", "approved", "queued"]))
        done = upload_to_holding_pen(upload.name or "upload", upload.read(), actor_of(request), note, answers=answers)
    except (UploadRefused, NotAnOutlookMessage) as refused:  # at the file's field; the campaign and note kept
        return _holding_pen_page(request, error=("upload-file", str(refused)), campaign=chosen, note=note)
    said = format_html("{}: {}.", upload.name, done.summary())
    messages.success(request, format_html("{}{}", said, filed_to(request, done.taken)))
    return redirect("web:holding_pen")


# The requests an upload's messages were filed to that its message names, each a link; the rest counted.
FILED_NAMED = 5


def filed_to(request: HttpRequest, taken: list[Ingested]) -> str:
    """ " Filed to the request to Kent PCC." (a link to it), for the messages just filed; "" if none was."""
    ids = list(
        dict.fromkeys(
            item.message.request_id
            for item in taken
            if item.created and item.message.status == InboundMessage.Status.FILED and item.message.request_id
        )
    )
    found = list(
        InfoRequest.objects.filter(pk__in=ids, campaign__in=campaigns_for(request.user))
        .select_related("recipient__contact__body")
        .order_by("recipient__contact__body__name", "pk")
    )
    if not found:
        return ""
    links = [
        format_html(
            '<a class="govuk-link" href="{}">{}</a>', reverse("web:request", args=[r.pk]), r.recipient.contact.body.name
        )
        for r in found[:FILED_NAMED]
    ]
    more = len(found) - len(links)
    if more:
        links.append(format_html("{} more", more))
    named = (
        links[0]
        if len(links) == 1
        else format_html("{} and {}", format_html_join(", ", "{}", ((x,) for x in links[:-1])), links[-1])
    )
    return format_html(" Filed to the request{} to {}.", "" if len(found) == 1 else "s", named)


@require_POST
@requires("file")
@errors_shown_on("web:holding_pen")
def file_held(request: HttpRequest, pk: int) -> HttpResponse:
    message = access_pen_message(request.user, pk)  # one filed or set aside meanwhile: the action says so
    if message.status != InboundMessage.Status.HOLDING:
        raise TransitionError(mail_actions.not_filed(message, actor_of(request)))
    chosen = form_id(request.POST.get("request"), "request")
    if not chosen:
        return _holding_pen_page(request, error=(f"request-for-{message.pk}", "Choose the request to file it to."))
    target = access_request(request.user, chosen)
    file_message(message, target, actor_of(request))
    said = format_html(
        'The message is filed to <a class="govuk-link" href="{}">the request to {}</a> ({}).',
        reverse("web:request", args=[target.pk]),
        target.recipient.contact.body.name,
        target.campaign.title,
    )
    messages.success(request, said)
    return redirect("web:holding_pen")


# Why a held message is set aside: a choice, or the person's own words ("other").
ASIDE_REASONS = {"spam": "Spam or advertising", "elsewhere": "Not about any of our requests", "other": "Other"}


@require_POST
@requires("file")
@errors_shown_on("web:holding_pen")
def set_aside_held(request: HttpRequest, pk: int) -> HttpResponse:
    """A held message that is not a reply, set aside with why (kept, listed under "Set aside")."""
    message = access_pen_message(request.user, pk)
    choice, words = request.POST.get("reason", ""), request.POST.get("note", "").strip()
    if message.status == InboundMessage.Status.HOLDING:  # else the action says where it is now
        problem = None
        if choice not in ASIDE_REASONS:
            problem = (f"aside-{message.pk}", "Choose why the message is set aside (for your own words, “Other”).")
        elif choice == "other" and not words:
            problem = (f"aside-other-{message.pk}", "Say why the message is set aside.")
        elif choice == "other" and len(words) > mail_actions.SET_ASIDE_REASON_LENGTH:
            limit = mail_actions.SET_ASIDE_REASON_LENGTH
            problem = (f"aside-other-{message.pk}", f"Say why in {limit} characters or fewer.")
        if problem is not None:
            aside = (choice if choice in ASIDE_REASONS else "", words[:1000])  # shown again as posted
            return _holding_pen_page(request, error=problem, aside=aside)
    reason = words if choice == "other" else ASIDE_REASONS.get(choice, "")
    mail_actions.set_aside(message, actor_of(request), reason)
    subject = message.subject or "(no subject)"
    messages.success(request, f"The message “{subject}” is set aside. It is listed under “Set aside”, below.")
    return redirect("web:holding_pen")


@require_POST
@requires("file")
@errors_shown_on("web:holding_pen")
def return_to_pen(request: HttpRequest, pk: int) -> HttpResponse:
    """A message set aside by mistake, back in the holding pen."""
    message = mail_actions.return_to_pen(access_pen_message(request.user, pk), actor_of(request))
    messages.success(request, f"The message “{message.subject or '(no subject)'}” is back in the holding pen.")
    return redirect("web:holding_pen")


PAGE_SIZE = 50  # messages a page of the outbox lists, as the other list pages


@requires("send")
def outbox(request: HttpRequest) -> HttpResponse:
    """One page of the messages waiting, being sent or needing a person; the warnings and counts above are of them
    all (the warnings of what waits and cannot go count the queued: a message being sent is not held)."""
    visible = OutboxMessage.objects.filter(request__campaign__in=campaigns_for(request.user))
    shown = [OutboxState.UNCERTAIN, OutboxState.FAILED, OutboxState.SENDING, OutboxState.QUEUED]
    waiting = (
        visible.filter(state__in=shown)
        .select_related("request__recipient__contact__body")
        # Those that need a person first (failed, uncertain), then those being sent, then the queue oldest first.
        .order_by(
            Case(When(state=OutboxState.SENDING, then=1), When(state=OutboxState.QUEUED, then=2), default=0),
            "state",
            "created_at",
            "pk",
        )
    )
    page = a_page(Paginator(waiting, PAGE_SIZE), request.GET.get("page"))
    now = timezone.now()
    sending = limits.standings(sending_through(), now)[0]
    context = {
        "messages_": page.object_list,
        "page": page,
        "query": "",
        "sending": sending,
        "unreachable": UNREACHABLE,
        "now": now,
    }
    context |= sending_stalled(visible, now)
    context["held_by_limit"] = held_by_limit(visible, sending.server, now)
    return render(request, "web/outbox.html", context)


def sending_stalled(visible: QuerySet[OutboxMessage], now: datetime.datetime) -> dict[str, Any]:
    """What the outbox and the dashboard say when letters wait and cannot go: no worker is running, or
    the last attempts could not reach the mail server (``web/_cannot_send.html`` shows it)."""
    seen = last_seen(now)
    running = seen is not None and seen.running
    waits = outbox_waiting(visible, taken_too=not running)
    next_try = waits.next_try
    return {
        "worker_seen": None if seen is None else ago(seen.ago),
        "worker_running": running,
        "letters_wait": waits.queued > 0,
        "waits": waits,
        "server": sending_through(),
        "next_try": None if next_try is None else (next_try if next_try > now else now),
        "next_try_in": "" if next_try is None else in_words(next_try - now),
    }


# A limit that frees a place within about a minute is the server's pace, not a hold worth a warning.
PACING = datetime.timedelta(seconds=90)


def held_by_limit(visible: QuerySet[OutboxMessage], server: str, now: datetime.datetime) -> str:
    """Why the letters and chasers that are due wait, if the server's limits hold them for over a minute, else ''."""
    held_messages = due(now).filter(pk__in=visible.values("pk"))
    held = held_messages.count()
    if not held:
        return ""
    hold = limits.holding(server, now)
    if hold is None or hold.until - now <= PACING:
        return ""
    if hold.window == limits.DAY:
        limit = f"{count(hold.limit, 'recipient')} a day"
    else:
        limit = f"{count(hold.limit, 'message')} a minute"
    chasers = held_messages.filter(kind=OutboxMessage.Kind.CHASER).count()
    what = counts((held - chasers, "letter"), (chasers, "chaser"))
    return (
        f"{what} {'waits' if held == 1 else 'wait'} because the mail server's limit of {limit}"
        f" is reached; the next can go at about {at_words(hold.until, now)}. Nothing is lost: Docket sends"
        f" {'it' if held == 1 else 'them'} by itself as the limit allows."
    )


def at_words(when: datetime.datetime, now: datetime.datetime) -> str:
    """'14:05 today', '14:05 tomorrow', '14:05 on Thursday 26 November': local time, to the next minute."""
    local = timezone.localtime(when)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    days = (local.date() - timezone.localtime(now).date()).days
    day = "today" if days == 0 else "tomorrow" if days == 1 else f"on {local:%A} {local.day} {local:%B}"
    return f"{local:%H:%M} {day}"


def in_words(delta: datetime.timedelta) -> str:
    """'now', 'in 4 minutes', 'in 2 hours': when the next try is."""
    minutes = int(delta.total_seconds() + 59) // 60
    if minutes <= 0:
        return "now"
    if minutes < 120:
        return f"in {minutes} minute{'' if minutes == 1 else 's'}"
    return f"in {minutes // 60} hours"


def ago(delta: datetime.timedelta) -> str:
    """'4 s ago', '12 min ago', '3 h ago', '2 days ago': how long since the worker's heartbeat."""
    seconds = int(delta.total_seconds())
    for size, unit in ((86400, " days"), (3600, " h"), (60, " min")):
        if seconds >= 2 * size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds} s ago"


@require_POST
@requires("send")
@errors_shown_on("web:outbox")
def settle(request: HttpRequest, pk: int, how: str) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk, request__campaign__in=campaigns_for(request.user))
    actor = actor_of(request)
    if how == "confirm":
        confirm_delivered(message, actor, request.POST.get("note", ""))
        messages.success(request, "Recorded as delivered.")
    elif how == "resend":
        resend(message, actor, request.POST.get("note", ""))
        send_outbox.enqueue()
        messages.success(request, "Sent again.")
    else:
        return HttpResponse("Unknown", status=404)
    return redirect(outbox_page(request.POST.get("page", "")))


def outbox_page(page: str) -> str:
    """The outbox's URL at the page a form was posted from (a page no longer there shows the last)."""
    url = reverse("web:outbox")
    if page.isdigit() and len(page) < 12 and int(page) > 1:
        return f"{url}?page={int(page)}"
    return url


def sending_through() -> str:
    """The mail server the workers send through (host:port of DOCKET_SMTP_URL), whose limits apply now."""
    return SmtpChannel(settings.DOCKET_SMTP).server


@requires("send")
@errors_shown_on("web:mail_limits")
def mail_limits(request: HttpRequest) -> HttpResponse:
    """Each mail server's limits and what is used of them now; a form a server to change them (empty: no limit)."""
    now = timezone.now()
    standings = limits.standings(sending_through(), now)
    servers = [standing.server for standing in standings]
    posted = ServerLimitForm(request.POST, servers=servers) if request.method == "POST" else None
    if posted is not None and posted.is_valid():
        server = posted.cleaned_data["server"]
        per_minute, per_day = posted.cleaned_data["messages_per_minute"], posted.cleaned_data["recipients_per_day"]
        changed = set_server_limits(server, per_minute, per_day, actor_of(request))
        said = f"{limit_words(per_minute, 'message')} a minute and {limit_words(per_day, 'recipient')} a day"
        if changed:
            said = f"The limits of {server} are saved: {said}. Every worker keeps to them now."
            messages.success(request, f"{said}{over_the_day(server, per_day, timezone.now())}")
        else:
            messages.success(request, f"The limits of {server} are unchanged: {said}.")
        return redirect("web:mail_limits")
    rows = []
    shown = posted  # the form whose errors the summary lists (the row's own, whose boxes it links to)
    for index, standing in enumerate(standings):
        initial = {
            "server": standing.server,
            "messages_per_minute": standing.messages_per_minute or "",
            "recipients_per_day": standing.recipients_per_day or "",
        }
        form = ServerLimitForm(servers=servers, initial=initial, auto_id=f"limit-{index}-%s")
        if posted is not None and posted.data.get("server") == standing.server:
            form = ServerLimitForm(request.POST, servers=servers, auto_id=f"limit-{index}-%s")
            form.is_valid()
            shown = form
        rows.append((standing, form))
    context = {"rows": rows, "form": shown}
    return render(request, "web/mail_limits.html", context, status=400 if posted is not None else 200)


def over_the_day(server: str, per_day: int | None, now: datetime.datetime) -> str:
    """' 263 recipients have been sent to in the last 24 hours, more than …' if a new day's limit is already used."""
    if per_day is None:
        return ""
    sent_to = limits.used(server, now, limits.DAY)
    if sent_to < per_day:
        return ""
    than = "more than" if sent_to > per_day else "as many as"
    until = limits.holding(server, now)
    when = f" until about {at_words(until.until, now)}" if until is not None else " for now"
    return (
        f" {count(sent_to, 'recipient')} {'has' if sent_to == 1 else 'have'} been sent to in the last 24 hours,"
        f" {than} the new limit of {per_day:,}: nothing more will go{when}."
    )


def limit_words(limit: int | None, thing: str) -> str:
    """'30 messages', 'no limit of messages'."""
    if limit is None:
        return f"no limit of {thing}s"
    return f"{limit:,} {thing}{'' if limit == 1 else 's'}"
