"""The dashboard, a campaign's recipients, its letter editor with live preview, a recipient's details."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from docket.campaigns import actions as campaign_actions
from docket.campaigns import ledger
from docket.campaigns.letters import (
    campaign_data,
    field_names,
    recipient_data,
    short_reply,
    with_letter_data,
)
from docket.campaigns.models import Campaign, Recipient
from docket.campaigns.readiness import LetterCheck, check_letters, send_problem
from docket.evidence.charts import response_chart
from docket.evidence.report import response_curve
from docket.letters import LetterError, build_letter, writer
from docket.letters.compose import doubled_lines
from docket.letters.html import to_html_fragment
from docket.mail.models import InboundMessage, OutboxMessage, OutboxState
from docket.requests import actions
from docket.requests.models import Event, InfoRequest
from docket.requests.states import WAITING_STATES, RequestState
from docket.web import public_state
from docket.web.access import access_campaign, campaigns_for, can
from docket.web.decorators import actor_of, requires
from docket.web.form_ids import form_ids
from docket.web.forms import CampaignSettingsForm, ContactForm, FieldsForm, ItemStateForm, TemplateForm
from docket.web.job_pages import ZIP_FORMATS
from docket.web.mail_headers import header_problem
from docket.web.mail_pages import sending_stalled
from docket.web.paging import a_page
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
SAVE_BUDGET = 3.0  # seconds saving a template may spend checking its letters
# Approving more letters than this at once is a job for the worker (each is a few statements).
APPROVE_IN_REQUEST = 50
SORTS = {"body": "contact__body__name", "state": "request__state", "due": "request__due_date"}


@requires("view")
def dashboard(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_for(request.user).annotate(recipient_count=Count("recipients"))
    today = timezone.localdate()
    rows = []
    totals = ledger.totals(campaigns, today)  # the evidence ledger's, for every campaign at once
    for campaign in campaigns:
        states = dict(campaign.requests.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
        not_made = campaign.recipient_count - sum(states.values())  # no request yet: Draft, as the campaign page says
        if not_made > 0:
            states[RequestState.DRAFT] = states.get(RequestState.DRAFT, 0) + not_made
        states_shown = [(RequestState(s).label, n) for s, n in sorted(states.items())]
        curve = response_curve(campaign, today)
        # A curve of one day is a dot (the day's replies and documents, which the column says in words).
        drawn = response_chart(curve, small=True) if len(curve) > 1 else None
        rows.append(
            {
                "campaign": campaign,
                "states": states_shown,
                "ledger": totals[campaign.pk],
                "curve": drawn,
                "responses": _responses(campaign, curve),
            }
        )
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
        # A new installation: say what to do first, rather than "ask an admin" to the admin.
        "no_campaigns": not rows and not Campaign.objects.exists(),
        "link_outbox": True,
    }
    context |= sending_stalled(OutboxMessage.objects.filter(visible), timezone.now())
    return render(request, "web/dashboard.html", context)


def _responses(campaign: Campaign, curve: list[tuple[int, int, int]]) -> dict[str, int]:
    """The dashboard's Responses column in numbers: of the letters sent, how many bodies replied (a reply filed
    to their request), and the replies and documents received (the curve's last day, as the report counts)."""
    sent = campaign.requests.filter(sent_at__isnull=False)
    replied = sent.filter(
        inbound_messages__status=InboundMessage.Status.FILED, inbound_messages__classification="reply"
    ).distinct()
    _, replies, documents = curve[-1] if curve else (0, 0, 0)
    return {"sent": sent.count(), "replied": replied.count(), "replies": replies, "documents": documents}


PAGE_SIZE = 50


def _matching(campaign: Campaign, params: QueryDict) -> QuerySet[Recipient]:
    """The campaign's recipients the page's filter (state) and search (q) leave."""
    recipients = campaign.recipients.all()
    state = params.get("state", "")
    if state == "overdue":
        recipients = recipients.filter(request__state__in=WAITING_STATES, request__due_date__lt=timezone.localdate())
    elif state == RequestState.DRAFT:  # a recipient with no request made yet shows as Draft too
        recipients = recipients.filter(Q(request__isnull=True) | Q(request__state=RequestState.DRAFT))
    elif state in RequestState.values:
        recipients = recipients.filter(request__state=state)
    query = _search_words(params.get("q", ""))
    if query:
        recipients = recipients.filter(Q(contact__body__name__icontains=query) | Q(contact__full_name__icontains=query))
    return recipients


def _recipient_rows(campaign: Campaign, request: HttpRequest) -> tuple[Page[int], list[dict[str, Any]], dict[str, str]]:
    """One page of the campaign's recipients (filtered, searched, sorted), in a few queries whatever their number:
    the count, the page (each row's last event found by a subquery), its item states, those events."""
    recipients = _matching(campaign, request.GET)
    state, query = request.GET.get("state", ""), _search_words(request.GET.get("q", ""))
    sort = request.GET.get("sort", "body")
    ordered = recipients.order_by(SORTS.get(sort, SORTS["body"]), "pk").values_list("pk", flat=True)
    # The page's ids first, sorted on narrow rows; then those 50 rows in full (sorting every recipient's
    # contact, body and request columns was most of the page's time at 20,000 recipients).
    page = a_page(Paginator(ordered, PAGE_SIZE), request.GET.get("page"))
    ids = list(page.object_list)
    full = {r.pk: r for r in campaign.recipients.select_related("contact__body", "request").filter(pk__in=ids)}
    shown = [full[pk] for pk in ids if pk in full]
    prefetch_related_objects(shown, "item_states")
    # Each shown request's last event: the subquery runs for this page's requests only (asked in the page's
    # own query, it ran for every recipient before the sort: 0.2 s at 20,000 on PostgreSQL).
    last_event = Event.objects.filter(request=OuterRef("pk")).order_by("-at", "-pk").values("pk")[:1]
    shown_requests = InfoRequest.objects.filter(recipient__in=shown).annotate(last_event_id=Subquery(last_event))
    last_of = dict(shown_requests.values_list("pk", "last_event_id"))
    events = Event.objects.in_bulk([pk for pk in last_of.values() if pk])
    rows = []
    for recipient in shown:
        req = getattr(recipient, "request", None)
        rows.append(
            {
                "recipient": recipient,
                "request": req,
                "state": req.get_state_display() if req else "Draft",
                "overdue": bool(req and req.is_overdue(timezone.localdate())),
                "items": ledger.recipient_totals(recipient),  # counted as the ledger's totals count them
                "last_event": events.get(last_of.get(req.pk)) if req else None,
            }
        )
    return page, rows, {"state": state, "sort": sort, "q": query}


def _search_words(text: str) -> str:
    """What a person typed to search by, bounded (a NUL, which PostgreSQL refuses in a query, dropped)."""
    return text.replace("\x00", "").strip()[:200]


@requires("view")
def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    found = access_campaign(request.user, slug)
    page, rows, filters = _recipient_rows(found, request)
    cannot = mark_letters(found, rows)
    states = [("", "All"), ("draft", "Draft"), ("approved", "Approved"), ("sent", "Sent"), ("overdue", "Overdue")]
    states += [(s, RequestState(s).label) for s in ("partially_answered", "answered", "undeliverable")]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaign": found,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "filters": filters,
        "states": states,
        "cannot": cannot,
        "zip_formats": ZIP_FORMATS.items(),
        # Letters sent now would carry a date still to come (and "within 20 working days of this letter").
        "dated_ahead": found.letter_date is not None and found.letter_date > timezone.localdate(),
        # Dated so far back that the reply-by date the letters print leaves a body little time or none.
        "short_reply": short_reply(found),
        "public_url": public_state.campaign_url(found),
    }
    return render(request, "web/campaign.html", context)


