"""The campaign report: its numbers are the ledger's, its PDF is tagged with alternative text on each chart,
and it is the same as a Word document and a page."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pypdfium2
import pytest

from docket.campaigns import actions as ledger_actions
from docket.campaigns import ledger
from docket.campaigns.models import RecipientItem
from docket.evidence import actions
from docket.evidence.report import build
from docket.evidence.report_files import report_docx, report_pdf
from docket.requests.actions import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor("analyst@office.example")
Status = RecipientItem.Status


@pytest.fixture
def reported(replied):
    theme = actions.add_theme(replied.campaign, "Mentoring", ACTOR)
    passage = actions.code_passage(replied.message, replied.strategy, "mentoring scheme", [theme], ACTOR, page=3)
    actions.set_quoted(passage, True, ACTOR)
    key = replied.campaign.items.order_by("position")[0].key
    ledger_actions.set_item_status(
        replied.request, key, Status.RECEIVED, ACTOR, ledger_actions.Evidence(attachment=replied.strategy, page=1)
    )
    return replied


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def figures_alt(data: bytes) -> list[str]:
    """The alternative text of every Figure in the PDF's structure tree."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])

    with pikepdf.open(io.BytesIO(data)) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


def test_the_report_pdf_is_tagged_with_alternative_text_and_the_ledgers_numbers(reported, tmp_path):
    report = build(reported.campaign)
    totals = ledger.totals([reported.campaign], report.made)[reported.campaign.pk]
    assert ("Asked for in the letters sent", totals.asked) in report.totals
    assert ("Received", totals.received) == ("Received", 1)
    assert ("Received", 1) in report.totals
    data = report_pdf(report)
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    alts = figures_alt(data)
    assert len(alts) == 2
    assert alts[0].startswith("A line chart of replies and documents received")
    assert alts[1].startswith("A heat map of 3 bodies by 1 themes")
    text = " ".join(pdf_text(data).split())
    assert f"Asked for in the letters sent {totals.asked}" in text
    assert f"Received {totals.received}" in text
    assert f"Still awaited {totals.of(Status.ASKED)}" in text
    assert "mentoring scheme" in text  # the quotation
    body = reported.request.recipient.contact.body.name
    row = next(statuses for name, statuses in report.ledger_rows if name == body)
    assert row[0] == "Received"
    assert " ".join([body, *row]) in text  # the ledger matrix's row, as the ledger has it


def test_the_report_as_a_word_document(reported):
    from docx import Document

    report = build(reported.campaign)
    document = Document(io.BytesIO(report_docx(report)))
    described = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert described == [report.charts["curve"].alt, report.charts["heat"].alt]
    totals = {row.cells[0].text: row.cells[1].text for row in document.tables[2].rows}
    assert totals["Received"] == "1"
    assert any("mentoring scheme" in p.text for p in document.paragraphs)


def test_the_response_curve_counts_replies_and_documents_by_working_day(reported):
    report = build(reported.campaign)
    assert report.curve[-1][1:] == (1, 1)  # one reply, with one document


def test_the_report_page_and_command(reported, client, tmp_path, capsys):
    from django.urls import reverse

    from docket.cli import main
    from tests.web.conftest import person

    client.force_login(person("viewer@office.example", "viewer", reported.campaign))
    page = client.get(reverse("web:campaign_report", args=[reported.campaign.slug])).content.decode()
    report = build(reported.campaign)
    assert f'alt="{report.charts["curve"].alt}"' in page
    assert "mentoring scheme" in page
    assert '<th scope="row" class="govuk-table__header">Received</th><td class="govuk-table__cell">1</td>' in page
    # The file is a job of the worker's (the tests' task backend runs it at once): its page, then the file.
    job_page = client.post(reverse("web:campaign_report_file", args=[reported.campaign.slug]), {"format": "pdf"})
    assert job_page.status_code == 302
    assert "The report of" in client.get(job_page["Location"]).content.decode()
    pdf = client.get(job_page["Location"] + "result/")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert f'filename="{reported.campaign.slug}-report-{report.made.isoformat()}.pdf"' in pdf["Content-Disposition"]
    refused = client.post(reverse("web:campaign_report_file", args=[reported.campaign.slug]), {"format": "odt"})
    assert refused["Location"] == reverse("web:campaign_report", args=[reported.campaign.slug])
    said = client.get(refused["Location"]).content.decode()
    assert "The report is made as pdf, docx, html, not &#x27;odt&#x27;: choose one of those." in said
    out = tmp_path / "out"  # the tests' files (the jobs' among them) are in tmp_path
    assert main(["report", reported.campaign.slug, "--format", "html,pdf,docx", "--out", str(out)]) == 0
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".html", ".pdf"]
    html = next(out.glob("*.html")).read_text()
    assert "mentoring scheme" in html
    assert main(["report", reported.campaign.slug, "--format", "odt", "--out", str(out)]) == 1
    assert "--format takes html, pdf or docx" in capsys.readouterr().err


def test_a_report_too_big_for_a_page_is_not_shown_but_made_as_a_file_by_the_worker(reported, client, monkeypatch):
    from django.urls import reverse

    from docket.web import report_pages
    from docket.worker.models import BulkJob
    from tests.web.conftest import person

    monkeypatch.setattr(report_pages, "MOST_BODIES", 2)
    client.force_login(person("viewer@office.example", "viewer", reported.campaign))
    response = client.get(reverse("web:campaign_report", args=[reported.campaign.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This campaign has 3 recipients: a report of more than 2 is not shown on a page. Make it as a file" in page
    assert "mentoring scheme" not in page  # nothing of the report itself
    assert 'name="format" value="pdf"' in page
    # The worker has no such limit (the tests' task backend runs the job at once).
    client.post(reverse("web:campaign_report_file", args=[reported.campaign.slug]), {"format": "html"})
    job = BulkJob.objects.get()
    assert job.state == BulkJob.State.DONE
    made = client.get(reverse("web:job_result", args=[job.pk]))
    assert "mentoring scheme" in b"".join(made.streaming_content).decode()
