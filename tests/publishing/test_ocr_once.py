"""A picture is read by OCR once: the check of a page kept as it was, and publishing again, read it from memory."""

import shutil

from PIL import Image

from docket.publishing import pdf_redaction
from docket.publishing.pdf_redaction import ocr_text, redact_pdf
from docket.publishing.redaction import Rule, allow_list, find
from tests.samples import text_pdf


def finder(*rules: Rule):
    allowed = allow_list([], [])
    return lambda text: [(s.start, s.end) for s in find(text, rules, allowed)]


def test_a_page_kept_as_it_was_is_read_once_and_one_redacted_once_per_picture():
    pdf_redaction._ocr_cache.clear()
    _, count = redact_pdf(text_pdf("Response Strategy 2020."), finder(Rule("Jane Doe", "a name")))
    assert count == 0
    # Searched, then checked in the result: the same pixels, so one reading.
    assert len(pdf_redaction._ocr_cache) == 1

    pdf_redaction._ocr_cache.clear()
    source = text_pdf("Response Strategy. Contact Jane Doe.")
    redacted, count = redact_pdf(source, finder(Rule("Jane Doe", "a name")))
    assert count == 1
    # Searched; the text layer of the picture with the name blanked; the check of the picture with it blacked out.
    assert len(pdf_redaction._ocr_cache) == 3
    again, count = redact_pdf(source, finder(Rule("Jane Doe", "a name")))
    assert count == 1
    assert len(pdf_redaction._ocr_cache) == 3  # published again: nothing read anew
    assert "Jane" not in ocr_text(pypdfium_picture(again))
    assert "Jane" not in ocr_text(pypdfium_picture(redacted))


def test_the_readings_kept_are_bounded_the_oldest_going_first(monkeypatch):
    monkeypatch.setattr(pdf_redaction, "OCR_CACHE_SIZE", 2)
    pdf_redaction._ocr_cache.clear()
    first, second, third = (Image.new("RGB", (60, 30 + n), "white") for n in range(3))
    for picture in (first, second, first, third):  # the first read again: the second is now the oldest
        assert ocr_text(picture) == ""
    tesseract = shutil.which("tesseract")
    assert tesseract is not None
    kept = [pdf_redaction._ocr_key(p, tesseract, ("tsv",)) in pdf_redaction._ocr_cache for p in (first, second, third)]
    assert kept == [True, False, True]


def pypdfium_picture(data: bytes) -> Image.Image:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return pdf_redaction._render(document[0])[1]
    finally:
        document.close()
