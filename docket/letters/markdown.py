"""CommonMark (markdown-it-py) to the letter's blocks and runs."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from docket.letters.model import Block, Heading, ListBlock, Paragraph, Run
from docket.letters.templating import NOTE_MARKER

# Raw HTML is off: "<script>" in a template or in data stays text.
PARSER = MarkdownIt("commonmark", {"html": False})


def to_blocks(markdown: str) -> tuple[Block, ...]:
    tokens = PARSER.parse(markdown)
    blocks: list[Block] = []
    seen_notes: set[int] = set()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            blocks.append(Heading(int(token.tag[1]), _runs(tokens[index + 1], seen_notes)))
            index += 3
        elif token.type in {"bullet_list_open", "ordered_list_open"}:
            end = _closing(tokens, index)
            items = tuple(_runs(t, seen_notes) for t in tokens[index:end] if t.type == "inline")
            blocks.append(ListBlock(token.type == "ordered_list_open", items))
            index = end + 1
        elif token.type == "inline":
            blocks.append(Paragraph(_runs(token, seen_notes)))
            index += 1
        else:
            index += 1  # paragraph_open/close, blockquote and rule markers carry no text
    return tuple(blocks)


def _closing(tokens: Sequence[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _runs(inline: Token, seen_notes: set[int]) -> tuple[Run, ...]:
    runs: list[Run] = []
    bold = italic = 0
    href: str | None = None
    for child in inline.children or []:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            href = None
        elif kind in {"text", "code_inline", "html_inline"}:
            runs += _split_notes(child.content, bool(bold), bool(italic), href, seen_notes)
        elif kind == "softbreak":
            runs.append(Run(" ", bool(bold), bool(italic), href))
        elif kind == "hardbreak":
            runs.append(Run(line_break=True))
    return _merge(runs)


def _split_notes(text: str, bold: bool, italic: bool, href: str | None, seen: set[int]) -> list[Run]:
    runs = []
    position = 0
    for match in NOTE_MARKER.finditer(text):
        if match.start() > position:
            runs.append(Run(text[position : match.start()], bold, italic, href))
        number = int(match[1])
        runs.append(Run(note=number, first_reference=number not in seen))
        seen.add(number)
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:], bold, italic, href))
    return runs


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    """Join neighbouring runs of the same style, which markdown-it splits at escapes."""
    merged: list[Run] = []
    for run in runs:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and run.note is None
            and previous.note is None
            and not (run.line_break or previous.line_break)
            and (run.bold, run.italic, run.href) == (previous.bold, previous.italic, previous.href)
        ):
            merged[-1] = Run(previous.text + run.text, run.bold, run.italic, run.href)
        else:
            merged.append(run)
    return tuple(merged)
