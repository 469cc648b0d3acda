"""Finding what must not be published, in text, and removing it.

Built-in rules find email addresses and UK phone numbers of individuals; an
allow-list keeps the generic ones an office publishes on purpose (its own
addresses, info@, enquiries@…). Rules of the office's own add literal text or
regular expressions, scoped to everything, a campaign, a body or a request.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # the parser ``re`` itself uses, to read a rule's pattern exactly
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# Letters and digits of any script in both parts (an internationalised address, "jane@sécret.example"),
# with combining accents, which the normalised reading does not compose; the top-level domain is letters.
EMAIL = re.compile(r"[\w\u0300-\u036f.%+'-]+@[\w\u0300-\u036f.-]+\.[^\W\d_]{2,}")
# UK numbers: +44 or 0, then 8-12 more digits; spaces (line breaks too), dots or dashes between.
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s.-]{0,3}\d){6,8}(?!\d)")
GENERIC_MAILBOXES = frozenset(
    {"info", "enquiries", "enquiry", "office", "contact", "admin", "foi", "press", "media", "pcc", "opcc", "mail"}
)

# Characters that carry nothing visible to match: soft hyphen, pdfium's marker of a hyphen it
# took for hyphenation, zero-width spaces and joiners, byte order marks, control characters.
# Any other format character (Unicode category Cf: direction marks, word joiners…) is invisible too.
INVISIBLE = frozenset("\u00ad\ufffe\ufeff\u200b\u200c\u200d\u2060\x00\x02\x03")
HYPHENS = frozenset("-\u2010\u2011")
LINE_BREAKS = frozenset("\r\n\u2028\u2029\x0b\x0c")
JOINS_AN_ADDRESS = frozenset("@.")
# An address that ends just before a full stop at the end of a line: the stop ends its sentence.
ADDRESS_AT_END = re.compile(f"(?:{EMAIL.pattern})$")


def invisible(char: str) -> bool:
    return char in INVISIBLE or unicodedata.category(char) == "Cf"


# ---- normalised text with a map back ------------------------------------------------------------------------


def layout_text(chars: Sequence[str], hyphens: str = "hyphenation") -> tuple[str, list[int]]:
    """The text as a reader would read it across layout, and for each of its characters the index it came from.

    Runs of whitespace become one space; a line break after "@" or "." or before them is dropped
    (an address broken over two lines), except after the full stop that ends a sentence with a whole
    address, so the text and the PDF find the same address. ``hyphens`` says how hyphens are read: "hyphenation"
    drops one at the end of a line with the break; "kept" keeps it and drops the break (a hyphen
    that belongs to the word, as in an address); "dropped" drops every hyphen (a soft hyphen that
    pdfium reports as "-" in the middle of a line, a name hyphenated to dodge a rule).
    """
    out: list[str] = []
    origin: list[int] = []
    index = 0
    while index < len(chars):
        char = chars[index]
        if invisible(char):
            index = _skip_break(chars, index + 1) if char == "\ufffe" else index + 1
            continue
        if char in HYPHENS and hyphens == "dropped":
            index += 1
            continue
        if char in HYPHENS and _is_line_end(chars, index + 1):
            if hyphens == "kept":
                out.append("-")
                origin.append(index)
            index = _skip_break(chars, index + 1)
            continue
        if char.isspace():
            end = index
            while end < len(chars) and (chars[end].isspace() or invisible(chars[end])):
                end += 1
            broken = any(c in LINE_BREAKS for c in chars[index:end])
            joined = broken and (
                (out and out[-1] in JOINS_AN_ADDRESS and not _ends_a_sentence(out))
                or (end < len(chars) and chars[end] in JOINS_AN_ADDRESS)
            )
            if out and not joined:
                out.append(" ")
                origin.append(index)
            index = end
            continue
        for part in unicodedata.normalize("NFKC", char):
            out.append(part)
            origin.append(index)
        index += 1
    return "".join(out), origin


def _ends_a_sentence(out: list[str]) -> bool:
    """A full stop at the end of a line right after a whole address ("... at jane@office.example.") ends
    its sentence: joining the next line to it would read "jane@office.example.Yours", an address that is
    no one's, and black out the next line's first word. A stop after part of an address
    ("jane@office." then "example") is still joined."""
    if out[-1] != ".":
        return False
    before = "".join(out[-260:-1]).rsplit(" ", 1)[-1]
    return ADDRESS_AT_END.search(before) is not None


def _is_line_end(chars: Sequence[str], index: int) -> bool:
    while index < len(chars) and chars[index] in " \t":
        index += 1
    return index < len(chars) and chars[index] in LINE_BREAKS


def _skip_break(chars: Sequence[str], index: int) -> int:
    while index < len(chars) and (chars[index].isspace() or invisible(chars[index])):
        index += 1
    return index


def squashed(text: str) -> str:
    """Lower case, no spaces, hyphens or invisible marks: how a leftover is looked for in raw bytes and page text."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in text if not c.isspace() and not invisible(c) and c not in HYPHENS)


