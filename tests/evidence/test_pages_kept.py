"""Reading a file keeps where each page begins, so that a search hit and a coded passage name their page."""

from __future__ import annotations

from docket.documents.bounded import _outcome
from docket.documents.extraction import extract, pages_joined
from docket.documents.models import Attachment
from tests.evidence.conftest import PAGES, pdf_of_pages


def test_pages_joined_says_where_each_page_begins():
    joined = pages_joined(["one", "", "three"])
    assert joined.text == "one\n\n\n\nthree"
    assert joined.page_starts == (5, 7)
    attachment = Attachment(text=joined.text, page_starts=list(joined.page_starts))
    assert attachment.page_texts() == [(1, "one"), (2, ""), (3, "three")]
    assert [attachment.page_of(at) for at in (0, 4, 5, 7, 11)] == [1, 1, 2, 3, 3]


def test_a_pdf_keeps_its_pages():
    result = extract(pdf_of_pages(PAGES), "application/pdf", ocr=False)
    attachment = Attachment(text=result.text, page_starts=list(result.page_starts))
    assert [" ".join(text.split()) for _, text in attachment.page_texts()] == PAGES  # lines wrap as laid out
    assert attachment.page_of(result.text.index("mentoring")) == 3


def test_the_reading_process_answer_carries_the_pages():
    fields = b'"kind": "text", "pages": 2, "ocr_pages": 0, "reason": "", "retire": false'
    assert _outcome(b"{" + fields + b', "text": "a b", "page_starts": [3]}').page_starts == (3,)
    assert _outcome(b"{" + fields + b', "text": "a", "page_starts": ["x"]}').kind == "failed"  # not from a reader
