import io
import re
import subprocess
from pathlib import Path

import docx
import pypdfium2
import pytest
from lxml import etree

from docket.letters import build_letter, render
from docket.letters.pdf import to_pdf
from tests.browser import axe_violations
from tests.letters.data import campaign, recipient

W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def pdfinfo(path: Path, *options: str) -> str:
    return subprocess.run(["pdfinfo", *options, str(path)], capture_output=True, text=True, check=True).stdout


def test_the_pdf_is_tagged_and_declares_pdf_ua_1(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(render(campaign(), recipient(), "pdf"))
    info = pdfinfo(path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+Test campaign: letter to Jo Bloggs", info, re.M)
    assert "<pdfuaid:part>1</pdfuaid:part>" in pdfinfo(path, "-meta")


def test_the_archive_pdf_is_also_pdf_a_2a(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(to_pdf(build_letter(campaign(), recipient()), archive=True))
    meta = pdfinfo(path, "-meta")
    assert "<pdfaid:part>2</pdfaid:part>" in meta
    assert "<pdfaid:conformance>A</pdfaid:conformance>" in meta
    assert "<pdfuaid:part>1</pdfuaid:part>" in meta


def test_the_pdf_holds_the_letter_and_its_footnotes_in_reading_order():
    pdf = pypdfium2.PdfDocument(render(campaign(), recipient(), "pdf"))
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)
    assert text.index("Dear Jo,") < text.index("Thank you for your work in Testshire") < text.index("Yours sincerely")
    assert "Home Office (2019) A report" in text
    assert "Page" not in " ".join(pdf[0].get_textpage().get_text_range().split())  # numbers from page 2


def test_the_same_letter_gives_the_same_bytes():
    for fmt in ("pdf", "docx"):
        assert render(campaign(), recipient(), fmt) == render(campaign(), recipient(), fmt)


def footnotes_part(document: docx.document.Document) -> etree._Element:
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/footnotes"))
    return etree.fromstring(part.blob)


def test_the_docx_has_real_footnotes_and_named_styles():
    document = docx.Document(io.BytesIO(render(campaign(), recipient(), "docx")))
    notes = [n for n in footnotes_part(document).findall("w:footnote", W) if int(n.get(f"{{{W['w']}}}id")) > 0]
    assert ["".join(n.itertext()).strip() for n in notes] == [
        "Home Office (2019) A report",
        "The Commissioner (2020) A blog post",
    ]
    body = document.element.body
    assert len(body.findall(".//w:footnoteReference", W)) == 2  # the third citation repeats footnote 1
    assert "NOTEREF _RefNote1" in etree.tostring(body).decode()
    styles = [paragraph.style.name for paragraph in document.paragraphs]
    assert styles[:5] == ["Letterhead Name", "Letterhead", "Letter Date", "Recipient Address", "Salutation"]
    assert "Signature Block" in styles


def test_the_html_has_footnotes_with_back_links():
    page = render(campaign(), recipient(), "html").decode()
    assert '<html lang="en-GB">' in page
    assert '<sup><a id="fnref1" href="#fn1"' in page
    assert '<a id="fnref1-2" href="#fn1"' in page
    assert '<li id="fn1">Home Office (2019) <a href="https://www.gov.uk/report">A report</a>' in page
    assert 'href="#fnref1"' in page


@pytest.mark.slow
def test_the_html_has_no_accessibility_errors(browser, tmp_path):
    path = tmp_path / "letter.html"
    path.write_bytes(render(campaign(), recipient(), "html"))
    page = browser.new_page()
    page.goto(path.as_uri())
    assert axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []
    page.close()
