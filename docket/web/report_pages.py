"""The campaign report in the workspace: a page, and the same as a tagged PDF, a Word document or a web page.

The page is made in the request (the report of a campaign of 400 bodies with 2,000 documents takes a few
seconds: see bench/report.py); its files are made by the worker (a job, whose page follows it and then
offers the file); ``docket report`` writes them from the command line."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from docket.evidence.report import ReportTooBig, build
from docket.evidence.report_files import tables
from docket.web.access import access_campaign
from docket.web.decorators import actor_of, requires
from docket.web.user_errors import errors_shown_on
from docket.worker.jobs import make_report_file

# The page is made while the person waits: 400 bodies take about 5 s (bench/report.py); beyond this it is
# not shown, in words, and the report is made as a file (by the worker, or the command).
MOST_BODIES = 2000


@requires("view")
def campaign_report(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    try:
        report = build(campaign, most_bodies=MOST_BODIES)
    except ReportTooBig as too_big:  # not shown here, but made as a file by the worker (no size limit there)
        return render(request, "web/report.html", {"campaign": campaign, "too_big": str(too_big)})
    context = {
        "campaign": campaign,
        "report": report,
        "t": tables(report),  # the same rows as the PDF and the Word document
    }
    return render(request, "web/report.html", context)


@require_POST
@requires("view")
@errors_shown_on("web:campaign_report", "slug")
def campaign_report_file(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask the worker for the report as a file (``format``: pdf, docx or html); the job's page follows it."""
    campaign = access_campaign(request.user, slug)
    asked = make_report_file(campaign, actor_of(request), request.POST.get("format", ""))
    return redirect("web:job", pk=asked.pk)
