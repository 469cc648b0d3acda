"""The campaign report written out: a tagged PDF (Typst, PDF/UA-1, as letters are) and a Word document
(python-docx), from the same ``docket.evidence.report.Report``."""

from __future__ import annotations

import datetime
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import typst

from docket.evidence.double_coding import Progress
from docket.evidence.report import Report
from docket.letters.pdf import FONTS
from docket.letters.wording import long_date

LAYOUT = Path(__file__).resolve().parent / "report.typ"
# The report's files: each format and its media type.
REPORT_FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
}


@cache
def compiler() -> typst.Compiler:
    return typst.Compiler(str(LAYOUT), root="/", font_paths=[str(FONTS)], ignore_system_fonts=True)


def _day(day: datetime.date | None) -> str:
    """A date as every page of Docket says it: 24 November 2026."""
    return long_date(day) if day else ""


def tables(report: Report) -> dict[str, Any]:
    """The report's words and numbers, each table a list of rows of text (what every format shows)."""
    return {
        "title": report.title,
        "author": report.campaign.office.name if report.campaign.office_id else "",
        "subtitle": f"Made on {long_date(report.made)} from Docket's records.",
        "asked": [[a.body, a.contact, _day(a.sent), _day(a.due), a.progress, "; ".join(a.items)] for a in report.asked],
        "curve": [[str(day), str(replies), str(documents)] for day, replies, documents in report.curve],
        "totals": [[label, str(count)] for label, count in report.totals],
        "items": report.items,
        "asked_header": ["Body", "Contact", "Sent", "Due", "State", "Asked for"],
        "curve_header": ["Working day since sending", "Replies so far", "Documents so far"],
        "totals_header": ["Status", "Items"],
        "ledger_header": ["Body", *report.items],
        "themes_header": ["Body", *report.themes],
        "ledger_rows": [[body, *statuses] for body, statuses in report.ledger_rows],
        "themes": report.themes,
        "theme_rows": _theme_rows(report),
        "themes_note": themes_note(report),
        "quotations": [
            {
                "quote": q.quote,
                "source": f"{q.body}: {q.source}" + (f", page {q.page}" if q.page else "") + f" (request #{q.request})",
            }
            for q in report.quotations
        ],
    }


SINGLE_MARK = "*"


def _theme_rows(report: Report) -> list[list[str]]:
    """The themes table: passages per body and theme, marked where some are on documents one person alone coded."""
    single = report.theme_single or [[0] * len(report.themes) for _ in report.theme_rows]
    return [
        [body, *(f"{n}{SINGLE_MARK}" if once else str(n) for n, once in zip(counts, marks, strict=True))]
        for (body, counts), marks in zip(report.theme_rows, single, strict=True)
    ]


def themes_note(report: Report) -> str:
    """What the themes table counts: every coder's passages; a theme counts those of the themes under it."""
    note = (
        "Each number is the passages coded in a body's replies and documents; a theme with sub-themes counts "
        "its own passages and theirs, each passage once."
    )
    if not report.campaign.double_coding:
        return note
    progress = report.coding_progress
    two, one = progress.get(Progress.DOUBLE_CODED, 0), progress.get(Progress.NEEDS_SECOND, 0)
    return (
        f"{note} This campaign requires each document to be coded by two people: the numbers count both "
        f"coders' passages. {two} document{'s' if two != 1 else ''} {'are' if two != 1 else 'is'} coded by "
        f"two people, {one} by one only; {SINGLE_MARK} marks a number that includes passages from documents "
        "coded by one person only."
    )


def report_pdf(report: Report) -> bytes:
    data = tables(report)
    data["curve_chart"] = {"svg": report.charts["curve"].svg, "alt": report.charts["curve"].alt}
    data["heat_chart"] = {"svg": report.charts["heat"].svg, "alt": report.charts["heat"].alt}
    day = report.made
    stamp = int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())
    result = compiler().compile(
        format="pdf",
        sys_inputs={"report": json.dumps(data, ensure_ascii=False)},
        pdf_standards=["ua-1"],
        timestamp=stamp,
    )
    assert isinstance(result, bytes)
    return result


def report_docx(report: Report) -> bytes:
    from docx import Document
    from docx.shared import Cm

    data = tables(report)
    document = Document()
    document.core_properties.title = report.title
    document.add_heading(report.title, level=1)
    document.add_paragraph(str(data["subtitle"]))

    def table(header: list[str], rows: list[list[str]]) -> None:
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = text

    def chart(key: str) -> None:
        drawn = report.charts[key]
        document.add_picture(io.BytesIO(drawn.png), width=Cm(16))
        picture = document.inline_shapes[-1]._inline.docPr
        picture.set("descr", drawn.alt)
        picture.set("title", drawn.alt[:80])
        document.add_paragraph(drawn.alt, style="Caption")

    document.add_heading("Who was asked for what, and when", level=2)
    table(data["asked_header"], data["asked"])
    document.add_heading("Response over time", level=2)
    chart("curve")
    table(data["curve_header"], data["curve"])
    document.add_heading("The evidence ledger", level=2)
    table(data["totals_header"], data["totals"])
    table(data["ledger_header"], data["ledger_rows"])
    document.add_heading("Themes", level=2)
    if report.themes:
        chart("heat")
        document.add_paragraph(str(data["themes_note"]))
        table(data["themes_header"], data["theme_rows"])
    else:
        document.add_paragraph("No themes are in the codebook.")
    document.add_heading("Quotations", level=2)
    for quotation in data["quotations"]:
        document.add_paragraph(f"“{quotation['quote']}”", style="Quote")
        document.add_paragraph(f"— {quotation['source']}")
    if not report.quotations:
        document.add_paragraph("No passage is chosen for the report.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_html(report: Report) -> bytes:
    """The report as one web page, its charts inside it (the template the workspace's page shares its body with)."""
    from django.template.loader import render_to_string

    context = {"report": report, "t": tables(report), "campaign": report.campaign}
    return render_to_string("web/report_file.html", context).encode()


def report_file(report: Report, fmt: str) -> bytes:
    """The report as ``fmt`` (one of ``REPORT_FORMATS``)."""
    writers = {"pdf": report_pdf, "docx": report_docx, "html": report_html}
    return writers[fmt](report)


def report_file_name(report: Report, fmt: str) -> str:
    return f"{report.campaign.slug}-report-{report.made.isoformat()}.{fmt}"