@require_POST
@requires("send")
@errors_shown_on("web:campaign", "slug")
def campaign_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Approve, or approve and send, the selected recipients' letters."""
    found = access_campaign(request.user, slug)
    action = request.POST.get("action")
    if action not in ("approve", "send"):  # no button of the page sends anything else: nothing is done
        return HttpResponseBadRequest("Choose “Approve selected” or “Approve and send selected”.")
    if request.POST.get("everyone") == "yes":  # every recipient the page's filter and search leave, not one page
        if request.POST.get("confirm") != "yes":  # so many letters at once: the page says how many, and asks first
            return _confirm_everyone(request, found, action)
        # Only the recipients the page counted: if they changed since (some added, or sent), it is asked again.
        to_do = _matching(found, request.POST).filter(_still_to_do(action))
        counted, upto = _counted(request.POST)
        now = to_do.count()
        if counted is None or upto is None or now != counted:
            return _confirm_everyone(request, found, action, changed=_what_changed(counted, now))
        chosen = with_letter_data(to_do.filter(pk__lte=upto))
    else:
        ids = form_ids(request.POST.getlist("recipient"), "recipient")
        chosen = with_letter_data(found.recipients.filter(pk__in=ids))
    actor = actor_of(request)
    if not chosen:
        messages.error(request, "Select at least one recipient.")
        return redirect("web:campaign", slug=slug)
    if action == "approve" and len(chosen) > APPROVE_IN_REQUEST:
        return redirect("web:job", pk=approve_letters(found, [r.pk for r in chosen], actor).pk)
    if action == "approve":
        approved, refused, check = 0, [], LetterCheck(found)
        for recipient in chosen:
            req = actions.request_for(recipient, actor)
            if req.state != RequestState.DRAFT:
                continue
            if problem := check.problem(recipient):
                refused.append((recipient, problem))
                continue
            actions.approve(req, actor)
            approved += 1
        if approved:
            messages.success(request, f"{approved} letter{'s' if approved != 1 else ''} approved.")
        if refused:
            messages.error(request, refused_summary(refused, "approved"))
        return redirect("web:campaign", slug=slug)
    unsendable = [(r, why) for r in chosen if (why := header_problem(r.contact, found.office))]
    blocked = {r.pk for r, _ in unsendable}
    # A small selection is checked here, so the letters that cannot be made are named at once in a red
    # summary; a large one is checked by the worker, whose job page lists each letter not sent and why.
    sending = LetterCheck(found) if len(chosen) <= APPROVE_IN_REQUEST else None
    refused = unsendable + [
        (r, problem) for r in chosen if r.pk not in blocked and sending and (problem := sending.problem(r))
    ]
    left_out = {r.pk for r, _ in refused}
    sendable = [r.pk for r in chosen if r.pk not in left_out]
    if not sendable:
        messages.error(request, refused_summary(refused, "sent"))
        return redirect("web:campaign", slug=slug)
    # The letters are rendered, queued and sent by the worker: the job's page follows them, and lists each
    # letter left out here, and why, with those the worker leaves out (kept with the job, not a passing message).
    asked = send_letters(found, sendable, actor, problems=[left_out_why(r, why) for r, why in refused])
    if refused:  # said at the top of the job's page at once, in red, as well as kept in the job's list
        messages.error(request, refused_summary(refused, "sent"))
    return redirect("web:job", pk=asked.pk)


