"""Reducing a letter, ours or a seed, to its words, so that only wording can differ.

The seeds are conversions of published letters in Markdown, HTML or plain text
with Unicode superscripts; ours is Docket's plain text. Both become a list of
body words and a dict of footnote words by number: markup removed, every
footnote marker (¹, <sup>1</sup>, [1], [^1]) written ^1, links reduced to their
text, web addresses in angle brackets dropped, a bracket that a conversion left
glued between two words with no partner on its line ("Act(2015") read as the
space it stands for, whitespace collapsed. Footnote
lines are taken out wherever they stand, since a page break can put them in
the middle of a paragraph.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


@dataclass
class Words:
    body: list[str]
    footnotes: dict[int, list[str]]


def _sup(match: re.Match[str]) -> str:
    inner = re.sub(r"<[^>]+>", "", match[1]).strip()  # <sup><a href="#fn1">1</a></sup>
    # A superscript holding no number is conversion debris (e.g. <sup>&</sup>).
    return f"^{inner}" if inner.isdigit() else ""


def strip_markup(text: str) -> str:
    # An entity split by a tag (<sup>&</sup>lt;) is conversion debris: join it, then decode entities.
    text = html.unescape(re.sub(r"<(\w+)>&</\1>", "&", text))
    text = re.sub(r"<sup>(.*?)</sup>", _sup, text, flags=re.S)
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "^" + m[0].translate(SUPERSCRIPT_DIGITS), text)
    text = re.sub(r"\[\^(\d+)\]:?", r"^\1", text)  # Markdown footnotes
    text = re.sub(r"\[(\d+)\]", r"^\1", text)  # plain-text footnote markers
    text = re.sub(r"<(?:https?|mailto):[^>\s]*>", "", text)  # autolinks: the address itself
    text = re.sub(r"\[((?:[^\]\\]|\\.)*)\]\((?:<[^>]*>|[^)\s]*)\)", r"\1", text)  # [text](url)
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags
    text = re.sub(r"^\s*#+\s+", "", text, flags=re.M)  # headings
    text = re.sub(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", "", text, flags=re.M)  # rules
    text = re.sub(r"\*\*|__", "", text)  # bold
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)  # backslash escapes


def _unpaired_brackets_as_spaces(line: str) -> str:
    """ "Modern Slavery Act(2015 Section 45" → "Act 2015": a bracket with no partner on its line,
    between two letters or digits, is conversion debris standing for a space. "(NRM)" is kept."""
    opened: list[int] = []
    stray: list[int] = []
    for at, char in enumerate(line):
        if char == "(":
            opened.append(at)
        elif char == ")" and opened:
            opened.pop()
        elif char == ")":
            stray.append(at)
    chars = list(line)
    for at in opened + stray:
        if 0 < at < len(line) - 1 and line[at - 1].isalnum() and line[at + 1].isalnum():
            chars[at] = " "
    return "".join(chars)


def words(text: str) -> Words:
    body: list[str] = []
    footnotes: dict[int, list[str]] = {}
    for line in map(_unpaired_brackets_as_spaces, strip_markup(text).splitlines()):
        note = re.match(r"\s*\^(\d+)\s+(.*)", line)
        if note:
            footnotes[int(note[1])] = note[2].split()
        else:
            body += line.split()
    return Words(body, footnotes)
