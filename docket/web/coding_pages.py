"""Coding what replies say: a campaign's codebook, coding a passage of a reply or a document page,
the passages coded (and their exports), suggested passages, and two coders' agreement.

Every page works without JavaScript: a passage is coded by typing (or pasting) its words; with
JavaScript, selecting them on the page fills the box. Every change is a POST to a named action.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from docket import words
from docket.campaigns.models import Campaign
from docket.documents.models import Attachment
from docket.evidence import actions, double_coding, exports
from docket.evidence.agreement import agreement
from docket.evidence.models import Passage, Suggestion, Theme
from docket.evidence.suggestions import suggest
from docket.mail.models import InboundMessage
from docket.web.access import access_campaign, access_request
from docket.web.decorators import actor_of, requires
from docket.web.form_ids import form_id, form_ids
from docket.web.paging import a_page
from docket.web.theme_matrix_pages import source_url
from docket.web.user_errors import errors_shown_on

TYPED_KEY = "coding_typed"  # what a coder typed and ticked, kept for the page the error sends them back to


def _themes_chosen(request: HttpRequest, campaign_id: int) -> list[Theme]:
    ids = form_ids(request.POST.getlist("themes"), "theme")
    return list(Theme.objects.filter(campaign_id=campaign_id, pk__in=ids))


@requires("view")
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    return _codebook_page(request, access_campaign(request.user, slug))


THEME_BOXES = ("name", "description", "keywords", "colour", "parent")


def _theme_typed(request: HttpRequest, mistake: actions.CodingError) -> dict[str, str]:
    """A theme's form sent back with its mistake at the box to correct, and what was typed kept."""
    return {box: request.POST.get(box, "") for box in THEME_BOXES} | {"error": str(mistake), "field": mistake.field}


def _codebook_page(request: HttpRequest, campaign: Campaign, typed: dict[str, str] | None = None) -> HttpResponse:
    themes = list(Theme.objects.filter(campaign=campaign).select_related("parent"))
    top = [theme for theme in themes if theme.parent_id is None]
    tree = [(theme, [t for t in themes if t.parent_id == theme.pk]) for theme in top]
    open_suggestions = (
        Suggestion.objects.filter(theme__campaign=campaign, state=Suggestion.State.OPEN)
        .select_related("theme", "request__recipient__contact__body")
        .order_by("theme__position", "theme__name", "pk")
    )
    context = {"campaign": campaign, "tree": tree, "parents": top, "suggestions": open_suggestions}
    return render(request, "web/codebook.html", context | {"typed": typed or {}})