def _still_to_do(action: str) -> Q:
    """The recipients an action still does something for: a draft to approve; a draft or approved letter to send."""
    drafts = Q(request__isnull=True) | Q(request__state=RequestState.DRAFT)
    return drafts if action == "approve" else drafts | Q(request__state=RequestState.APPROVED)


def _counted(params: QueryDict) -> tuple[int | None, int | None]:
    """What the confirmation page counted (its hidden fields): how many recipients, and the highest id of them."""

    def number(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdigit() and len(value) < 12 else None

    return number("counted"), number("upto")


def _what_changed(counted: int | None, now: int) -> str:
    """Why the confirmation is shown again, in words."""
    if counted is None:
        return "The page did not say how many letters it counted: check the number and confirm again."
    more = now - counted
    if more > 0:
        added = "1 recipient was" if more == 1 else f"{more} recipients were"
        return f"{added} added since this page was shown: check the number and confirm again."
    fewer = "1 recipient" if -more == 1 else f"{-more} recipients"
    return (
        f"{fewer} fewer {'has' if -more == 1 else 'have'} a letter to do than when this page was shown (done or "
        "removed meanwhile): check the number and confirm again."
    )


CONFIRM_LISTS_AT_MOST = 20  # letters that cannot be made, named on the confirmation page (the rest counted)


def left_out_why(recipient: Recipient, why: str) -> str:
    """One letter left out, as a job's page and the confirmation page list it."""
    return f"{recipient.contact.full_name} ({recipient.contact.body.name}): {why}"


def _confirm_everyone(request: HttpRequest, found: Campaign, action: str, changed: str = "") -> HttpResponse:
    """The page that asks before every recipient the filter and search leave is approved (and sent): how many
    match, how many letters that does (those that can be made), which cannot be made and why, and how many are
    left as they are (approved or sent already). It carries what it counted, so that only those are done."""
    matching = _matching(found, request.POST)
    filters = {"state": request.POST.get("state", ""), "q": _search_words(request.POST.get("q", ""))}
    total = matching.count()
    to_do = matching.filter(_still_to_do(action)).order_by("pk")
    figures = to_do.aggregate(counted=Count("pk"), upto=Max("pk"))
    counted, upto = figures["counted"], figures["upto"] or 0
    readiness = check_letters(found, with_letter_data(to_do).iterator(chunk_size=500), budget=SAVE_BUDGET)
    cannot = readiness.cannot()
    if action == "send":  # nor is a letter sent whose email cannot be written (as campaign_bulk and the worker refuse)
        for r in to_do.select_related("contact").iterator(chunk_size=2000):
            if r.pk not in cannot and (why := header_problem(r.contact, found.office) or send_problem(r)):
                cannot[r.pk] = why
    named = with_letter_data(found.recipients.filter(pk__in=list(cannot)[:CONFIRM_LISTS_AT_MOST]).order_by("pk"))
    context = {
        "campaign": found,
        "action": action,
        "total": total,
        "counted": counted,
        "upto": upto,
        "acted_on": counted - len(cannot),
        "cannot": len(cannot),
        "cannot_named": [left_out_why(r, cannot[r.pk]) for r in named],
        "unchecked": 0 if readiness.complete else counted - len(readiness.problems),
        "left": total - counted,
        "changed": changed,
        "filters": filters,
        "back": "?" + urlencode({k: v for k, v in filters.items() if v}) if any(filters.values()) else "",
    }
    return render(request, "web/campaign_bulk_confirm.html", context)


# --- Whether each letter can be made (issue 11, item 6): the campaign page's "Letter" column. ---
def refused_summary(refused: list[tuple[Recipient, str]], done: str) -> str:
    """An error summary's text: a first line, then one line per recipient (base.html lists them)."""
    count = f"1 letter was not {done}" if len(refused) == 1 else f"{len(refused)} letters were not {done}"
    lines = [f"{count}: fix each one below, then try again."]
    lines += [f"{r.contact.body.name} ({r.contact.full_name}): {why}" for r, why in refused]
    return "\n".join(lines)


def mark_letters(found: Campaign, rows: list[dict[str, Any]]) -> int:
    """Set each row's ``letter`` ("ok", "cannot", "unchecked", or "frozen" once queued), ``letter_problem``
    and ``send_problem`` (a letter that can be made but not sent by email, said before anyone sends it).

    Only the rows given (a page of them) and only letters not yet queued are checked (sent ones
    are frozen); the recipients are loaded again with all a letter needs, in three queries.
    Returns how many of them cannot be made.
    """
    open_states = (RequestState.DRAFT, RequestState.APPROVED)
    pending = {row["recipient"].pk for row in rows if row["request"] is None or row["request"].state in open_states}
    loaded = list(with_letter_data(found.recipients.filter(pk__in=pending)))
    readiness = check_letters(found, loaded)
    unsendable = {recipient.pk: why for recipient in loaded if (why := send_problem(recipient))}
    for row in rows:
        problem = readiness.problems.get(row["recipient"].pk)
        row["letter_problem"] = problem or ""
        row["send_problem"] = unsendable.get(row["recipient"].pk, "")
        row["letter"] = (
            "frozen"
            if row["recipient"].pk not in pending
            else "unchecked"
            if problem is None
            else ("cannot" if problem else "ok")
        )
    return len(readiness.cannot())


def in_the_outbox(found: Campaign) -> str:
    """What a changed template does not change: the campaign's letters queued already (frozen as approved), in
    words, or ""."""
    waiting = OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.LETTER,
        request__campaign=found,
        state__in=(OutboxState.QUEUED, OutboxState.SENDING),
    ).count()
    if not waiting:
        return ""
    those = "1 letter already in the outbox keeps" if waiting == 1 else f"{waiting} letters already in the outbox keep"
    were = "it was" if waiting == 1 else "they were"
    return f" {those} the text {were} approved with. The change applies to letters approved from now on."


