"""The campaign report in the workspace: a page, and the same as a tagged PDF or a Word document.

It is made in the request (the report of a campaign of 400 bodies with 2,000 documents takes a few
seconds: see bench/report.py); ``docket report`` writes it from the command line."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from docket.evidence.report import build
from docket.evidence.report_files import report_docx, report_pdf, tables
from docket.web.access import access_campaign
from docket.web.decorators import requires

# The report is made while the page waits: 400 bodies take about 5 s (bench/report.py); beyond this it is
# refused, in words, and made by the command.
MOST_BODIES = 2000
FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@requires("view")
def campaign_report(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    report = build(campaign, most_bodies=MOST_BODIES)
    context = {
        "campaign": campaign,
        "report": report,
        "t": tables(report),  # the same rows as the PDF and the Word document
    }
    return render(request, "web/report.html", context)


@requires("view")
def campaign_report_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    campaign = access_campaign(request.user, slug)
    if fmt not in FILE_TYPES:
        raise Http404("The report is a .pdf or a .docx")
    report = build(campaign, most_bodies=MOST_BODIES)
    data = report_pdf(report) if fmt == "pdf" else report_docx(report)
    response = HttpResponse(data, content_type=FILE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-report-{report.made.isoformat()}.{fmt}"'
    return response
