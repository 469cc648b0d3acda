"""Finding what must not be published, in text, and removing it.

Built-in rules find email addresses and UK phone numbers of individuals; an
allow-list keeps the generic ones an office publishes on purpose (its own
addresses, info@, enquiries@…). Rules of the office's own add literal text or
regular expressions, scoped to everything, a campaign, a body or a request.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import re2

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


# Between a literal rule's letters: any spacing, and any hyphen or dash ("Quill-feather", a non-breaking hyphen
# broken over two lines, an en dash slipped in): a name is still the name with them.
LITERAL_GAP = r"[\s\-\u00ad\u2010-\u2015\u2212]*"
# Characters a reader does not see, beyond the invisible ones: the combining grapheme joiner and Hangul fillers.
FILLERS = frozenset("\u034f\u115f\u1160\u3164\uffa0")
BLANKS = frozenset("\u2800")  # the braille blank: a space to a reader


# A rule typed with a straight apostrophe finds a curly one (as a word processor types it), and the other way
# round: "O'Brien" is "O\u2019Brien"; the same for double quotes.
APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u2032"
DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u2033'


def _literal(char: str) -> str:
    """The pattern of one character of a literal rule: itself, or any of its kind of apostrophe or quote."""
    for kind in (APOSTROPHES, DOUBLE_QUOTES):
        if char in kind:
            return f"[{re.escape(kind)}]"
    return re.escape(char)


def _base(char: str) -> str:
    """The letter without its accents: "e" of "é" (a rule for "Zebedee" finds "Zébedee", and one for "José" "Jose")."""
    return char if char.isascii() else unicodedata.normalize("NFD", char)[0]


def folded(normal: str, origin: list[int]) -> tuple[str, list[int]] | None:
    """The normalised reading with accents, variation selectors, joiners and fillers taken off, each character
    mapped back as ``origin`` maps it; None when there is nothing to take off (an ASCII text)."""
    if normal.isascii():
        return None
    out: list[str] = []
    back: list[int] = []
    for char, at in zip(normal, origin, strict=True):
        if char in FILLERS or unicodedata.category(char) == "Mn":  # a combining mark (accent, selector, joiner)
            continue
        out.append(" " if char in BLANKS else _base(char))
        back.append(at)
    return "".join(out), back


class Found(Protocol):
    def start(self) -> int: ...
    def end(self) -> int: ...
    def __getitem__(self, group: int) -> str: ...


class Finder(Protocol):
    def finditer(self, text: str) -> Iterator[Found]: ...


@dataclass(frozen=True)
class Rule:
    pattern: str
    reason: str
    is_regex: bool = False
    replacement: str = "[redacted]"

    def compiled(self) -> Finder:
        """A literal matches across layout: any spacing (none, several, a line break) between its characters.

        Text taken from a PDF or a scan splits words with kerning, letter-spacing and line breaks,
        so "Jane Doe" must also find "JaneDoe", "J a n e  D o e" and "Jane\\nDoe". A regular expression is
        the office's own, searched by RE2 (see ``regular_expression``).
        """
        if self.is_regex:
            return regular_expression(self.pattern)
        letters = [_base(c) for c in self.pattern if not c.isspace()]
        pattern = LITERAL_GAP.join(_literal(c) for c in letters)
        # A whole word or number: a rule for "Ted" does not redact "interested", nor "12345" part of "123456".
        before = r"(?<!\w)" if letters and letters[0].isalnum() else ""
        after = r"(?!\w)" if letters and letters[-1].isalnum() else ""
        return re.compile(before + pattern + after, re.IGNORECASE)


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
    normal, origin = layout_text(text, hyphens="kept")  # the normalised reading, made once for all below
    for start, end, address in _addresses(text, normal, origin):
        if not allowed.allows_email(address):
            found.append(Span(start, end, text[start:end], "[email address redacted]", "personal email"))
    for match in PHONE.finditer(text):
        if not allowed.allows_phone(match[0]):
            found.append(Span(match.start(), match.end(), match[0], "[phone number redacted]", "personal phone"))
    # Each rule is searched in the text as it is and in its normalised reading (``layout_text``), whose matches
    # span every original character they were read from: "Ze\u00adbedee" (a soft hyphen, which no reader sees)
    # is found by a rule for "Zebedee", as a full-width or zero-width-split name is.
    # And in that reading folded (accents, combining joiners and fillers taken off): "Z\u034fe\u034fb…" or "Zébedee".
    readings: list[tuple[str, list[int] | None]] = [(text, None), (normal, origin)]  # None: the text's own places
    if rules and (plain := folded(normal, origin)):
        readings.append(plain)
    for rule in rules:
        finder = rule.compiled()
        for reading, back in readings:
            for hit in finder.finditer(reading):
                if hit.end() > hit.start():
                    start, end = hit.start(), hit.end()
                    if back is not None:
                        start, end = back[start], back[end - 1] + 1
                    found.append(Span(start, end, text[start:end], rule.replacement, rule.reason))
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


def _addresses(text: str, normal: str, origin: list[int]) -> list[tuple[int, int, str]]:
    """Every email address as (start, end, address read): in the text as it is, and in its normalised reading
    (``layout_text``: full-width letters read as ASCII ones, zero-width characters dropped, "sec-" and "ret.example"
    on two lines read as one word), each of those spanning every original character it was read from: the part
    before a zero-width space, both halves of a split address and the hyphen and line break between them."""
    found = list(emails_in(text))
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
# (a 300-page PDF's text). Python's own matcher backtracks: ``(a+)+$`` or ``.*.*.*=`` can run for hours on
# a text that almost matches, and cannot be stopped once started (it holds the interpreter, so every other
# page waits too). RE2 (Google's matcher, which Go's regexp also follows) searches in time proportional to
# the text whatever the pattern, within a memory bound; it has no back-references or lookarounds, which a
# rule is refused for in words.
REGEX_MEMORY = 8 << 20
# RE2's size of a compiled pattern: an office's patterns are tens (REF-\d{4,8} is 20); one of thousands, made by
# large counted repeats ([^\n]{1000} four times is 16,005), outgrows RE2's fast matcher and took 43 s for one
# reply's page in an attacker's hands, so it is refused when the rule is saved.
PROGRAM_LIMIT = 2_000


def _any_byte(pattern: str) -> bool:
    """Whether the pattern uses RE2's \\C (any one byte): its matches can start or end inside a character, where
    no character of the text is, so they are refused (they could not be mapped back to the text)."""
    at = 0
    while (at := pattern.find("\\", at)) != -1:
        if pattern[at + 1 : at + 2] == "C":
            return True
        at += 2  # an escaped character, "\\\\" too, is skipped whole
    return False


def regular_expression(pattern: str) -> Finder:
    """The office's pattern, case-insensitive, compiled by RE2; re2.error if it cannot be."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a refused pattern is said to the person who typed it, not logged
    options.max_mem = REGEX_MEMORY
    finder: Finder = re2.compile(pattern, options)
    return finder


