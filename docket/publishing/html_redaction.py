"""Redacting HTML that Docket wrote (a letter with its footnotes), keeping its structure.

The text of the page is read as one string (as a reader reads it across tags, so a name split
by ``<em>`` is still found); each span found is replaced in the text nodes it covers, the first
taking the replacement and the others losing their part. An attribute whose value a rule matches
(a ``mailto:`` link, a title) is dropped. The result is read again with the same rules and refused
(``RedactionFailed``) if anything to redact remains, as the PDF's redaction is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from docket.publishing.pdf_redaction import RedactionFailed
from docket.publishing.redaction import Span

SpansIn = Callable[[str], list[Span]]
VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr"})


@dataclass
class _Text:
    text: str


@dataclass
class _Tag:
    markup: str


class _Reader(HTMLParser):
    def __init__(self, spans_in: SpansIn) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[_Text | _Tag] = []
        self.spans_in = spans_in
        self.dropped = 0

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> str:
        kept = []
        for name, value in attrs:
            if value is not None and self.spans_in(value):
                self.dropped += 1
                continue
            kept.append(f' {name}="{escape(value or "")}"' if value is not None else f" {name}")
        return "".join(kept)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(_Tag(f"<{tag}{self._attributes(attrs)}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.parts.append(_Tag(f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.parts.append(_Text(data))


def text_of(html: str) -> str:
    """The text a reader of the HTML reads (entities decoded, tags gone)."""
    reader = _Reader(lambda _: [])
    reader.feed(html)
    reader.close()
    return "".join(part.text for part in reader.parts if isinstance(part, _Text))


def redact_html(html: str, spans_in: SpansIn) -> tuple[str, int]:
    """The HTML with every span ``spans_in`` finds in its text (or attributes) removed; (html, redactions)."""
    reader = _Reader(spans_in)
    reader.feed(html)
    reader.close()
    texts = [part for part in reader.parts if isinstance(part, _Text)]
    whole = "".join(part.text for part in texts)
    spans = spans_in(whole)
    # Each text node's start in the whole; a span replaced node by node.
    starts, position = [], 0
    for part in texts:
        starts.append(position)
        position += len(part.text)
    new_texts = [list(part.text) for part in texts]
    for span in spans:
        placed = False
        for index, part in enumerate(texts):
            start, end = starts[index], starts[index] + len(part.text)
            if end <= span.start or start >= span.end:
                continue
            for offset in range(max(span.start, start) - start, min(span.end, end) - start):
                new_texts[index][offset] = ""
            if not placed:
                new_texts[index][max(span.start, start) - start] = span.replacement
                placed = True
    by_part = {id(part): "".join(chars) for part, chars in zip(texts, new_texts, strict=True)}
    out = "".join(
        part.markup if isinstance(part, _Tag) else escape(by_part[id(part)], quote=False) for part in reader.parts
    )
    if _left_over(text_of(out), spans_in, {span.replacement for span in spans}):
        raise RedactionFailed(
            "Something to be redacted could still be read in the letter's HTML, so it was not published."
        )
    return out, len(spans) + reader.dropped


def _left_over(text: str, spans_in: Callable[[str], list[Span]], replacements: set[str]) -> list[Span]:
    """What the rules still find in the redacted text, besides Docket's own replacements: a rule for "email" is
    not a leftover in "[email address redacted]", which redaction itself put there."""
    placed = [(hit.start(), hit.end()) for made in replacements for hit in re.finditer(re.escape(made), text)]
    return [span for span in spans_in(text) if not any(a <= span.start and span.end <= b for a, b in placed)]
