"""The themes matrix in the workspace: bodies by themes (50 bodies a page, filtered by a body's tag or
kind), a cell's passages with links to the page each comes from, and the analyst's summary of the cell
(a named action, ``docket.evidence.actions.save_summary``). A passage is chosen for the campaign's
report here too (``set_quoted``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from docket.campaigns.models import Recipient
from docket.directory.models import Body, Tag
from docket.evidence import actions, double_coding, exports, matrix
from docket.evidence.models import Passage, Theme, ThemeSummary
from docket.web.access import access_campaign
from docket.web.decorators import actor_of, requires
from docket.web.paging import a_page
from docket.web.user_errors import errors_shown_on

PER_PAGE = 50


@requires("view")
def themes_matrix(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    tag, kind = request.GET.get("tag", "")[:100], request.GET.get("kind", "")[:100]
    themes = matrix.themes_of(campaign)
    paginator = Paginator(matrix.recipients(campaign, tag, kind), PER_PAGE)
    page = a_page(paginator, request.GET.get("page"))
    bodies = Body.objects.filter(contacts__recipients__campaign=campaign)
    groups = [(theme, [t for t in themes if t.parent_id == theme.pk]) for theme in themes if theme.parent_id is None]
    progress = None
    if campaign.double_coding:
        progress = double_coding.progress_rows(double_coding.documents(campaign))
    context = {
        "campaign": campaign,
        "themes": themes,
        "groups": groups,
        "nested": any(children for _, children in groups),
        "progress": progress,
        "rows": matrix.rows(list(page.object_list), themes, double_coding=campaign.double_coding),
        "page": page,
        "tag": tag,
        "kind": kind,
        "tags": Tag.objects.filter(bodies__in=bodies).distinct().order_by("name"),
        "kinds": sorted(set(bodies.exclude(kind="").values_list("kind", flat=True))),
        "query": urlencode({k: v for k, v in (("tag", tag), ("kind", kind)) if v}),
        "labels": matrix.LABELS,
    }
    return render(request, "web/themes_matrix.html", context)


@requires("view")
def themes_matrix_file(request: HttpRequest, slug: str) -> HttpResponse:
    """The matrix as CSV, filtered as the page is: the same numbers."""
    campaign = access_campaign(request.user, slug)
    tag, kind = request.GET.get("tag", "")[:100], request.GET.get("kind", "")[:100]
    response = HttpResponse(exports.matrix_csv(campaign, tag, kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-themes-matrix.csv"'
    return response


def _cell(request: HttpRequest, slug: str, recipient: int, theme: int) -> tuple[Recipient, Theme]:
    campaign = access_campaign(request.user, slug)
    found = get_object_or_404(
        Recipient.objects.select_related("contact__body", "request", "campaign"), pk=recipient, campaign=campaign
    )
    return found, get_object_or_404(Theme, pk=theme, campaign=campaign)


@requires("view")
def theme_cell(request: HttpRequest, slug: str, recipient: int, theme: int) -> HttpResponse:
    found, chosen = _cell(request, slug, recipient, theme)
    passages = list(matrix.cell_passages(found, chosen))
    summary = ThemeSummary.objects.filter(recipient=found, theme=chosen).first()
    state = matrix.rows([found], [chosen], double_coding=found.campaign.double_coding)[0].cells[0]
    context = {
        "campaign": found.campaign,
        "recipient": found,
        "theme": chosen,
        "children": list(chosen.children.all()),
        "passages": [(p, source_url(p)) for p in passages],
        "summary": summary,
        "cell": state,
        "max_summary": ThemeSummary.MAX_CHARS,
    }
    return render(request, "web/theme_cell.html", context)


def source_url(passage: Passage) -> str:
    """The page a passage comes from: the document's page, or the reply's text."""
    if passage.attachment_id is not None:
        return reverse("web:document_page", args=[passage.attachment_id, passage.page or 1])
    return reverse("web:reply_text", args=[passage.message_id])


@require_POST
@requires("edit")
@errors_shown_on("web:theme_cell", "slug", "recipient", "theme")
def theme_summary(request: HttpRequest, slug: str, recipient: int, theme: int) -> HttpResponse:
    found, chosen = _cell(request, slug, recipient, theme)
    saved = actions.save_summary(found, chosen, request.POST.get("summary", "")[:20_000], actor_of(request))
    messages.success(request, "The summary is saved." if saved else "The summary is cleared.")
    return redirect("web:theme_cell", slug=slug, recipient=found.pk, theme=chosen.pk)


@require_POST
@requires("edit")
@errors_shown_on("web:passages", "slug")
def passage_quote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    passage = get_object_or_404(Passage, pk=pk, campaign=campaign)
    quoted = request.POST.get("quote") == "yes"
    actions.set_quoted(passage, quoted, actor_of(request))
    messages.success(request, "The passage will be quoted in the report." if quoted else "The passage is not quoted.")
    back = request.POST.get("next", "")
    if back.startswith(f"/campaigns/{campaign.slug}/") and "//" not in back:
        return redirect(back)
    return redirect("web:passages", slug=campaign.slug)