def saved_message(request: HttpRequest, found: Campaign, changed: bool = True) -> None:
    """ "Saved", or saved but N letters cannot be made (a template in progress may be saved with an error); and,
    if it changed, that letters waiting in the outbox keep the text they were approved with."""
    everyone = with_letter_data(found.recipients.order_by("pk")).iterator(chunk_size=500)
    readiness = check_letters(found, everyone, budget=SAVE_BUDGET)
    cannot, checked = readiness.cannot(), len(readiness.problems)
    kept = in_the_outbox(found) if changed else ""
    if not cannot:
        saved = (
            "The letter template is saved."
            if readiness.complete
            else (
                f"The letter template is saved. The first {checked} letters can be made "
                "(there was no time to check more)."
            )
        )
        (messages.warning if kept else messages.success)(request, saved + kept)
        return
    first = next(iter(cannot.values()))
    of = f"of its {checked} letters" if readiness.complete else f"of the first {checked} letters checked"
    messages.warning(
        request,
        f"The letter template is saved, but {len(cannot)} {of} cannot be made. The first: {first} "
        f"The campaign page shows each one.{kept}",
    )


# --- end of "can be made" ---


def _preview(found: Campaign, source: str, recipient: Recipient | None) -> dict[str, Any]:
    # A greeting or sign-off the template writes as well as Docket: said whether or not the letter can be made.
    shown: dict[str, Any] = {"doubled": doubled_lines(source), "short_reply": short_reply(found, template=source)}
    if recipient is None:
        return shown | {"preview_error": "This campaign has no recipients to preview."}
    try:
        # Any viewer's unsaved text: run in a bounded child process (time, memory).
        letter = build_letter(campaign_data(found, template=source), recipient_data(recipient), isolated=True)
    except LetterError as error:
        return shown | {"preview_error": error.problem, "error_line": error.line}
    # No signatory's name or role under "Yours sincerely,": only the letterhead says who it is from.
    unsigned = not letter.signature.lines
    return shown | {"preview_html": to_html_fragment(letter, prefix="preview-"), "unsigned": unsigned}


