"""Plain text and Markdown versions of a letter.

Plain text marks footnotes as [1] and lists them at the end with their web
addresses in angle brackets; Markdown uses footnote syntax ([^1]).
"""

from __future__ import annotations

import string

from docket.letters.model import Block, Heading, Letter, ListBlock, Run

MARKDOWN_SPECIAL = frozenset(string.punctuation)


def _plain_runs(runs: tuple[Run, ...]) -> str:
    parts = []
    for run in runs:
        if run.note is not None:
            parts.append(f"[{run.note}]")
        elif run.line_break:
            parts.append("\n")
        else:
            parts.append(run.text)
    return "".join(parts)


def _plain_block(block: Block) -> str:
    if isinstance(block, ListBlock):
        return "\n".join(
            f"{f'{n}.' if block.ordered else '-'} {_plain_runs(item)}" for n, item in enumerate(block.items, 1)
        )
    return _plain_runs(block.runs)


def _sections(letter: Letter) -> list[str]:
    head = letter.letterhead
    return [
        "\n".join([head.name, head.office, *head.address, *head.contact_lines]),
        letter.date_text,
        "\n".join(letter.recipient_address),
        letter.salutation,
    ]


def to_text(letter: Letter) -> bytes:
    sections = _sections(letter)
    sections += [_plain_block(block) for block in letter.blocks]
    sections += [letter.closing, "\n".join(letter.signature.lines)]
    if letter.footnotes:
        sections.append("\n".join(_plain_footnote(note.number, note.runs) for note in letter.footnotes))
    return ("\n\n".join(section for section in sections if section) + "\n").encode()


def _plain_footnote(number: int, runs: tuple[Run, ...]) -> str:
    urls = [run.href for run in runs if run.href]
    suffix = "".join(f" <{url}>" for url in urls)
    return f"[{number}] {_plain_runs(runs)}{suffix}"


def escape(text: str) -> str:
    return "".join(f"\\{char}" if char in MARKDOWN_SPECIAL else char for char in text)


def _markdown_runs(runs: tuple[Run, ...]) -> str:
    parts = []
    for run in runs:
        if run.note is not None:
            parts.append(f"[^{run.note}]")
            continue
        if run.line_break:
            parts.append("\\\n")
            continue
        text = escape(run.text)
        if run.bold and text.strip():
            text = f"**{text}**"
        if run.italic and text.strip():
            text = f"*{text}*"
        if run.href:
            text = f"[{text}](<{run.href}>)"
        parts.append(text)
    return "".join(parts)


def _markdown_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {_markdown_runs(block.runs)}"
    if isinstance(block, ListBlock):
        return "\n".join(
            f"{f'{n}.' if block.ordered else '-'} {_markdown_runs(item)}" for n, item in enumerate(block.items, 1)
        )
    return _markdown_runs(block.runs)


def _lines(lines: tuple[str, ...] | list[str]) -> str:
    return "  \n".join(escape(line) for line in lines)


def to_markdown(letter: Letter) -> bytes:
    head = letter.letterhead
    sections = [
        f"**{escape(head.name)}**  \n" + _lines([head.office, *head.address, *head.contact_lines]),
        escape(letter.date_text),
        _lines(letter.recipient_address),
        escape(letter.salutation),
        *(_markdown_block(block) for block in letter.blocks),
        escape(letter.closing),
        _lines(letter.signature.lines),
        *(f"[^{note.number}]: {_markdown_runs(note.runs)}" for note in letter.footnotes),
    ]
    return ("\n\n".join(section for section in sections if section) + "\n").encode()


def to_email_text(letter: Letter) -> str:
    """The letter as an email body: from the salutation on, footnotes at the end."""
    sections = [letter.salutation, *(_plain_block(block) for block in letter.blocks)]
    sections += [letter.closing, "\n".join(letter.signature.lines)]
    if letter.footnotes:
        sections.append("\n".join(_plain_footnote(note.number, note.runs) for note in letter.footnotes))
    return "\n\n".join(section for section in sections if section) + "\n"