UNSUPPORTED = (
    ("invalid escape sequence: \\1", "it refers back to a group it matched earlier (\\1 or (?P=name))"),
    ("invalid perl operator: (?P", "it refers back to a group it matched earlier (\\1 or (?P=name))"),
    ("invalid perl operator: (?=", "it looks ahead with (?=…), which Docket's matcher does not do"),
    ("invalid perl operator: (?!", "it looks ahead with (?!…), which Docket's matcher does not do"),
    ("invalid perl operator: (?<", "it looks behind with (?<=…) or (?<!…), which Docket's matcher does not do"),
    ("pattern too large", "it is too large"),
)


# What RE2's other refusals ("missing ): (abc") mean, in words; the part after the colon says where.
READABLE = (
    ("missing )", "a bracket ( is not closed with )"),
    ("unexpected )", "a closing bracket ) has no ( before it"),
    ("missing ]", "a square bracket [ is not closed with ]"),
    (
        "invalid repetition size",
        "a count in curly brackets is too large (over 1,000, counting repeats inside "
        "repeats) or its numbers are the wrong way round",
    ),
    ("no argument for repetition operator", "a *, + or ? has nothing before it to repeat"),
    ("bad repetition operator", "two repeat signs follow each other, such as ** or +*"),
    ("invalid escape sequence", "a backslash is followed by something that means nothing after one"),
    (
        "invalid character class range",
        "a range such as z-a runs backwards, or a class such as [:name:] or "
        "\\p{Name} is not one Docket's matcher knows",
    ),
    ("invalid character class", "a class in square brackets is not one Docket's matcher knows"),
    ("trailing \\", "it ends with a backslash"),
    ("invalid perl operator", "a (? is not closed, or is followed by something Docket's matcher does not know"),
    ("invalid named capture group", "a group's name, in (?P<name>…), is not a name"),
)