def _preview_choices(found: Campaign, request: HttpRequest) -> tuple[list[Recipient], Recipient | None]:
    """The recipients the preview offers (the first PAGE_SIZE, or those whose name matches ``find``) and the one
    it shows, loaded alone with its items: the editor reads one recipient, not the campaign's thousands."""
    listed = found.recipients.select_related("contact__body").order_by("pk")  # the order they were added
    if find := _search_words(request.GET.get("find", "")):
        listed = listed.filter(Q(contact__body__name__icontains=find) | Q(contact__full_name__icontains=find))
    recipients = list(listed[:PAGE_SIZE])
    chosen = request.POST.get("recipient") or request.GET.get("recipient") or ""
    one = found.recipients.select_related("contact__body").prefetch_related("item_states__item")
    recipient = one.filter(pk=chosen).first() if chosen.isdigit() else None
    if recipient is None and recipients:
        recipient = one.filter(pk=recipients[0].pk).first()
    if recipient is not None and all(r.pk != recipient.pk for r in recipients):
        recipients.insert(0, recipient)
    return recipients, recipient


def _tag(expression: str) -> str:
    return "{{ " + expression + " }}"


def insertable(found: Campaign) -> list[dict[str, Any]]:
    """What a letter can use, in groups, each snippet as it is written in a template and what it gives."""
    references = [
        (_tag(f'cite("{r.key}")'), f"a footnote: {r.author}{f' ({r.year})' if r.year else ''}, {r.title}")
        for r in found.references.all()
    ]
    return [
        {
            "title": "The recipient",
            "snippets": [
                (_tag("contact.full_name"), "their name"),
                (_tag("contact.role"), "their role, as on the address"),
                (_tag("contact.body"), "the body they work for"),
                (_tag("contact.area"), "the body's area"),
            ],
        },
        {
            "title": "This campaign's fields (one value per recipient)",
            "snippets": [(_tag(f"fields.{name}"), "this recipient's value") for name in field_names(found)],
            "empty": "No fields yet: add them on the recipients' pages or in a recipients file (field:NAME columns).",
        },
        {"title": "References", "snippets": references, "empty": "No references yet."},
        {
            "title": "Requested items",
            "snippets": [
                (
                    _tag('items.asked | map(attribute="name") | english_list'),
                    "the items asked of this recipient: A, B and C",
                ),
                (_tag('items.published | map(attribute="name") | english_list'), "those they have already published"),
                ("{% if items.published %}…{% endif %}", "words only for recipients who have published some"),
            ],
            "listed": [f"{item.label} ({item.key})" for item in found.items.all()],
        },
        {
            "title": "The office and the date",
            "snippets": [
                (_tag("office.coordinator_name"), "who co-ordinates replies"),
                (_tag("office.coordinator_email"), "their email address"),
                (_tag("office.website"), "the office's website"),
                (_tag("letter_date | long_date"), "the letter's date, as 13 October 2020"),
                (
                    _tag("due_date | long_date"),
                    f"the reply-by date: the letter's date plus {found.response_working_days} working days "
                    "(bank holidays skipped); it becomes the request's due date when the letter is sent",
                ),
            ],
        },
    ]


