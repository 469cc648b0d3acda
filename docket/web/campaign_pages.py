"""The dashboard, a campaign's recipients, its letter editor with live preview, a recipient's details."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from docket.campaigns.letters import campaign_data, recipient_data, recipients_for_rendering
from docket.campaigns.models import Campaign, Recipient
from docket.letters import LetterError, build_letter, writer
from docket.letters.html import to_html_fragment
from docket.mail.models import InboundMessage, OutboxMessage, OutboxState
from docket.requests import actions
from docket.requests.models import InfoRequest
from docket.requests.states import WAITING_STATES, RequestState
from docket.web.access import access_campaign, campaigns_for, can
from docket.web.decorators import actor_of, requires
from docket.web.form_ids import form_ids
from docket.web.forms import CampaignSettingsForm, ContactForm, FieldsForm, ItemStateForm, TemplateForm
from docket.web.job_pages import ZIP_FORMATS
from docket.web.mail_headers import header_problem
from docket.web.user_errors import errors_shown_on
from docket.worker.jobs import approve_letters, send_letters

# Each format docket.letters.writer makes, and the type it is downloaded as.
LETTER_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
# Approving more letters than this at once is a job for the worker (each is a few statements).
APPROVE_IN_REQUEST = 50
SORTS = {"body": "contact__body__name", "state": "request__state", "due": "request__due_date"}


@requires("view")
def dashboard(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_for(request.user).annotate(recipient_count=Count("recipients"))
    today = timezone.localdate()
    rows = []
    for campaign in campaigns:
        states = dict(campaign.requests.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
        rows.append({"campaign": campaign, "states": [(RequestState(s).label, n) for s, n in sorted(states.items())]})
    overdue = (
        InfoRequest.objects.filter(campaign__in=campaigns, state__in=WAITING_STATES, due_date__lt=today)
        .select_related("campaign", "recipient__contact__body")
        .order_by("due_date")[:50]
    )
    visible = Q(request__campaign__in=campaigns) | Q(request__isnull=True)
    context = {
        "rows": rows,
        "overdue": overdue,
        "today": today,
        "holding": InboundMessage.objects.filter(status=InboundMessage.Status.HOLDING).count(),
        "needs_a_person": OutboxMessage.objects.filter(
            visible, state__in=[OutboxState.UNCERTAIN, OutboxState.FAILED]
        ).count(),
    }
    return render(request, "web/dashboard.html", context)


def _recipient_rows(campaign: Campaign, request: HttpRequest) -> tuple[list[dict[str, Any]], dict[str, str]]:
    recipients = campaign.recipients.select_related("contact__body", "request").prefetch_related("item_states")
    state = request.GET.get("state", "")
    if state == "overdue":
        recipients = recipients.filter(request__state__in=WAITING_STATES, request__due_date__lt=timezone.localdate())
    elif state in RequestState.values:
        recipients = recipients.filter(request__state=state)
    elif state == "draft":
        recipients = recipients.filter(Q(request__isnull=True) | Q(request__state=RequestState.DRAFT))
    sort = request.GET.get("sort", "body")
    recipients = recipients.order_by(SORTS.get(sort, SORTS["body"]), "pk")
    rows = []
    for recipient in recipients:
        req = getattr(recipient, "request", None)
        asked = [s for s in recipient.item_states.all() if s.state == "ask"]
        rows.append(
            {
                "recipient": recipient,
                "request": req,
                "state": req.get_state_display() if req else "Draft",
                "overdue": bool(req and req.is_overdue(timezone.localdate())),
                "received": sum(1 for s in asked if s.received_at),
                "asked": len(asked),
                "last_event": req.events.order_by("-at").first() if req else None,
            }
        )
    return rows, {"state": state, "sort": sort}


@requires("view")
def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    found = access_campaign(request.user, slug)
    rows, filters = _recipient_rows(found, request)
    states = [("", "All"), ("draft", "Draft"), ("approved", "Approved"), ("sent", "Sent"), ("overdue", "Overdue")]
    states += [(s, RequestState(s).label) for s in ("partially_answered", "answered", "undeliverable")]
    context = {
        "campaign": found,
        "rows": rows,
        "filters": filters,
        "states": states,
        "zip_formats": ZIP_FORMATS.items(),
    }
    return render(request, "web/campaign.html", context)


@require_POST
@requires("send")
@errors_shown_on("web:campaign", "slug")
def campaign_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Approve, or approve and send, the selected recipients' letters."""
    found = access_campaign(request.user, slug)
    ids = form_ids(request.POST.getlist("recipient"), "recipient")
    chosen = found.recipients.filter(pk__in=ids).select_related("contact__body")
    actor = actor_of(request)
    if not chosen:
        messages.error(request, "Select at least one recipient.")
        return redirect("web:campaign", slug=slug)
    if request.POST.get("action") == "approve" and len(chosen) > APPROVE_IN_REQUEST:
        return redirect("web:job", pk=approve_letters(found, [r.pk for r in chosen], actor).pk)
    if request.POST.get("action") == "approve":
        approved = 0
        for recipient in chosen:
            req = actions.request_for(recipient, actor)
            if req.state == RequestState.DRAFT:
                actions.approve(req, actor)
                approved += 1
        messages.success(request, f"{approved} letter(s) approved.")
        return redirect("web:campaign", slug=slug)
    unsendable = [(r, why) for r in chosen if (why := header_problem(r.contact, found.office))]
    blocked = {r.pk for r, _ in unsendable}
    # The letters are rendered, queued and sent by the worker: the job's page follows them.
    asked = send_letters(
        found,
        [r.pk for r in chosen if r.pk not in blocked],
        actor,
        problems=[f"{r.contact.full_name} ({r.contact.body.name}): {why}" for r, why in unsendable],
    )
    return redirect("web:job", pk=asked.pk)


