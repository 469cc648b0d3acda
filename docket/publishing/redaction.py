"""Finding what must not be published, in text, and removing it.

Built-in rules find email addresses and UK phone numbers of individuals; an
allow-list keeps the generic ones an office publishes on purpose (its own
addresses, info@, enquiries@…). Rules of the office's own add literal text or
regular expressions, scoped to everything, a campaign, a body or a request.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # the parser ``re`` itself uses, to read a rule's pattern exactly
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# UK numbers: +44 or 0, then 8-12 more digits; spaces (line breaks too), dots or dashes between.
PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s.-]{0,3}\d){6,8}(?!\d)")
GENERIC_MAILBOXES = frozenset(
    {"info", "enquiries", "enquiry", "office", "contact", "admin", "foi", "press", "media", "pcc", "opcc", "mail"}
)


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
    for match in EMAIL.finditer(text):
        if not allowed.allows_email(match[0]):
            found.append(Span(match.start(), match.end(), match[0], "[email address redacted]", "personal email"))
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