@requires("view")
def editor(request: HttpRequest, slug: str) -> HttpResponse:
    """The template beside a live preview; without JavaScript, "Preview" posts the form."""
    found = access_campaign(request.user, slug)
    recipients, recipient = _preview_choices(found, request)
    form = TemplateForm(request.POST or None, instance=found)
    source = request.POST.get("template_source", found.template_source)
    if request.method == "POST" and request.POST.get("action") == "save":
        if not can(request.user, "edit"):
            return HttpResponse("You cannot change this campaign.", status=403)
        if form.is_valid():
            changed = campaign_actions.save_template(found, form.cleaned_data["template_source"], actor_of(request))
            saved_message(request, found, changed)
            # What the editor warns of below the template, said at the top of the page after saving too.
            for warning in [*doubled_lines(found.template_source), *filter(None, [short_reply(found)])]:
                messages.warning(request, warning)
            return redirect(f"{request.path}?recipient={recipient.pk if recipient else ''}")
    context = {"campaign": found, "form": form, "recipients": recipients, "chosen": recipient, "source": source}
    context["insertable"] = insertable(found)
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
        problem = f"The letter cannot be made: {error}"
        return render(request, "web/problem.html", {"problem": problem}, status=422)
    response = HttpResponse(data, content_type=LETTER_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-{recipient.pk}.{fmt}"'
    return response


@requires("view")
def recipient(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = access_campaign(request.user, slug)
    chosen = get_object_or_404(found.recipients.select_related("contact__body"), pk=pk)
    names = campaign_actions.field_names(found)
    data = request.POST if request.method == "POST" else None
    contact_form = ContactForm(data, instance=chosen.contact, prefix="contact")
    fields_form = FieldsForm(data, names=names, initial_values=chosen.fields)
    # Each form edits a copy: the action compares with the state as it was, and logs what changed.
    item_forms = [
        (state, ItemStateForm(data, instance=copy.copy(state), prefix=f"item-{state.pk}"))
        for state in chosen.item_states.select_related("item")
    ]
    if request.method == "POST":
        if not can(request.user, "edit"):
            return HttpResponse("You cannot change recipients.", status=403)
        forms_ok = contact_form.is_valid() and fields_form.is_valid() and all(f.is_valid() for _, f in item_forms)
        if forms_ok:
            actor = actor_of(request)
            contact_form.save()
            campaign_actions.set_fields({chosen: dict(fields_form.cleaned_data)}, actor)
            wanted = [
                (state, f.cleaned_data["state"], f.cleaned_data["title"], f.cleaned_data["url"])
                for state, f in item_forms
            ]
            campaign_actions.set_item_states(chosen, wanted, actor)
            messages.success(request, f"{chosen.contact.full_name}'s details are saved.")
            return redirect("web:recipient", slug=slug, pk=pk)
    every_form = [contact_form, fields_form, *(form for _, form in item_forms)]  # one error summary for all
    context = {
        "campaign": found,
        "recipient": chosen,
        "contact_form": contact_form,
        "fields_form": fields_form,
        "item_forms": item_forms,
        "stays": campaign_actions.why_recipient_stays(chosen),
        "all_forms": every_form,
        "some_form_wrong": any(form.errors for form in every_form),
    }
    return render(request, "web/recipient.html", context)


@requires("edit")
def campaign_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's settings as a form; a mistake is shown on it, at the field and in the error summary."""
    found = access_campaign(request.user, slug)
    form = CampaignSettingsForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        changed = campaign_actions.change_settings(found, values, actor_of(request))
        messages.success(request, "The campaign's settings are saved." if changed else "Nothing was changed.")
        return redirect("web:campaign", slug=slug)
    context = {"campaign": found, "form": form, "short_reply": short_reply(found)}
    return render(request, "web/campaign_settings.html", context)
