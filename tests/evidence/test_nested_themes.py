"""Nested themes in the matrix: a theme's cell counts its own passages and those of the themes under it, each
passage once; a cell lists them; the report's tables, its Word and PDF files and the matrix's CSV give the same
numbers as the matrix, and the report's ledger those of the ledger."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from docket.campaigns import ledger
from docket.evidence import actions, exports, matrix
from docket.evidence.report import build
from docket.evidence.report_files import report_docx, report_pdf, tables
from docket.requests import actions as request_actions
from docket.requests.actions import Actor
from tests.evidence.conftest import reply_to
from tests.evidence.test_report import pdf_text
from tests.web.conftest import person, sent

pytestmark = pytest.mark.django_db
ANN = Actor("ann@office.example")


@pytest.fixture
def nested(replied):
    campaign = replied.campaign
    prevention = actions.add_theme(campaign, "Prevention", ANN)
    mentoring = actions.add_theme(campaign, "Mentoring", ANN, parent=prevention)
    diversion = actions.add_theme(campaign, "Diversion", ANN, parent=prevention)
    funding = actions.add_theme(campaign, "Funding", ANN)
    doc, message = replied.strategy, replied.message
    actions.code_passage(message, doc, "mentoring scheme", [prevention, mentoring], ANN, page=3)  # once in Prevention
    actions.code_passage(message, doc, "young people", [mentoring], ANN, page=3)
    actions.code_passage(message, None, "knife crime work", [prevention], ANN)
    actions.code_passage(message, doc, "funding", [funding], ANN, page=2)
    other = campaign.recipients.exclude(pk=replied.request.recipient_id).order_by("contact__body__name").first()
    second = reply_to(
        sent(request_actions.request_for(other)),
        "We fund diversion schemes and a youth mentoring service in every district.",
        [],
    )
    actions.code_passage(second, None, "diversion schemes", [diversion], ANN)
    actions.code_passage(second, None, "youth mentoring service", [mentoring, diversion], ANN)  # once in Prevention
    themes = {"prevention": prevention, "mentoring": mentoring, "diversion": diversion, "funding": funding}
    return replied, other, themes


def test_a_themes_cell_counts_its_sub_themes_passages_once(nested):
    replied, other, themes = nested
    first = replied.request.recipient
    shown = matrix.themes_of(replied.campaign)
    assert [t.name for t in shown] == ["Prevention", "Mentoring", "Diversion", "Funding"]
    counted = {
        (row.recipient.pk, cell.theme.name): (cell.count, cell.rolled_up)
        for row in matrix.rows([first, other], shown)
        for cell in row.cells
    }
    assert counted == {
        (first.pk, "Funding"): (1, False),
        (first.pk, "Prevention"): (3, True),
        (first.pk, "Diversion"): (0, False),
        (first.pk, "Mentoring"): (2, False),
        (other.pk, "Funding"): (0, False),
        (other.pk, "Prevention"): (2, True),
        (other.pk, "Diversion"): (2, False),
        (other.pk, "Mentoring"): (1, False),
    }
    assert matrix.totals(replied.campaign, shown) == {
        themes["funding"].pk: 1,
        themes["prevention"].pk: 2,
        themes["diversion"].pk: 1,
        themes["mentoring"].pk: 2,
    }
    listed = [p.quote for p in matrix.cell_passages(first, themes["prevention"])]
    assert sorted(listed) == ["knife crime work", "mentoring scheme", "young people"]
    assert [p.quote for p in matrix.cell_passages(first, themes["mentoring"])] == ["mentoring scheme", "young people"]
    assert matrix.labels(shown) == [
        "Prevention (with its sub-themes)",
        "Prevention / Mentoring",
        "Prevention / Diversion",
        "Funding",
    ]


def test_the_matrix_page_shows_sub_themes_beneath_and_a_cell_lists_their_passages(client, nested):
    replied, _, themes = nested
    first = replied.request.recipient
    client.force_login(person("viewer@office.example", "viewer", replied.campaign))
    page = client.get(reverse("web:themes_matrix", args=[replied.campaign.slug])).content.decode()
    head = page.split('id="themes-matrix"', 1)[1].split("</thead>", 1)[0]
    assert re.search(r'scope="colgroup"[^>]*colspan="3"[^>]*>.*Prevention</th>', head)
    assert 'All<span class="govuk-visually-hidden"> of Prevention, with its sub-themes</span>' in head
    assert head.index("Funding") > head.index("Prevention</th>")
    assert head.index("Diversion") > head.index("Mentoring") > head.index("All<span") > head.index("Funding")
    row = page.split(f'id="themes-row-{first.pk}"', 1)[1].split("</tr>", 1)[0]
    found = re.findall(r">(\d+) passages?<span", row)
    assert found == ["3", "2", "1"]  # Prevention with its sub-themes, Mentoring, (Diversion: none), Funding
    cell = client.get(reverse("web:theme_cell", args=[replied.campaign.slug, first.pk, themes["prevention"].pk]))
    opened = cell.content.decode()
    assert "With the passages of its sub-themes: Mentoring, Diversion (each passage once)." in opened
    assert opened.count('class="govuk-summary-card"') == 3
    assert "3 passages coded." in opened


def test_the_reports_tables_equal_the_matrix_and_the_ledger(client, nested):
    from docx import Document

    replied, _, _ = nested
    campaign = replied.campaign
    report = build(campaign)
    shown = matrix.themes_of(campaign)
    everyone = list(ledger.recipients(campaign))
    on_screen = [
        (row.recipient.contact.body.name, [cell.count for cell in row.cells]) for row in matrix.rows(everyone, shown)
    ]
    assert report.themes == matrix.labels(shown)
    assert ": 6 passages from 2 bodies." in report.charts["heat"].alt  # each once, though in two or three cells
    assert report.theme_rows == on_screen
    assert sum(sum(counts) for _, counts in on_screen) == 3 + 2 + 1 + 2 + 2 + 1  # not all zero: the test can fail
    statuses = [
        (row.recipient.contact.body.name, [c.item.get_status_display() if c.item else "Not asked" for c in row.cells])
        for row in ledger.rows(everyone, ledger.items_of(campaign))
    ]
    assert report.ledger_rows == statuses

    written = tables(report)
    expected = [[body, *map(str, counts)] for body, counts in on_screen]
    assert written["theme_rows"] == expected
    assert written["themes_header"] == ["Body", *matrix.labels(shown)]

    document = Document(io.BytesIO(report_docx(report)))
    grid = next(
        t for t in document.tables if t.rows[0].cells[0].text == "Body" and "Prevention" in t.rows[0].cells[1].text
    )
    assert [[c.text for c in row.cells] for row in grid.rows] == [written["themes_header"], *expected]

    text = " ".join(pdf_text(report_pdf(report)).split())
    for line in expected:
        assert " ".join(line) in text

    client.force_login(person("viewer@office.example", "viewer", campaign))
    data = client.get(reverse("web:themes_matrix_file", args=[campaign.slug])).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(data)))
    assert table[0] == ["body", "kind", *matrix.labels(shown)]
    assert [[line[0], *line[2:]] for line in table[1:]] == expected
    assert exports.matrix_csv(campaign).decode("utf-8-sig") == data
