"""The letter as semantic, accessible HTML, written from the document model.

``to_html_fragment`` is the letter alone (for a preview inside a page);
``to_html`` wraps it in a standalone document with print-friendly styles.
Footnotes are an ordered list with links back to where they are cited.
"""

from __future__ import annotations

from html import escape

from docket.letters.model import Block, Heading, Letter, ListBlock, Run

STYLE = """
body { font-family: "Liberation Sans", Arial, sans-serif; font-size: 1.1875rem; line-height: 1.5;
       color: #0b0c0c; background: #fff; margin: 0; }
.letter { max-width: 40em; margin: 2rem auto; padding: 0 1rem; }
.letter__letterhead { text-align: right; margin-bottom: 2rem; }
.letter__letterhead p, .letter address { margin: 0; font-style: normal; }
.letter__signatory-name { font-weight: 700; }
.letter__date { text-align: right; }
.letter__recipient { margin: 1.5rem 0; }
.letter__signature { font-weight: 700; }
.letter a { color: #1d70b8; }
.letter a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
.letter__footnotes { border-top: 1px solid #b1b4b6; margin-top: 2rem; font-size: 1rem; }
.letter__footnotes h2 { font-size: 1rem; }
""".strip()


class _Writer:
    """Writes one letter's HTML; counts citations so that every anchor id is unique."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.citations: dict[int, int] = {}

    def runs(self, runs: tuple[Run, ...]) -> str:
        return "".join(self.run(run) for run in runs)

    def run(self, run: Run) -> str:
        if run.note is not None:
            return self.note_reference(run.note)
        if run.line_break:
            return "<br>"
        text = escape(run.text)
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        if run.href:
            text = f'<a href="{escape(run.href)}">{text}</a>'
        return text

    def note_reference(self, note: int) -> str:
        count = self.citations[note] = self.citations.get(note, 0) + 1
        anchor = f"{self.prefix}fnref{note}" + ("" if count == 1 else f"-{count}")
        return f'<sup><a id="{anchor}" href="#{self.prefix}fn{note}" aria-label="Footnote {note}">{note}</a></sup>'

    def block(self, block: Block) -> str:
        if isinstance(block, Heading):
            level = min(block.level + 1, 6)  # the page's own h1 is the letter's title
            return f"<h{level}>{self.runs(block.runs)}</h{level}>"
        if isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{self.runs(item)}</li>" for item in block.items)
            return f"<{tag}>{items}</{tag}>"
        return f"<p>{self.runs(block.runs)}</p>"


def _lines(lines: tuple[str, ...] | list[str]) -> str:
    return "<br>\n".join(escape(line) for line in lines)


def to_html_fragment(letter: Letter, prefix: str = "") -> str:
    """The letter as an ``<article>``; ``prefix`` keeps ids unique when several share a page."""
    writer = _Writer(prefix)
    head = letter.letterhead
    date = escape(letter.date_text)
    if letter.date:
        date = f'<time datetime="{letter.date.isoformat()}">{date}</time>'
    parts = [
        '<article class="letter" lang="en-GB">',
        '<header class="letter__letterhead">',
        f'<p class="letter__signatory-name">{escape(head.name)}</p>',
        f"<address>{_lines([head.office, *head.address, *head.contact_lines])}</address>",
        "</header>",
        f'<p class="letter__date">{date}</p>',
        f'<address class="letter__recipient">{_lines(letter.recipient_address)}</address>',
        f"<p>{escape(letter.salutation)}</p>",
        *(writer.block(block) for block in letter.blocks),
        f"<p>{escape(letter.closing)}</p>",
        f'<p class="letter__signature">{_lines(letter.signature.lines)}</p>',
    ]
    if letter.footnotes:
        heading_id = f"{prefix}footnotes-heading"
        notes = "".join(
            f'<li id="{prefix}fn{note.number}">{writer.runs(note.runs)} '
            f'<a href="#{prefix}fnref{note.number}" aria-label="Back to the text of footnote {note.number}">'
            "&#8617;</a></li>"
            for note in letter.footnotes
        )
        parts += [
            f'<footer class="letter__footnotes" aria-labelledby="{heading_id}">',
            f'<h2 id="{heading_id}">Footnotes</h2>',
            f"<ol>{notes}</ol>",
            "</footer>",
        ]
    parts.append("</article>")
    return "\n".join(parts)


def to_html(letter: Letter) -> bytes:
    document = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(letter.title)}</title>
<style>
{STYLE}
</style>
</head>
<body>
<main>
<h1 class="visually-hidden" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">\
{escape(letter.title)}</h1>
{to_html_fragment(letter)}
</main>
</body>
</html>
"""
    return document.encode()


def to_email_html(letter: Letter) -> str:
    """The letter as an HTML email body: from the salutation on, footnotes at the end."""
    writer = _Writer("")
    parts = [f"<p>{escape(letter.salutation)}</p>", *(writer.block(block) for block in letter.blocks)]
    parts += [f"<p>{escape(letter.closing)}</p>", f"<p><strong>{_lines(letter.signature.lines)}</strong></p>"]
    if letter.footnotes:
        notes = "".join(f'<li id="fn{n.number}">{writer.runs(n.runs)}</li>' for n in letter.footnotes)
        parts.append(f"<ol>{notes}</ol>")
    body = "\n".join(parts)
    title = escape(letter.title)
    head = f'<head><meta charset="utf-8"><title>{title}</title></head>'
    return f'<!DOCTYPE html><html lang="en-GB">{head}<body>{body}</body></html>'
