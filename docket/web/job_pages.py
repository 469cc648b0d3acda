"""Long work asked for in the workspace: a job's page (progress bar, then the result) and its file.

The work itself runs in the worker (docket/worker/jobs.py); a page that asks for it answers at
once with a redirect here. With JavaScript the progress is fetched again every second (HTMX) until
the job is finished; without it, the page refreshes itself every few seconds and a reload shows
the same. A job is seen by whoever sees its campaign: anyone else gets 404.
"""

from __future__ import annotations

from typing import cast

from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from docket.web.access import access_campaign, campaigns_for, role_of
from docket.web.decorators import actor_of, requires
from docket.web.mail_pages import ago, held_by_limit, sending_stalled, sending_through
from docket.web.user_errors import errors_shown_on
from docket.worker.jobs import (
    export_public_site,
    finished_summary,
    job_letters,
    render_letters_zip,
    result_path,
    sending_of,
)
from docket.worker.models import BulkJob
from docket.worker.rounds import last_seen

# The formats a campaign's ZIP of letters may hold (the letter writers').
ZIP_FORMATS = {"pdf": "PDF", "docx": "Word", "html": "HTML", "txt": "Plain text", "md": "Markdown"}


def access_job(request: HttpRequest, pk: int) -> BulkJob:
    """The job, if this person sees its campaign (a job of no campaign: its requester, or an admin); else 404."""
    mine = Q(campaign__in=campaigns_for(request.user))
    if role_of(request.user) == "admin":
        mine |= Q(campaign__isnull=True)
    elif request.user.is_authenticated:
        mine |= Q(campaign__isnull=True, requested_by=request.user)
    job = BulkJob.objects.filter(mine, pk=pk).select_related("campaign").first()
    if job is None:
        raise Http404("No such job")
    return job


# What a job's page is headed, when the kind's own name does not say it plainly.
HEADINGS = {BulkJob.Kind.EXPORT: "Public site export", BulkJob.Kind.IMPORT_CONTACTS: "Contacts import"}


def heading_of(found: BulkJob) -> str:
    """What the job does, for its page's heading: "Letters as a ZIP file — Knife crime strategies"."""
    name = HEADINGS.get(BulkJob.Kind(found.kind), found.get_kind_display())
    return f"{name} — {found.campaign.title}" if found.campaign is not None else name


def way_back(found: BulkJob) -> tuple[str, str]:
    """Where the job was asked from: (the link's words, its address)."""
    if found.campaign is not None:
        return f"Back to {found.campaign.title}", reverse("web:campaign", args=[found.campaign.slug])
    if found.kind == BulkJob.Kind.IMPORT_CONTACTS:
        return "Back to the directory", reverse("web:directory")
    return "Back to the public site on the dashboard", reverse("web:dashboard") + "#public-site"


@requires("view")
def job(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_job(request, pk)
    sending = sending_of(found)
    back_text, back_url = way_back(found)
    context = {
        "job": found,
        "heading": heading_of(found),
        "back_text": back_text,
        "back_url": back_url,
        # Letters left out are listed as soon as they are known (those found before the job began, at once).
        "problems": list(found.problems.all()[:500]),
        "has_file": result_path(found) is not None,
        "sending": sending,
        "summary": finished_summary(found, sending),
        # The page follows the job while it runs, and an "approve and send" job's letters until each is sent.
        "follow": not found.finished or bool(sending and sending.waiting),
    }
    if not found.finished:  # a job waiting or running says when no worker is there to do it
        seen = last_seen(timezone.now())
        context |= {"worker_seen": None if seen is None else ago(seen.ago), "worker_running": seen and seen.running}
    elif sending and sending.waiting:  # its letters wait: why they cannot go, if they cannot, as the outbox says
        now = timezone.now()
        letters = job_letters(found)
        context |= sending_stalled(letters, now)
        context["held_by_limit"] = held_by_limit(letters, sending_through(), now)
    if request.headers.get("HX-Request"):
        return render(request, "web/_job_progress.html", context)
    return render(request, "web/job.html", context)


@requires("view")
def job_result(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_job(request, pk)
    path = result_path(found)
    if path is None:
        raise Http404("This job made no file, or it has been removed")
    # Streamed from the file (a campaign's ZIP may be large); the guard's type names the usual response.
    return cast(HttpResponse, FileResponse(path.open("rb"), as_attachment=True, filename=path.name))


@require_POST
@requires("view")
@errors_shown_on("web:campaign", "slug")
def letters_zip(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the worker for a ZIP file of the campaign's letters; the job's page follows its progress."""
    found = access_campaign(request.user, slug)
    formats = [fmt for fmt in ZIP_FORMATS if fmt in request.POST.getlist("format")] or ["pdf"]
    asked = render_letters_zip(found, actor_of(request), formats)
    return redirect("web:job", pk=asked.pk)


@require_POST
@requires("publish")
@errors_shown_on("web:dashboard")
def export_site(request: HttpRequest) -> HttpResponse:
    """Ask the worker for the public site as static files (what ``docket export-site`` writes), zipped."""
    asked = export_public_site(actor_of(request))
    return redirect("web:job", pk=asked.pk)