@dataclass(frozen=True)
class Rule:
    pattern: str
    reason: str
    is_regex: bool = False
    replacement: str = "[redacted]"

    def compiled(self) -> re.Pattern[str]:
        """A literal matches across layout: any spacing (none, several, a line break) between its characters.

        Text taken from a PDF or a scan splits words with kerning, letter-spacing and line breaks,
        so "Jane Doe" must also find "JaneDoe", "J a n e  D o e" and "Jane\\nDoe".
        """
        if self.is_regex:
            return re.compile(self.pattern, re.IGNORECASE)
        return re.compile(r"\s*".join(re.escape(c) for c in self.pattern if not c.isspace()), re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    replacement: str
    reason: str


@dataclass(frozen=True)
class AllowList:
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()  # digits only

    def allows_email(self, address: str) -> bool:
        address = address.lower()
        if address in self.emails or address.split("@")[0] in GENERIC_MAILBOXES:
            return True
        # The tail of an allowed address after a dot ("mccoig@office.example" of "april.mccoig@office.example"):
        # how OCR reads an address it splits at the dot, which is still the allowed one.
        return any(allowed.endswith("." + address) for allowed in self.emails)

    def allows_phone(self, number: str) -> bool:
        return _digits(number) in self.phones


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if digits.startswith("44") else digits


def allow_list(emails: Iterable[str], phones: Iterable[str]) -> AllowList:
    return AllowList(frozenset(e.lower() for e in emails if e), frozenset(_digits(p) for p in phones if p))


def find(text: str, rules: Iterable[Rule], allowed: AllowList) -> list[Span]:
    """Every span to redact, earliest first, overlaps merged."""
    found: list[Span] = []
    for start, end, address in _addresses(text):
        if not allowed.allows_email(address):
            found.append(Span(start, end, text[start:end], "[email address redacted]", "personal email"))
    for match in PHONE.finditer(text):
        if not allowed.allows_phone(match[0]):
            found.append(Span(match.start(), match.end(), match[0], "[phone number redacted]", "personal phone"))
    for rule in rules:
        for match in rule.compiled().finditer(text):
            if match.end() > match.start():
                found.append(Span(match.start(), match.end(), match[0], rule.replacement, rule.reason))
    found.sort(key=lambda span: (span.start, -span.end))
    merged: list[Span] = []
    for span in found:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end, text[last.start : span.end], last.replacement, last.reason)
            continue
        merged.append(span)
    return merged


def _addresses(text: str) -> list[tuple[int, int, str]]:
    """Every email address as (start, end, address read): in the text as it is, and in its normalised reading
    (``layout_text``: full-width letters read as ASCII ones, zero-width characters dropped, "sec-" and "ret.example"
    on two lines read as one word), each of those spanning every original character it was read from: the part
    before a zero-width space, both halves of a split address and the hyphen and line break between them."""
    found = list(emails_in(text))
    normal, origin = layout_text(text, hyphens="kept")
    for start, end, address in emails_in(normal):
        found.append((origin[start], origin[end - 1] + 1, address))
    return found


_LOCAL_CHAR = re.compile(r"[\w\u0300-\u036f.%+'-]")
_DOMAIN = re.compile(r"[\w\u0300-\u036f.-]*")
_TOP_LEVEL = re.compile(r"\.[^\W\d_]{2,}")


