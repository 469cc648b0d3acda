"""Redaction bars hide a word's shape too: each bar is one even block, the line's full height and a margin more.

The page is rendered before and after; every pixel the removed words inked (their ascenders and
descenders included), and a margin round them, must be under a bar, and every pixel under a bar
the same dark colour, so no outline of a word, nor the height of its letters, can be read off it.
"""

from __future__ import annotations

import pypdfium2
import pytest
from PIL import Image

from docket.publishing import pdf_redaction
from docket.publishing.pdf_redaction import SCALE, redact_pdf
from docket.publishing.redaction import AllowList, Rule, find
from tests.samples import compile_typst

SOURCE = """#set text(font: "Liberation Sans", size: 11pt)
#set page(width: 16cm, height: 8cm, margin: 1cm)
Our lead is Haggerty Quayjpl, who writes jointly with the team.

#text(size: 18pt)[The officer: Jolly Gypsum, since 2019.]

A line of other words that stay.
"""
SECRETS = ["Haggerty Quayjpl", "Jolly Gypsum"]
MARGIN = 2  # pixels beyond the ink that must be covered too
INK = 160  # darker than this (0-255) in any channel is ink
DARK = 40  # a bar's pixels are at most this light, and differ from one another by at most this


def finder(text: str) -> list[tuple[int, int]]:
    rules = [Rule(secret, "a name") for secret in SECRETS]
    return [(s.start, s.end) for s in find(text, rules, AllowList())]


def render(pdf: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    image: Image.Image = document[0].render(scale=SCALE).to_pil().convert("L")
    document.close()
    return image


def word_boxes(pdf: bytes) -> list[tuple[int, int, int, int]]:
    """Each secret's tight box on the original page, in pixels (from the text layer's glyph boxes)."""
    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage()
    whole = text.get_text_range()
    height = page.get_height()
    boxes = []
    for secret in SECRETS:
        start = whole.index(secret)
        corners = [text.get_charbox(n) for n in range(start, start + len(secret)) if not whole[n].isspace()]
        left, bottom = min(c[0] for c in corners), min(c[1] for c in corners)
        right, top = max(c[2] for c in corners), max(c[3] for c in corners)
        boxes.append(
            (int(left * SCALE), int((height - top) * SCALE), int(right * SCALE) + 1, int((height - bottom) * SCALE) + 1)
        )
    document.close()
    return boxes


def ink_box(image: Image.Image, around: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The box of what is actually inked near ``around`` (glyph outlines reach past the font's boxes)."""
    left, top, right, bottom = around
    pad = 10
    region = image.crop((left - pad, top - pad, right + pad, bottom + pad))
    mask = region.point(lambda value: 255 if value < INK else 0)
    found = mask.getbbox()
    assert found is not None
    return (found[0] + left - pad, found[1] + top - pad, found[2] + left - pad, found[3] + top - pad)


@pytest.fixture(scope="module")
def pages() -> tuple[bytes, Image.Image, Image.Image]:
    original = compile_typst(SOURCE)
    redacted, count = redact_pdf(original, finder)
    assert count >= len(SECRETS)
    return original, render(original), render(redacted)


def test_every_inked_pixel_of_a_removed_word_and_a_margin_is_under_one_even_bar(pages):
    original, before, after = pages
    for secret, box in zip(SECRETS, word_boxes(original), strict=True):
        left, top, right, bottom = ink_box(before, box)
        covered = after.crop((left - MARGIN, top - MARGIN, right + MARGIN, bottom + MARGIN))
        darkest, lightest = covered.getextrema()
        assert lightest <= DARK, f"{secret}: a pixel under its bar is light ({lightest}): the bar does not cover it"
        assert lightest - darkest <= DARK, f"{secret}: the bar is uneven ({darkest} to {lightest}): an outline shows"


def test_a_bar_is_as_tall_as_the_line_not_each_letter(pages):
    """Over the word's whole width, the bar reaches from the ascenders' top to the descenders' bottom:
    short letters (a, e, u) get the same height as tall (H, Q, l) and descending (g, y, p, j) ones."""
    original, before, after = pages
    for secret, box in zip(SECRETS, word_boxes(original), strict=True):
        left, top, right, bottom = ink_box(before, box)
        for x in range(left, right):
            column = after.crop((x, top - MARGIN, x + 1, bottom + MARGIN))
            assert column.getextrema()[1] <= DARK, f"{secret}: the bar is lower than the line at x={x}"


def bar_edges(after: Image.Image, ink: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """For each column of the word, the top and bottom of the dark run through the middle of its line."""
    left, top, right, bottom = ink
    middle = (top + bottom) // 2

    def pixel(x: int, y: int) -> int:
        value = after.getpixel((x, y))
        assert isinstance(value, int)  # a grey picture: one value a pixel
        return value

    edges = []
    for x in range(left + 4, right - 4):  # the bar's own ends aside (the picture's compression softens them)
        up = middle
        while up > 0 and pixel(x, up - 1) <= DARK:
            up -= 1
        down = middle
        while down < after.height - 1 and pixel(x, down + 1) <= DARK:
            down += 1
        edges.append((up, down))
    return edges


def test_a_bar_is_one_rectangle_with_no_bumps(pages):
    """A bar whose top or bottom steps up and down over some letters draws their outline."""
    original, before, after = pages
    for secret, box in zip(SECRETS, word_boxes(original), strict=True):
        edges = bar_edges(after, ink_box(before, box))
        tops, bottoms = {up for up, _ in edges}, {down for _, down in edges}
        assert len(tops) == 1, f"{secret}: the bar's top edge steps between rows {sorted(tops)}"
        assert len(bottoms) == 1, f"{secret}: the bar's bottom edge steps between {sorted(bottoms)}"


def test_the_words_that_stay_are_not_covered(pages):
    _, _, after = pages
    document = pypdfium2.PdfDocument(compile_typst(SOURCE))
    text = document[0].get_textpage()
    whole = text.get_text_range()
    start = whole.index("other words")
    left, bottom, right, top = text.get_charbox(start)
    height = document[0].get_height()
    document.close()
    spot = after.crop(
        (int(left * SCALE), int((height - top) * SCALE), int(right * SCALE), int((height - bottom) * SCALE))
    )
    assert spot.getextrema()[1] > 200  # white paper shows round the letter: no bar there


def test_the_test_sees_bars_that_follow_each_glyph(monkeypatch):
    """With bars cut to each glyph's own ink (as before), the checks above fail: they can tell."""

    def tight(textpage, index, to_device):
        left, bottom, right, top = textpage.get_charbox(index, loose=False)
        corners = [to_device.to_bitmap(x, y) for x in (left, right) for y in (bottom, top)]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        return (min(xs), min(ys), max(xs), max(ys))

    monkeypatch.setattr(pdf_redaction, "_char_box", tight)
    monkeypatch.setattr(pdf_redaction, "MARGIN", 0)
    monkeypatch.setattr(pdf_redaction, "_widened", lambda box: box)
    monkeypatch.setattr(pdf_redaction, "_line_bars", lambda boxes: boxes, raising=False)
    monkeypatch.setattr(pdf_redaction, "_ocr_hits", lambda image, find: pdf_redaction.PageHits())
    original = compile_typst(SOURCE)
    redacted, _ = redact_pdf(original, finder)
    with pytest.raises(AssertionError):
        test_a_bar_is_as_tall_as_the_line_not_each_letter((original, render(original), render(redacted)))
