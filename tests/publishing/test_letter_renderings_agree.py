"""One decision of what is redacted in a letter, the same in its PDF, its HTML and the counts shown.

A full stop after an address at the end of a line ends the sentence: the next line's first word is
not read as more of the address ("office@example.gov.uk.Yours"), so the office's own published
address is not redacted in the PDF when the text keeps it, and a personal address redacted there
is covered by a bar that does not reach the next line.
"""

from __future__ import annotations

import pypdfium2
import pytest
from PIL import Image

from docket.publishing import actions
from docket.publishing.html_redaction import text_of
from docket.publishing.models import RedactionRule
from docket.publishing.pdf_redaction import SCALE, redact_pdf
from docket.publishing.redaction import AllowList, allow_list, find, layout_text
from docket.publishing.rules import spans_in
from docket.requests import actions as request_actions
from docket.requests.actions import Actor
from docket.requests.models import FrozenLetter
from tests.samples import compile_typst
from tests.web.conftest import sent

ACTOR = Actor("test")
OFFICE = "April.McCoig@iasc.independent.gov.uk"
PERSON = "marlowe.quint@gmail.example"
SOURCE = """#set text(font: "Liberation Sans", size: 11pt)
#set page(width: 16cm, height: 8cm, margin: 1cm)
If you have any questions, please contact April McCoig at {address}.

Yours sincerely,
"""


def letter_pdf(address: str) -> bytes:
    return compile_typst(SOURCE.format(address=address.replace("@", "\\@")))


def finder_allowing(allowed: AllowList):
    def finder(text: str) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in find(text, [], allowed)]

    return finder


def test_a_full_stop_after_a_whole_address_at_a_line_end_ends_the_sentence():
    text, _ = layout_text(list(f"contact us at {OFFICE}.\r\nYours sincerely"))
    assert text == f"contact us at {OFFICE}. Yours sincerely"
    text, _ = layout_text(list("write to marlowe.quint@hampshire.\r\npcc.example today"))
    assert text == "write to marlowe.quint@hampshire.pcc.example today"  # part of an address: still joined


def test_the_office_s_own_address_at_a_line_end_is_not_redacted_in_the_pdf():
    allowed = allow_list([OFFICE], [])
    assert find(f"contact April McCoig at {OFFICE}.\n\nYours sincerely,", [], allowed) == []
    original = letter_pdf(OFFICE)
    _, count = redact_pdf(original, finder_allowing(allowed))
    assert count == 0


def render(pdf: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    image: Image.Image = document[0].render(scale=SCALE).to_pil().convert("L")
    document.close()
    return image


def tight_box(pdf: bytes, word: str) -> tuple[int, int, int, int]:
    """The word's glyphs' box on the page, in pixels, from pdfium's text boxes."""
    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    textpage = page.get_textpage()
    whole = textpage.get_text_range()
    start = whole.index(word)
    corners = [textpage.get_charbox(n) for n in range(start, start + len(word))]
    height = page.get_height()
    document.close()
    left, right = min(c[0] for c in corners), max(c[2] for c in corners)
    bottom, top = min(c[1] for c in corners), max(c[3] for c in corners)
    return int(left * SCALE), int((height - top) * SCALE), int(right * SCALE) + 1, int((height - bottom) * SCALE) + 1


def dark_share(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    region = image.crop(box)
    histogram = region.histogram()
    return sum(histogram[:60]) / (region.width * region.height)


def test_a_bar_over_an_address_at_a_line_end_leaves_the_next_line_alone():
    original = letter_pdf(PERSON)
    redacted, count = redact_pdf(original, finder_allowing(AllowList()))
    assert count == 1
    before, after = render(original), render(redacted)
    address, yours = tight_box(original, PERSON), tight_box(original, "Yours")
    assert dark_share(after, address) > 0.9  # the address is under its bar
    # The next line's word keeps its paper: no more dark than its own ink was.
    assert dark_share(after, yours) <= dark_share(before, yours) + 0.05
    document = pypdfium2.PdfDocument(redacted)
    kept = document[0].get_textpage().get_text_range()
    document.close()
    assert "Yours sincerely" in kept
    assert "marlowe" not in kept.lower()


@pytest.mark.django_db
def test_the_letter_s_pdf_html_and_count_redact_the_same_things(example):
    """The example letter ends a paragraph with the office's address; a rule removes a name."""
    example.template_source += "\n\nIf you have any questions, please contact {{ office.coordinator_email }}.\n"
    example.save(update_fields=["template_source"])
    request = sent(request_actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    RedactionRule.objects.create(pattern="Michael Lane", reason="a name")
    text = FrozenLetter.objects.get(request=request).text
    shown = len(spans_in(text, request))  # what the publish page and the request page say
    assert shown >= 1
    published = actions.publish(actions.approve(actions.letter_publication(request), ACTOR), ACTOR)

    assert published.redactions == shown
    html = text_of(published.redacted_html)
    document = pypdfium2.PdfDocument(published.redacted_pdf.read())
    pdf_text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    squashed_pdf = "".join(pdf_text.split()).lower()
    for rendering in (html.lower(), squashed_pdf, published.redacted_text.lower()):
        assert "michaellane" not in "".join(rendering.split())
        assert OFFICE.lower() in rendering  # the office's own address, published on purpose, in every one
    assert html.count("[redacted]") == published.redacted_text.count("[redacted]") == shown
