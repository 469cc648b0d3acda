"""Letters made to hurt the learner: templates that make extraction backtrack, and uploads too big to read.

Extraction turns a template into one regular expression; with many fields side by side and a
letter that does not fit, a backtracking matcher tries every way of sharing the words between
the fields (4 fields and 50 words took 20 s; 8 fields would take years). Reading a letter
unzips Word files, walks PDF pages and runs the markup rules over the text: each has a cap,
past which the letter is refused with a message naming the file.
"""

from __future__ import annotations

import io
import signal
import time
import zipfile
from collections.abc import Iterator

import pikepdf
import pytest

from docket.letters import learning
from docket.letters.extracting import differences, extract
from docket.letters.inputs import CampaignData, OfficeData
from docket.letters.reading import ReadingError, SourceLetter, letter_text, parse_letter, read_letter, strip_markup

OFFICE = OfficeData("Office of the Commissioner", "A Person", "Commissioner", ("1 Road",))
HEAD = "1 January 2020\n\nJo Bloggs\nCommissioner\n\nDear Jo,\n\n"
TAIL = "\n\nYours sincerely,\n\nA Person\n"
SECONDS = 2.0  # what any one case may take; the old code took from 20 s to forever


@pytest.fixture(autouse=True)
def _stopped_after_five_seconds() -> Iterator[None]:
    """A case that runs away is stopped (SIGALRM interrupts the regular-expression engine)."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("still running after 5 seconds")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _letter(body: str) -> SourceLetter:
    return parse_letter("hostile.txt", HEAD + body + TAIL)


def _timed_extract(template: str, body: str) -> tuple[float, bool, dict[str, str]]:
    campaign = CampaignData("hostile", "Hostile", OFFICE, template)
    start = time.monotonic()
    values = extract(campaign, _letter(body))
    return time.monotonic() - start, values.matched, values.fields


def test_it_reads_adjacent_fields_against_a_letter_that_does_not_fit_quickly() -> None:
    template = " ".join(f"{{{{ fields.f{n} }}}}" for n in range(12)) + " and that is the end of it.\n"
    seconds, matched, _ = _timed_extract(template, "word " * 400)
    assert not matched
    assert seconds < SECONDS


def test_it_reads_many_optional_passages_against_a_letter_that_does_not_fit_quickly() -> None:
    passages = "".join(f"{{% if fields.p{n} %}}{{{{ fields.v{n} }}}} more{{% endif %}} " for n in range(20))
    template = passages + "and that is the end of the letter as written.\n"
    seconds, matched, _ = _timed_extract(template, "more " * 300 + "and that is not the end")
    assert not matched
    assert seconds < SECONDS


def test_it_reads_runs_of_words_loosely_against_a_letter_that_does_not_fit_quickly() -> None:
    runs = " ".join(f"one two three four five six seven eight {{{{ fields.f{n} }}}}" for n in range(10))
    template = runs + " nine ten eleven twelve thirteen fourteen fifteen.\n"
    body = "one two three " * 200 + "six seven eight"
    seconds, matched, _ = _timed_extract(template, body)
    assert not matched
    assert seconds < SECONDS


def test_it_still_reads_the_values_of_a_letter_that_fits() -> None:
    template = (
        "We write about {{ fields.topic }} in your area.{% if fields.annual %} Your annual report "
        "was read.{% endif %} Please send {{ fields.what }} by {{ fields.when }}.\n"
    )
    body = "We write about knife crime and youth work in your area. Please send the plan by May."
    seconds, matched, fields = _timed_extract(template, body)
    assert matched
    assert fields == {"topic": "knife crime and youth work", "annual": "no", "what": "the plan", "when": "May"}
    assert seconds < SECONDS


def test_it_refuses_a_file_too_large_naming_it() -> None:
    with pytest.raises(ReadingError, match=r"huge\.txt.*MB"):
        letter_text("huge.txt", b"word " * (5 * 1024 * 1024))


def test_it_refuses_a_word_document_that_unzips_to_too_much() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package, package.open("word/document.xml", "w") as part:
        part.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">')
        for _ in range(300):
            part.write(b" " * (1024 * 1024))
        part.write(b"</w:document>")
    assert len(buffer.getvalue()) < 1024 * 1024  # small to send, 300 MB to read
    with pytest.raises(ReadingError, match=r"bomb\.docx.*unzip"):
        letter_text("bomb.docx", buffer.getvalue())


def test_it_refuses_a_pdf_of_too_many_pages() -> None:
    pdf = pikepdf.new()
    for _ in range(2000):
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    with pytest.raises(ReadingError, match=r"pages\.pdf.*pages"):
        letter_text("pages.pdf", out.getvalue())


def test_it_refuses_a_scan_of_too_many_pages_before_reading_any() -> None:
    pdf = pikepdf.new()
    for _ in range(11):  # no text layer: a scan, read by OCR up to 10 pages
        pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    start = time.monotonic()
    with pytest.raises(ReadingError, match=r"scan\.pdf: a scan of 11 pages, more than the 10"):
        letter_text("scan.pdf", out.getvalue())
    assert time.monotonic() - start < SECONDS


def test_a_scan_with_no_words_is_a_plain_error() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    with pytest.raises(ReadingError, match=r"blank\.pdf: the PDF has no text layer and OCR found no words"):
        letter_text("blank.pdf", out.getvalue())


def test_it_refuses_a_letter_of_too_many_words() -> None:
    with pytest.raises(ReadingError, match=r"long\.txt.*words"):
        read_letter("long.txt", (HEAD + "word " * 60_000 + TAIL).encode())


@pytest.mark.parametrize("debris", ["<sup>1 ", "[a](", "[", "\\[", "a(b"])
def test_it_strips_unclosed_markup_quickly(debris: str) -> None:
    start = time.monotonic()
    strip_markup(debris * (200_000 // len(debris)))
    assert time.monotonic() - start < SECONDS / 2


def test_it_refuses_too_many_letters() -> None:
    letter = _letter("A short letter.")
    cap = getattr(learning, "MAX_LETTERS", 1000)
    with pytest.raises(ReadingError, match=f"{cap:,}"):
        learning.learn([letter] * (cap + 1))


def test_it_still_reads_each_seed_back_against_the_campaign_learnt_from_them() -> None:
    """Bounding the matcher must not lose a reading: a lone "I" after a field is the word, not
    the capital I of "DIVERT" inside the field's value (an early version of the bound lost it)."""
    from tests.letters.test_learning import SEEDS

    texts = [(path.name, letter_text(path.name, path.read_bytes())) for path in SEEDS]
    learned = learning.learn([parse_letter(name, text) for name, text in texts])
    campaign = learned.campaign_data("seeds", "Seeds")
    for name, text in texts:
        values = extract(campaign, parse_letter(name, text), learned.items, learned.body_kind)
        assert values.matched, name
        assert differences(campaign, values, text) == (), name