def _in_words(refusal: str) -> str:
    """RE2's refusal of a pattern, in words: "a bracket ( is not closed with ), in “(abc”"."""
    code, _, where = refusal.partition(": ")
    plain = next((words for found, words in READABLE if code == found), "")
    if not plain:
        return refusal
    return f"{plain}, in “{where}”" if where else plain


# A sentence any letter or reply might hold: a rule that finds most of it would black out whole letters.
ORDINARY = "Thank you for your letter of 13 October 2020 about the work of the partnership in our area."
# Escapes of regular expressions that ordinary text does not hold: a text rule with one was meant as a pattern.
PATTERN_ESCAPES = re.compile(r"\\[dwsbDWSB]")


def pattern_problem(pattern: str, is_regex: bool) -> str | None:
    """Why a rule cannot be saved, in words for the person who typed it; None if it can: what ``search_problem``
    refuses, a regular expression that would redact most of any text ("." or "[[:alpha:]]+"), and a text rule
    that holds a regular expression's escape ("REF-\\d{6}" with "Text, as typed" chosen: it would find nothing)."""
    if problem := search_problem(pattern, is_regex):
        return problem
    if not is_regex:
        if escape := PATTERN_ESCAPES.search(pattern):
            return (
                f"“{pattern}” looks like a regular expression ({escape[0]}), but “Text, as typed” is chosen, "
                "so it would be looked for letter by letter. Choose “A regular expression” if it is one."
            )
        return None
    found = sum(hit.end() - hit.start() for hit in regular_expression(pattern).finditer(ORDINARY))
    if found * 2 > len(ORDINARY):
        return (
            f"The regular expression would redact most of any text: it finds {found} of the {len(ORDINARY)} "
            f"characters of “{ORDINARY}” Make it find only what must not be published. "
            "Capitals do not count: [A-Z] finds any letter."
        )
    return None


def search_problem(pattern: str, is_regex: bool) -> str | None:
    """Why a rule's text cannot be searched with, in words for the person who typed it; None if it can.

    Refused: a regular expression that RE2 cannot compile (with what in it is not supported, in words), and
    any rule that can match nothing at all (it would "redact" the empty string everywhere).
    """
    if not pattern.strip():
        return "Enter the text to redact."
    if not is_regex:
        return None  # a literal is escaped, and any non-space character makes it match something
    if _any_byte(pattern):
        return (
            "The regular expression cannot be used: \\C matches part of a character, not a whole one. "
            "Write . (any character) instead."
        )
    try:
        compiled = regular_expression(pattern)
    except re2.error as error:
        words = error.args[0].decode("utf-8", "replace") if error.args and isinstance(error.args[0], bytes) else ""
        why = next((why for found, why in UNSUPPORTED if words.startswith(found)), "")
        if why:
            return f"The regular expression cannot be used: {why}. Write it more simply."
        return f"The regular expression cannot be read: {_in_words(words) if words else error}."
    if getattr(compiled, "programsize", 0) > PROGRAM_LIMIT:
        return (
            "The regular expression is too large to search every published text with: a repeat of a "
            "large count, such as {1000}, makes it so. Write it more simply."
        )
    if any(match.end() == match.start() for text in ("", "a", "a a") for match in compiled.finditer(text)):
        return (
            "The regular expression can match an empty piece of text (no characters at all), which "
            "cannot be redacted: make it need at least one character."
        )
    return None