def emails_in(text: str) -> Iterator[tuple[int, int, str]]:
    """What ``EMAIL.finditer`` finds, as (start, end, address), in time proportional to the text.

    The regular expression tries every start in a long run of letters and backtracks through a long
    domain each time, which takes minutes on a text that is one long word. Here each "@" is looked at
    once: its local part is the run of allowed characters before it (not before the end of the address
    found last), its domain the longest run after it that ends in "." and two letters or more.
    """
    floor = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > floor and _LOCAL_CHAR.match(text, start - 1):
            start -= 1
        domain = _DOMAIN.match(text, at + 1)
        end = _domain_end(text, at + 1, domain.end()) if domain and start < at else None
        if end is not None:
            yield start, end, text[start:end]
            floor = end
        at = text.find("@", at + 1)


def _domain_end(text: str, first: int, last: int) -> int | None:
    """Where the domain in ``text[first:last]`` ends: after its last "." followed by two letters or more."""
    dot = text.rfind(".", first + 1, last)
    while dot != -1:
        top_level = _TOP_LEVEL.match(text, dot, last)
        if top_level:
            return top_level.end()
        dot = text.rfind(".", first + 1, dot)
    return None


def redact(text: str, spans: list[Span]) -> str:
    parts, position = [], 0
    for span in spans:
        parts += [text[position : span.start], span.replacement]
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


# A rule's regular expression is searched through every text that is published, some of them long
# (a 300-page PDF's text), by Python's backtracking matcher, which cannot be stopped once started.
# A repeat inside a repeat (``(a+)+``), a choice inside a repeat (``(a|ab)*``) or a back-reference
# can make it try more ways than there are atoms in the universe on a text that almost matches, so
# such a pattern is refused before it is saved: what is left runs in time proportional to the text.
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
_BACKREFERENCES = {"GROUPREF", "GROUPREF_EXISTS"}


def _parts(parsed: Any) -> list[tuple[str, object]]:
    """The (operation name, argument) pairs of a parsed pattern, of its top level only."""
    return [(str(op), argument) for op, argument in getattr(parsed, "data", parsed)]


def _inner(argument: object) -> list[object]:
    """The sub-patterns an operation holds (a group's, a repeat's, a choice's branches, a lookaround's)."""
    found: list[object] = []
    items = argument if isinstance(argument, (tuple, list)) else [argument]
    for item in items:
        if hasattr(item, "data"):
            found.append(item)
        elif isinstance(item, (tuple, list)):
            found += _inner(item)
    return found


def _slow_part(parsed: object, in_repeat: bool) -> str | None:
    for op, argument in _parts(parsed):
        if op in _BACKREFERENCES:
            return "it refers back to a group it matched earlier (\\1 or (?P=name))"
        repeats = op in _REPEATS and isinstance(argument, tuple) and argument[1] != 1  # not just "?"
        if in_repeat and (repeats or op == "BRANCH"):
            return (
                "it repeats something that itself repeats or offers a choice, like (a+)+ or (a|b)*, "
                "which can take hours on a long text"
            )
        for inner in _inner(argument):
            problem = _slow_part(inner, in_repeat or repeats)
            if problem:
                return problem
    return None


def pattern_problem(pattern: str, is_regex: bool) -> str | None:
    """Why a rule's text cannot be used, in words for the person who typed it; None if it can.

    Refused: a regular expression that does not compile, one that could run for hours (see above),
    and any rule that can match nothing at all (it would "redact" the empty string everywhere).
    """
    if not pattern.strip():
        return "Enter the text to redact."
    if not is_regex:
        return None  # a literal is escaped, and any non-space character makes it match something
    try:
        re.compile(pattern, re.IGNORECASE)
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError) as error:
        return f"The regular expression cannot be read: {getattr(error, 'msg', error)}."
    slow = _slow_part(parsed, in_repeat=False)
    if slow:
        return f"The regular expression could take too long to search with: {slow}. Write it more simply."
    if parsed.getwidth()[0] == 0:
        return (
            "The regular expression can match an empty piece of text (no characters at all), which "
            "cannot be redacted: make it need at least one character."
        )
    return None