@require_POST
@requires("edit")
@errors_shown_on("web:codebook", "slug")
def theme_add(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    parent_id = form_id(request.POST.get("parent") or None, "parent")
    parent = get_object_or_404(Theme, pk=parent_id, campaign=campaign) if parent_id else None
    try:
        theme = actions.add_theme(
            campaign,
            request.POST.get("name", ""),
            actor_of(request),
            description=request.POST.get("description", "")[:2000],
            colour=request.POST.get("colour", "#1d70b8"),
            keywords=request.POST.get("keywords", ""),
            parent=parent,
        )
    except actions.CodingError as mistake:
        if not mistake.field:
            raise
        return _codebook_page(request, campaign, _theme_typed(request, mistake))
    messages.success(request, f"The theme “{theme.name}” is in the codebook.")
    return redirect("web:codebook", slug=campaign.slug)


@requires("edit")
@errors_shown_on("web:theme_edit", "slug", "pk")
def theme_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a theme (its name, meaning, colour, keywords, place), or remove it."""
    campaign = access_campaign(request.user, slug)
    theme = get_object_or_404(Theme.objects.select_related("parent"), pk=pk, campaign=campaign)
    typed: dict[str, str] = {}
    if request.method == "POST":
        parent_id = form_id(request.POST.get("parent") or None, "parent")
        parent = get_object_or_404(Theme, pk=parent_id, campaign=campaign) if parent_id else None
        try:
            actions.change_theme(
                theme,
                actor_of(request),
                name=request.POST.get("name", ""),
                description=request.POST.get("description", "")[:2000],
                colour=request.POST.get("colour", theme.colour),
                keywords=request.POST.get("keywords", ""),
                parent=parent,
            )
        except actions.CodingError as mistake:
            if not mistake.field:
                raise
            theme.refresh_from_db()  # as it is stored: the page's heading names it so
            typed = _theme_typed(request, mistake)
        else:
            messages.success(request, f"The theme “{theme.name}” is changed.")
            return redirect("web:codebook", slug=campaign.slug)
    parents = Theme.objects.filter(campaign=campaign, parent=None).exclude(pk=theme.pk)
    context = {
        "campaign": campaign,
        "theme": theme,
        "parents": parents,
        "coded": theme.passages.count(),
        "children": list(theme.children.all()),
        "typed": typed,
    }
    return render(request, "web/theme_edit.html", context)


@require_POST
@requires("edit")
@errors_shown_on("web:theme_edit", "slug", "pk")
def theme_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    theme = get_object_or_404(Theme, pk=pk, campaign=campaign)
    name = theme.name
    actions.remove_theme(theme, actor_of(request))
    messages.success(request, f"The theme “{name}” is no longer in the codebook.")
    return redirect("web:codebook", slug=campaign.slug)


@require_POST
@requires("edit")
@errors_shown_on("web:codebook", "slug")
def theme_suggest(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    theme = get_object_or_404(Theme, pk=pk, campaign=campaign)
    added = suggest(theme)
    messages.success(
        request,
        f"{words.count(added, 'new passage')} suggested for “{theme.name}”." if added else "No new passages found.",
    )
    return redirect("web:codebook", slug=campaign.slug)


@require_POST
@requires("edit")
@errors_shown_on("web:codebook", "slug")
def suggestion_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    suggestion = get_object_or_404(Suggestion.objects.select_related("theme"), pk=pk, theme__campaign=campaign)
    decision = request.POST.get("decision")
    if decision not in ("accept", "dismiss"):  # the page's two buttons: anything else does nothing
        return HttpResponseBadRequest("Choose “Accept” or “Dismiss” for the suggested passage.")
    if decision == "accept":
        actions.accept_suggestion(suggestion, actor_of(request))
        messages.success(request, "The passage is coded.")
    else:
        actions.dismiss_suggestion(suggestion, actor_of(request))
        messages.success(request, "The suggestion is dismissed.")
    return redirect("web:codebook", slug=campaign.slug)


def _source(request: HttpRequest, kind: str, pk: int) -> tuple[InboundMessage, Attachment | None]:
    """The reply or document to code, if the person may read it (its request in a campaign of theirs)."""
    attachment = None
    if kind == "document":
        attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk)
        message = attachment.message
    elif kind == "reply":
        message = get_object_or_404(InboundMessage, pk=pk)
    else:
        raise Http404("No such text")
    if message.request_id is None:
        raise Http404("No such text")
    access_request(request.user, message.request_id)
    return message, attachment


@require_POST
@requires("edit")
def code(request: HttpRequest, kind: str, pk: int, page: int) -> HttpResponse:
    message, attachment = _source(request, kind, pk)
    back = _page_url(kind, pk, page)
    assert message.request is not None
    near = request.POST.get("near", "")
    try:
        actions.code_passage(
            message,
            attachment,
            request.POST.get("quote", ""),
            _themes_chosen(request, message.request.campaign_id),
            actor_of(request),
            memo=request.POST.get("memo", ""),
            page=page,
            near=int(near) if near.isdigit() and len(near) < 10 else None,
        )
    except actions.CodingError as error:
        messages.error(request, str(error))
        request.session[TYPED_KEY] = {
            "at": back,
            "quote": request.POST.get("quote", "")[:20000],
            "memo": request.POST.get("memo", "")[:20000],
            "themes": [str(theme_id) for theme_id in form_ids(request.POST.getlist("themes"), "theme")],
        }
        return redirect(back)
    messages.success(request, "The passage is coded.")
    return redirect(back)


def _page_url(kind: str, pk: int, page: int) -> str:
    from django.urls import reverse

    if kind == "document":
        return reverse("web:document_page", args=[pk, page])
    return reverse("web:reply_text", args=[pk])


@requires("view")
def reply_text(request: HttpRequest, pk: int) -> HttpResponse:
    message, _ = _source(request, "reply", pk)
    info_request = access_request(request.user, message.request_id or 0)
    context = {
        "message": message,
        "info_request": info_request,
        "text": message.reply_text or message.body_text,
        "coding": coding_context(request, info_request.campaign_id, message, None, 0),
    }
    return render(request, "web/reply_text.html", context)


def coding_context(
    request: HttpRequest, campaign_id: int, message: InboundMessage, attachment: Attachment | None, page: int
) -> dict[str, object]:
    """What the coding form beside a text needs: the themes, and this person's passages there."""
    mine = Passage.objects.filter(message=message, attachment=attachment, coder=request.user.pk, page=page)
    coders = (
        Passage.objects.filter(message=message, attachment=attachment)
        .values_list("coder_name", flat=True)
        .distinct()
        .order_by("coder_name")
    )
    typed = request.session.get(TYPED_KEY)
    if isinstance(typed, dict) and typed.get("at") == request.path:  # sent back with an error: what was typed stays
        request.session.pop(TYPED_KEY)
    else:
        typed = {}
    return {
        "typed": typed,
        "themes": Theme.objects.filter(campaign_id=campaign_id).select_related("parent"),
        "passages": mine.prefetch_related("themes"),
        "coders": list(coders),
        "double_coding": Campaign.objects.filter(pk=campaign_id, double_coding=True).exists(),
        "kind": "document" if attachment is not None else "reply",
        "pk": attachment.pk if attachment is not None else message.pk,
        "page": page,
    }


@requires("view")
def passages(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    found = exports.passages_of(campaign)
    coder = request.GET.get("coder", "")
    if coder:
        found = [p for p in found if p.coder_name == coder]
    coders = sorted({p.coder_name for p in exports.passages_of(campaign)})
    return render(
        request, "web/passages.html", {"campaign": campaign, "passages": found, "coders": coders, "coder": coder}
    )


@requires("view")
def passages_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    if fmt == "csv":
        data, kind = exports.passages_csv(campaign), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        data, kind = (
            exports.passages_xlsx(campaign),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "qdpx":
        data, kind = exports.qdpx(campaign), "application/zip"
    else:
        raise Http404("No such format")
    response = HttpResponse(data, content_type=kind)
    name = "project" if fmt == "qdpx" else "passages"
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-{name}.{fmt}"'
    return response


@require_POST
@requires("edit")
@errors_shown_on("web:passages", "slug")
def passage_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    passage = get_object_or_404(Passage, pk=pk, campaign=campaign)
    actions.remove_passage(passage, actor_of(request))
    messages.success(request, "The passage is no longer coded.")
    return redirect("web:passages", slug=campaign.slug)


@requires("view")
def coder_agreement(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    found = exports.passages_of(campaign)
    coders = sorted({p.coder_name for p in found})
    first, second = request.GET.get("first", ""), request.GET.get("second", "")
    if not (first in coders and second in coders and first != second) and len(coders) >= 2:
        first, second = coders[0], coders[1]
    results = []
    if first in coders and second in coders and first != second:
        themes = list(Theme.objects.filter(campaign=campaign).select_related("parent"))
        results = agreement(themes, found, first, second)
    context = {
        "campaign": campaign,
        "coders": coders,
        "first": first,
        "second": second,
        "results": [(r, [(p, source_url(p)) for p in r.disagreements]) for r in results],
        "progress": double_coding.progress_rows(double_coding.documents(campaign)),
    }
    return render(request, "web/agreement.html", context)


SHOWN = {"": "Every document", **double_coding.LABELS}

PER_PAGE = 100


@requires("view")
def coding_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """Each reply and document of the campaign with who has coded it: the list a team works from when each
    document must be coded by two people (``show=needs-second``; ``mine=no``: those the person has not coded)."""
    campaign = access_campaign(request.user, slug)
    show = request.GET.get("show", "")
    show = show if show in SHOWN else ""
    not_mine = request.GET.get("mine") == "no"
    every = double_coding.documents(campaign)
    shown = [d for d in every if (not show or d.progress == show)]
    me = actor_of(request).name
    if not_mine:
        shown = [d for d in shown if me not in d.coders]
    page = a_page(Paginator(shown, PER_PAGE), request.GET.get("page"))
    context = {
        "campaign": campaign,
        "page": page,
        "show": show,
        "shown": SHOWN,
        "not_mine": not_mine,
        "progress": double_coding.progress_rows(every),
        "shown_label": SHOWN[show],
        "query": urlencode({k: v for k, v in (("show", show), ("mine", "no" if not_mine else "")) if v}),
    }
    return render(request, "web/coding_progress.html", context)
