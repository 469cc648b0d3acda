"""The report says its dates as every other page does ("24 November 2026"), on the page, in the PDF and in Word."""

from __future__ import annotations

import io
import re

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone

from docket.evidence.report import build
from docket.evidence.report_files import report_docx, report_pdf, tables
from docket.letters.wording import long_date
from tests.web.conftest import person

pytestmark = pytest.mark.django_db
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_the_report_s_dates_are_long_dates_in_every_format(replied, client):
    report = build(replied.campaign)
    sent = timezone.localdate(replied.request.sent_at)
    assert replied.request.due_date is not None
    row = next(row for row in tables(report)["asked"] if row[2])
    assert row[2:4] == [long_date(sent), long_date(replied.request.due_date)]

    document = pypdfium2.PdfDocument(report_pdf(report))
    pdf = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    document.close()
    assert long_date(sent) in pdf
    assert not ISO_DATE.search(pdf)

    from docx import Document

    word = Document(io.BytesIO(report_docx(report)))
    cells = " ".join(cell.text for table in word.tables for row in table.rows for cell in row.cells)
    assert long_date(sent) in cells
    assert not ISO_DATE.search(cells)

    client.force_login(person("viewer@office.example", "viewer", replied.campaign))
    page = client.get(reverse("web:campaign_report", args=[replied.campaign.slug])).content.decode()
    assert f'<td class="govuk-table__cell">{long_date(sent)}</td>' in page
    assert not ISO_DATE.search(re.sub(r'(href|src)="[^"]*"', "", page))