def _preview(found: Campaign, source: str, recipient: Recipient | None) -> dict[str, Any]:
    if recipient is None:
        return {"preview_error": "This campaign has no recipients to preview."}
    try:
        # Any viewer's unsaved text: run in a bounded child process (time, memory).
        letter = build_letter(campaign_data(found, template=source), recipient_data(recipient), isolated=True)
    except LetterError as error:
        return {"preview_error": error.problem, "error_line": error.line}
    return {"preview_html": to_html_fragment(letter, prefix="preview-")}


@requires("view")
def editor(request: HttpRequest, slug: str) -> HttpResponse:
    """The template beside a live preview; without JavaScript, "Preview" posts the form."""
    found = access_campaign(request.user, slug)
    recipients = recipients_for_rendering(found)
    chosen = request.POST.get("recipient") or request.GET.get("recipient")
    recipient = next((r for r in recipients if str(r.pk) == chosen), recipients[0] if recipients else None)
    form = TemplateForm(request.POST or None, instance=found)
    source = request.POST.get("template_source", found.template_source)
    if request.method == "POST" and request.POST.get("action") == "save":
        if not can(request.user, "edit"):
            return HttpResponse("You cannot change this campaign.", status=403)
        if form.is_valid():
            form.save()
            messages.success(request, "The letter template is saved.")
            return redirect(f"{request.path}?recipient={recipient.pk if recipient else ''}")
    context = {"campaign": found, "form": form, "recipients": recipients, "chosen": recipient, "source": source}
    context["lines"] = range(1, source.count("\n") + 2)
    context.update(_preview(found, source, recipient))
    if request.headers.get("HX-Request"):
        return render(request, "web/_preview.html", context)
    return render(request, "web/editor.html", context)


@requires("view")
def letter_file(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    """The current template's letter for one recipient, in any format a letter writer makes (not yet sent)."""
    found = access_campaign(request.user, slug)
    recipient = get_object_or_404(found.recipients.select_related("contact__body"), pk=pk)
    if fmt not in LETTER_TYPES:
        raise Http404(f"Letters are made as {', '.join(LETTER_TYPES)}, not {fmt!r}")
    try:
        data = writer(fmt)(build_letter(campaign_data(found), recipient_data(recipient)))
    except LetterError as error:
        return HttpResponse(f"The letter cannot be made: {error}", status=422, content_type="text/plain")
    response = HttpResponse(data, content_type=LETTER_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-{recipient.pk}.{fmt}"'
    return response


@requires("view")
def recipient(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = access_campaign(request.user, slug)
    chosen = get_object_or_404(found.recipients.select_related("contact__body"), pk=pk)
    names = sorted({name for fields in found.recipients.values_list("fields", flat=True) for name in fields})
    data = request.POST if request.method == "POST" else None
    contact_form = ContactForm(data, instance=chosen.contact, prefix="contact")
    fields_form = FieldsForm(data, names=names, initial_values=chosen.fields)
    item_forms = [
        (state, ItemStateForm(data, instance=state, prefix=f"item-{state.pk}"))
        for state in chosen.item_states.select_related("item")
    ]
    if request.method == "POST":
        if not can(request.user, "edit"):
            return HttpResponse("You cannot change recipients.", status=403)
        forms_ok = contact_form.is_valid() and fields_form.is_valid() and all(f.is_valid() for _, f in item_forms)
        if forms_ok:
            contact_form.save()
            chosen.fields = {**chosen.fields, **{k: v for k, v in fields_form.cleaned_data.items()}}
            chosen.save(update_fields=["fields"])
            for _, item_form in item_forms:
                item_form.save()
            messages.success(request, f"{chosen.contact.full_name}'s details are saved.")
            return redirect("web:recipient", slug=slug, pk=pk)
    context = {
        "campaign": found,
        "recipient": chosen,
        "contact_form": contact_form,
        "fields_form": fields_form,
        "item_forms": item_forms,
    }
    return render(request, "web/recipient.html", context)


@requires("edit")
def campaign_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's settings as a form; a mistake is shown on it, at the field and in the error summary."""
    found = access_campaign(request.user, slug)
    form = CampaignSettingsForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The campaign's settings are saved.")
        return redirect("web:campaign", slug=slug)
    return render(request, "web/campaign_settings.html", {"campaign": found, "form": form})
