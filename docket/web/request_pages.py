"""One request: its timeline, the letter sent, the replies and their attachments, and its actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from docket import words
from docket.campaigns import actions as ledger_actions
from docket.campaigns.models import RecipientItem
from docket.campaigns.readiness import refuse_if_cannot_be_made
from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.mail import actions as mail_actions
from docket.mail import dispatch
from docket.mail.classification import CORRECTABLE, LABELS, Classification
from docket.mail.intake import enter_by_hand, ingest, mark_attachment_fulfils, suggest_for
from docket.mail.models import InboundMessage
from docket.mail.tasks import send_outbox
from docket.mail.uploads import mbox_messages, refuse_if_too_large
from docket.requests import actions
from docket.requests.actions import Actor, TransitionError
from docket.requests.events import EventKind
from docket.requests.letters import queue, queue_chaser, write_chaser
from docket.requests.models import FrozenLetter, InfoRequest
from docket.requests.states import ALLOWED_FROM, RequestState
from docket.web.access import access_request, access_unfiled_message, can
from docket.web.chase_checks import chase_rows
from docket.web.decorators import actor_of, requires
from docket.web.downloads import attachment_disposition
from docket.web.form_ids import form_id
from docket.web.forms import NoteForm, UploadForm
from docket.web.mail_headers import header_problem
from docket.web.paging import a_page
from docket.web.publication_pages import publishables
from docket.web.user_errors import errors_shown_on


def _send_letter(found: InfoRequest, actor: Actor, note: str) -> None:
    queue(found, actor, note)
    send_outbox.enqueue()


def _approve(found: InfoRequest, actor: Actor, note: str) -> None:
    refuse_if_cannot_be_made(found.recipient)
    actions.approve(found, actor, note)


def _chase_now(found: InfoRequest, actor: Actor, note: str) -> None:
    queue_chaser(found, actor)
    send_outbox.enqueue()


def _extend(found: InfoRequest, actor: Actor, note: str) -> None:
    actions.extend_deadline(found, 10, actor, note or "extended from the request page")


@dataclass(frozen=True)
class Button:
    label: str
    capability: str
    needs_note: bool
    run: Callable[[InfoRequest, Actor, str], object]
    done: str = ""  # what the page says once it is done

    @property
    def said_when_done(self) -> str:
        return self.done or f"{self.label}: done."


# The request page's buttons: each runs one named action (the state diagram decides when it shows).
BUTTONS = {
    EventKind.APPROVE: Button("Approve the letter", "send", False, _approve, "The letter is approved."),
    EventKind.QUEUE: Button(
        "Send the letter", "send", False, _send_letter, "The letter is in the outbox: it goes in a moment."
    ),
    EventKind.RECORD_ACKNOWLEDGEMENT: Button(
        "Record an acknowledgement", "file", False, actions.record_acknowledgement, "The acknowledgement is recorded."
    ),
    EventKind.CHASE: Button(
        "Send a chaser now", "send", False, _chase_now, "The chaser is in the outbox: it goes in a moment."
    ),
    EventKind.EXTEND_DEADLINE: Button(
        "Extend the deadline by 10 working days", "send", True, _extend, "The deadline is 10 working days later."
    ),
    EventKind.REFUSE: Button(
        "Record a refusal", "file", True, ledger_actions.refuse_request, "The refusal is recorded."
    ),
    EventKind.WITHDRAW: Button("Withdraw the request", "send", True, actions.withdraw, "The request is withdrawn."),
    EventKind.REOPEN: Button("Reopen", "send", True, actions.reopen, "The request is open again."),
}
# The buttons that put an email in the outbox.
SENDS = {EventKind.QUEUE, EventKind.CHASE}


@requires("view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return page_of(request, access_request(request.user, pk))


MESSAGES_A_PAGE = 50


def state_shown(found: InfoRequest, asked: list[RecipientItem]) -> tuple[str, str]:
    """The request's state as its page says it, and a note: a reply with no item asked for recorded
    yet moves the request to "partially answered" (the state machine's rule), which the page does
    not claim before any item is recorded as come."""
    if found.state == RequestState.PARTIALLY_ANSWERED and all(
        item.status == RecipientItem.Status.ASKED for item in asked
    ):
        return "Reply received", "No item asked for is recorded yet: read the reply and record each item below."
    return found.get_state_display(), ""


def page_of(request: HttpRequest, found: InfoRequest, kept: dict[str, str] | None = None) -> HttpResponse:
    """The request's page; ``kept``: an item's status form sent back with its mistake (``ledger_pages``)."""
    inbound = found.inbound_messages.prefetch_related(
        Prefetch(
            "attachments", queryset=Attachment.objects.select_related("blob", "suggested_item__item", "fulfils__item")
        )
    ).order_by("-received_at", "-pk")
    # A page of messages at a time, the latest page first (anyone who saw a letter can send its request mail);
    # each page oldest first, as the conversation went.
    messages_page = a_page(Paginator(inbound, MESSAGES_A_PAGE), request.GET.get("messages"))
    shown = list(reversed(messages_page.object_list))
    count = messages_page.paginator.count
    items = RecipientItem.objects.filter(recipient_id=found.recipient_id).select_related("item", "evidence")
    asked = [item for item in items if item.state == RecipientItem.State.ASK]
    buttons = [
        (name, button.label, button.needs_note)
        for name, button in BUTTONS.items()
        if found.state in ALLOWED_FROM[name] and can(request.user, button.capability)
    ]
    context = {
        "req": found,
        "state_shown": state_shown(found, asked),
        "events": found.events.select_related("actor"),
        "letter": FrozenLetter.objects.filter(request=found).only("sha256", "frozen_at").first(),
        "outbox": found.outbox.all(),
        "inbound": shown,
        "messages_page": messages_page,
        "shown_from": count - messages_page.end_index() + 1,
        "shown_to": count - messages_page.start_index() + 1,
        "items": items,
        "asked": asked,
        # An attachment's item is pre-selected only when it is one of these (else "Choose the item").
        "asked_pks": {item.pk for item in asked},
        # The evidence ledger (web/_ledger_items.html): what each item's status can be set to, and from what.
        "statuses": RecipientItem.Status.choices,
        "ledger_open": found.state in ALLOWED_FROM[EventKind.ITEM_REFUSED],
        "attachments": Attachment.objects.filter(message__request=found).only("pk", "filename", "pages"),
        "buttons": buttons,
        "upload_form": UploadForm(),
        "classifications": [(kind.value, LABELS[kind]) for kind in CORRECTABLE],
        "elsewhere": InfoRequest.objects.filter(campaign_id=found.campaign_id)
        .exclude(pk=found.pk)
        .select_related("recipient__contact__body"),
        "publishables": publishables(found, shown) if can(request.user, "publish") else [],
        # The address the letter last went to (not always the contact's now: it may have been corrected since).
        "letter_went_to": found.outbox.filter(kind="letter")
        .order_by("-pk")
        .values_list("envelope_to", flat=True)
        .first(),
        "undelivered": dispatch.undelivered(found) if found.state == RequestState.UNDELIVERABLE else None,
        "may_send": can(request.user, "send"),
        "kept": kept or {},
    }
    return render(request, "web/request.html", context)


@requires("view")
def frozen_letter(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_request(request.user, pk)
    letter = get_object_or_404(FrozenLetter, request=found)
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{found.pk}-{letter.sha256[:8]}.pdf"'
    return response


@require_POST
@requires("view")
@errors_shown_on("web:request", "pk")
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one named action on the request (its capability checked here)."""
    found = access_request(request.user, pk)
    button = BUTTONS.get(EventKind(action)) if action in EventKind.values else None
    if button is None:
        return HttpResponse("Unknown action", status=404)
    if not can(request.user, button.capability):
        return HttpResponse("You cannot do this.", status=403)
    form = NoteForm(request.POST)
    note = form.data.get("note", "") if form.is_valid() else ""
    if action in SENDS and (problem := header_problem(found.recipient.contact, found.campaign.office)):
        messages.error(request, problem)
        return redirect("web:request", pk=pk)
    confirming = request.POST.get("confirm") == "yes"
    if action == EventKind.CHASE and (page := _chase_first(request, found, confirming)) is not None:
        return page
    refusable = action == EventKind.REFUSE and found.state in ALLOWED_FROM[EventKind.REFUSE]
    if refusable and (page := _refusal_first(request, found, note, confirming)) is not None:
        return page
    withdrawable = action == EventKind.WITHDRAW and found.state in ALLOWED_FROM[EventKind.WITHDRAW]
    if withdrawable and (page := _withdrawal_first(request, found, note, confirming)) is not None:
        return page
    button.run(found, actor_of(request), note)  # a mistake is shown by ShowUserErrors
    messages.success(request, button.said_when_done)
    return redirect("web:request", pk=pk)


@require_POST
@requires("send")
@errors_shown_on("web:request", "pk")
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    """An undeliverable request's letter, unchanged, to its contact's corrected address (the right to send)."""
    found = access_request(request.user, pk)
    if problem := header_problem(found.recipient.contact, found.campaign.office):
        raise DocketError(problem)
    message = dispatch.queue_again(found, actor_of(request))  # a mistake is shown by ShowUserErrors
    send_outbox.enqueue()
    messages.success(request, f"The letter is in the outbox again, to {message.envelope_to}.")
    return redirect("web:request", pk=pk)


def _chase_first(request: HttpRequest, found: InfoRequest, confirming: bool) -> HttpResponse | None:
    """The ledger's rules for a chaser (one rule set), then a page showing the chaser before it goes;
    None once confirmed, when it may go."""
    row = chase_rows([found])[0]
    if row.blocked:
        raise DocketError(f"No chaser was sent. {row.blocked[0].upper()}{row.blocked[1:]}.")
    if confirming:
        return None
    chaser = write_chaser(found)  # a template that cannot be used says so here, before anything is queued
    context = {"req": found, "row": row, "chaser": chaser.text}
    return render(request, "web/request_chase.html", context)


def _refusal_first(request: HttpRequest, found: InfoRequest, note: str, confirming: bool) -> HttpResponse | None:
    """A refusal needs the body's reason, and asks first: None once a reason is given and confirmed."""
    error = "" if note.strip() else REFUSAL_REASON
    if confirming and not error:
        return None
    context = {"req": found, "note": note, "error": error, "action": "refuse", "field": "refusal-reason"}
    return render(request, "web/request_refuse.html", context, status=400 if error else 200)


REFUSAL_REASON = "Enter the body's reason for refusing, in its words or a summary of them"


def _withdrawal_first(request: HttpRequest, found: InfoRequest, note: str, confirming: bool) -> HttpResponse | None:
    """A withdrawal says why, and asks first (it stops the letter and the chasers): None once confirmed."""
    error = "" if note.strip() else WITHDRAWAL_REASON
    if confirming and not error:
        return None
    waiting = found.outbox.filter(state="queued").exists()
    context = {
        "req": found,
        "note": note,
        "error": error,
        "waiting": waiting,
        "action": "withdraw",
        "field": "withdrawal-reason",
    }
    return render(request, "web/request_withdraw.html", context, status=400 if error else 200)


WITHDRAWAL_REASON = "Enter why the request is withdrawn, for example: sent to the wrong body"


CHOOSE_THE_ITEM = "Choose which item this attachment is"


@require_POST
@requires("file")
@errors_shown_on("web:request", "pk")
def item_received(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_request(request.user, pk)
    actor = actor_of(request)
    key = request.POST.get("item", "")
    attachment_id = form_id(request.POST.get("attachment"), "attachment")
    try:
        if attachment_id is not None:
            attachment = get_object_or_404(Attachment, pk=attachment_id, message__request=found)
            if not key:  # the select's "Choose the item": no item is guessed for the person
                kept = {"error": CHOOSE_THE_ITEM, "field": "item-for", "item": str(attachment.pk)}
                response = page_of(request, found, kept | {"received_for": str(attachment.pk)})
                response.status_code = 400
                return response
            page = form_id(request.POST.get("page"), "page number")
            mark_attachment_fulfils(attachment, key, actor, page=page)
        else:
            actions.mark_item_received(found, key, actor, request.POST.get("note", ""))
    except RecipientItem.DoesNotExist:
        raise TransitionError(f"This request does not ask for an item {key[:40]!r}.") from None
    messages.success(request, "The item is marked as received.")
    return redirect("web:request", pk=pk)


@require_POST
@requires("file")
@errors_shown_on("web:request", "pk")
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """An .eml or .mbox file, taken in as mail; any other file, as a reply entered by hand."""
    found = access_request(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        chosen = request.FILES.get("file")
        if chosen is not None and not chosen.size:  # not "choose a file": one was chosen, with nothing in it
            messages.error(request, f"{chosen.name} is empty: choose the file again, or another.")
        else:
            messages.error(request, "Choose a file to upload.")
        return redirect("web:request", pk=pk)
    upload_file = form.cleaned_data["file"]
    name = upload_file.name or "upload"
    refuse_if_too_large(name, upload_file.size)  # from its size, before it is read into memory
    data = upload_file.read()
    actor = actor_of(request)
    if name.lower().endswith(".eml"):
        result = ingest(data, InboundMessage.Source.UPLOAD, name, request=found, actor=actor)
        messages.success(request, f"{name} is {'taken in' if result.created else 'already stored'}.")
    elif name.lower().endswith(".mbox"):
        # At most the holding pen's number of messages, refused whole (nothing stored) if more.
        count = sum(
            ingest(raw, InboundMessage.Source.UPLOAD, name, request=found, actor=actor).created
            for _where, raw in mbox_messages(name, data)
        )
        messages.success(request, f"{words.count(count, 'message')} from {name} taken in.")
    else:
        note = form.cleaned_data["note"].strip()
        if not note:  # as the holding pen asks: a file that is not mail says nothing of where it came from
            raise DocketError(
                f"{name} is not mail (.eml or .mbox): say in the note what it is and where it came from, "
                "for example “posted to us by the council”."
            )
        subject = f"Document: {name}"
        taken = enter_by_hand(found, actor, sender="", subject=subject, note=note, files=[(name, data)], upload=True)
        if taken.message.classification == Classification.NOT_A_REPLY:
            messages.warning(
                request,
                f"{name} has no text that could be read: it is kept as an attachment, not as a reply, and "
                "changes nothing until you say what it is (under Replies).",
            )
        else:
            messages.success(request, f"{name} is added to this request.")
    return redirect("web:request", pk=pk)


def _filed_here(found: InfoRequest, message_pk: int) -> InboundMessage:
    return get_object_or_404(InboundMessage, pk=message_pk, request=found, status=InboundMessage.Status.FILED)


@require_POST
@requires("file")
@errors_shown_on("web:request", "pk")
def reclassify(request: HttpRequest, pk: int, message: int) -> HttpResponse:
    """A person says what a filed message is (reply, acknowledgement…): the request's state follows."""
    found = access_request(request.user, pk)
    filed = _filed_here(found, message)
    mail_actions.reclassify(filed, request.POST.get("classification", ""), actor_of(request), _note(request))
    messages.success(request, f"The message is now marked as: {filed.get_classification_display().lower()}.")
    return redirect("web:request", pk=pk)


@require_POST
@requires("file")
@errors_shown_on("web:request", "pk")
def move_message(request: HttpRequest, pk: int, message: int) -> HttpResponse:
    """A message filed here by mistake, moved to the request it answers (one the person may see)."""
    found = access_request(request.user, pk)
    filed = _filed_here(found, message)
    target_pk = form_id(request.POST.get("request"), "request")
    if target_pk is None:
        raise TransitionError("Choose the request to move the message to.")
    target = access_request(request.user, target_pk)
    mail_actions.move_message(filed, target, actor_of(request), _note(request))
    suggest_for(filed)
    messages.success(request, f"The message is moved to request #{target.pk} ({target.recipient.contact.body.name}).")
    return redirect("web:request", pk=pk)


@require_POST
@requires("file")
@errors_shown_on("web:request", "pk")
def unfile_message(request: HttpRequest, pk: int, message: int) -> HttpResponse:
    """A message filed here by mistake, returned to the holding pen."""
    found = access_request(request.user, pk)
    mail_actions.unfile_message(_filed_here(found, message), actor_of(request), _note(request))
    messages.success(request, "The message is back in the holding pen.")
    return redirect("web:request", pk=pk)


def _note(request: HttpRequest) -> str:
    return request.POST.get("note", "").strip()[:300]


@requires("view")
def attachment_file(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("message", "blob"), pk=pk)
    if attachment.message.request_id is None:
        access_unfiled_message(request.user, attachment.message_id)  # held mail: see access.held_messages
    else:
        access_request(request.user, attachment.message.request_id)
    response = HttpResponse(attachment.blob.read(), content_type="application/octet-stream")
    response["Content-Disposition"] = attachment_disposition(attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
