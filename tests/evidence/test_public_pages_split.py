"""A published document's redacted text, cut back into its pages."""

from __future__ import annotations

from docket.evidence.public_index import split_redacted
from docket.publishing.redaction import Span, redact


def span(text: str, words: str, replacement: str = "[x]") -> Span:
    start = text.index(words)
    return Span(start, start + len(words), words, replacement, "test")


def test_each_page_keeps_its_redacted_text():
    pages = ["Call Jane Doe today.", "Nothing here.", "Ring 07700 900123 or Jane Doe."]
    text = "\n\n".join(pages)
    starts = [len(pages[0]) + 2, len(pages[0]) + len(pages[1]) + 4]
    spans = [
        span(text, "Jane Doe"),
        span(text, "07700 900123", "[phone number redacted]"),
        Span(text.rindex("Jane Doe"), text.rindex("Jane Doe") + 8, "Jane Doe", "[x]", "test"),
    ]
    redacted = redact(text, spans)
    split = split_redacted(text, starts, spans, redacted)
    assert [page for page, _ in split] == [1, 2, 3]
    assert [words.strip() for _, words in split] == [
        "Call [x] today.",
        "Nothing here.",
        "Ring [phone number redacted] or [x].",
    ]


def test_a_span_across_a_page_break_ends_its_page():
    text = "end of page one Jane\n\nDoe starts page two"
    starts = [text.index("Doe")]
    spans = [Span(text.index("Jane"), text.index("Doe") + 3, "Jane\n\nDoe", "[x]", "test")]
    redacted = redact(text, spans)
    split = split_redacted(text, starts, spans, redacted)
    assert split == [(1, "end of page one [x]"), (2, " starts page two")]
    assert "Jane" not in "".join(words for _, words in split)


def test_text_redacted_otherwise_is_one_page():
    assert split_redacted("a b", [2], [], "something else") == [(1, "something else")]
