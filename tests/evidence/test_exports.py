"""Coded passages out as CSV, XLSX and a REFI-QDA project valid against the published schema."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from docket.evidence import actions, exports
from docket.requests.actions import Actor

pytestmark = pytest.mark.django_db
SCHEMA = etree.XMLSchema(etree.parse(str(Path(exports.__file__).parent / "schemas" / "Project.xsd")))
ANN, BOB = Actor("ann@office.example"), Actor("bob@office.example")


@pytest.fixture
def coded(replied):
    prevention = actions.add_theme(replied.campaign, "Prevention", ANN, description="Stopping harm early")
    mentoring = actions.add_theme(replied.campaign, "Mentoring", ANN, parent=prevention, colour="#00703c")
    actions.code_passage(
        replied.message,
        replied.strategy,
        "mentoring scheme",
        [mentoring, prevention],
        ANN,
        page=3,
        memo="=1+1 universal",
    )
    actions.code_passage(replied.message, None, "knife crime work", [prevention], BOB)
    return replied


def test_the_passages_as_a_table(coded):
    rows = list(csv.reader(io.StringIO(exports.passages_csv(coded.campaign).decode("utf-8-sig"))))
    assert rows[0] == exports.HEADERS
    body = "Hampshire Police and Crime Commissioner"
    assert [
        body,
        str(coded.request.pk),
        "Response Strategy.pdf",
        "3",
        "Prevention / Mentoring",
        "mentoring scheme",
        "'=1+1 universal",
        "ann@office.example",
    ] in rows
    assert [
        body,
        str(coded.request.pk),
        "Reply: Re: Violence Reduction Units",
        "",
        "Prevention",
        "knife crime work",
        "",
        "bob@office.example",
    ] in rows
    assert len(rows) == 4
    sheet = openpyxl.load_workbook(io.BytesIO(exports.passages_xlsx(coded.campaign))).active
    assert [cell.value for cell in next(sheet.iter_rows())] == exports.HEADERS
    assert sheet.max_row == 4


def test_the_project_is_valid_refi_qda(coded):
    with zipfile.ZipFile(io.BytesIO(exports.qdpx(coded.campaign))) as archive:
        project = etree.fromstring(archive.read("project.qde"))
        SCHEMA.assertValid(project)
        ns = {"q": exports.NS}
        codes = project.findall(".//q:CodeBook/q:Codes/q:Code", ns)
        assert [c.get("name") for c in codes] == ["Prevention"]
        assert [c.get("name") for c in codes[0].findall("q:Code", ns)] == ["Mentoring"]
        sources = project.findall(".//q:Sources/q:TextSource", ns)
        assert len(sources) == 2
        for source in sources:
            text = archive.read("Sources/" + source.get("plainTextPath").removeprefix("internal://")).decode()
            for selection in source.findall("q:PlainTextSelection", ns):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert text[start:end] == selection.get("name")  # the offsets point at the quote in the source
        assert [c.get("name") for c in project.findall(".//q:Cases/q:Case", ns)] == [
            "Hampshire Police and Crime Commissioner"
        ]
        assert {u.get("name") for u in project.findall(".//q:Users/q:User", ns)} == {
            "ann@office.example",
            "bob@office.example",
        }
        assert project.find(".//q:Notes/q:Note/q:PlainTextContent", ns).text == "=1+1 universal"


def test_a_broken_project_fails_the_schema(coded):
    project = etree.fromstring(exports.project_xml(coded.campaign)[0])
    project.find(".//{urn:QDA-XML:project:1.0}Code").attrib.pop("isCodable")
    assert not SCHEMA.validate(project)
