"""Template mistakes in words a policy officer can act on: what is wrong, for whom, and what would fix it.

Jinja's own messages read like Python ("'dict object' has no attribute 'budget'"). Here a
name the data does not have raises :class:`MissingValue`, which knows the object it was
looked up on and the name, so the message can say which recipient lacks which field, list
the fields the campaign has, and suggest the nearest name (``contact.nmae`` → did you mean
``contact.full_name``?).

A per-recipient field left blank is an error like a missing one (an empty spreadsheet cell
would otherwise print nothing), unless the template says a blank is fine:
``fields.x | default("")`` gives the default, and a blank still compares equal to ``""`` and
counts as false in ``{% if %}``; only printing it (or using it as text) is refused.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
from jinja2.utils import missing

from docket.letters.inputs import CampaignData, ItemData, OfficeData, RecipientData

# The names every template sees (see templating.render_markdown), for suggestions.
CONTEXT_NAMES = ("contact", "recipient", "fields", "items", "office", "campaign", "cite", "letter_date", "due_date")


class Fields(dict[str, Any]):
    """A recipient's fields as the template sees them (a blank value is a :class:`BlankField`)."""


class MissingValue(jinja2.UndefinedError):
    """The template used a name, attribute or field its data does not have (or a field left blank)."""

    def __init__(self, owner: object, name: object, blank: bool, message: str) -> None:
        super().__init__(message)
        self.owner, self.name, self.blank = owner, name, blank


class LetterUndefined(jinja2.StrictUndefined):
    """Strict: printing, testing or comparing a missing value raises :class:`MissingValue`."""

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: type[jinja2.TemplateRuntimeError] = jinja2.UndefinedError,
    ) -> None:
        # Jinja raises ``exc(message)``; a partial carries the owner and the name along with it.
        # (The sandbox's own refusals come with a hint and a SecurityError: they stay as they are.)
        raising: Any = exc
        if hint is None and exc is jinja2.UndefinedError:
            raising = functools.partial(MissingValue, obj, name, isinstance(self, BlankField))
        super().__init__(hint, obj, name, raising)


class BlankField(LetterUndefined):
    """A field whose value is blank: refused when printed, but ``default`` replaces it and it equals ""."""

    __slots__ = ()

    # StrictUndefined declares these as its one failing method (returning Never); a blank answers them.
    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return isinstance(other, BlankField) or other == ""

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash("")

    def __bool__(self) -> bool:  # type: ignore[override]
        return False

    def __repr__(self) -> str:
        return "BlankField"


def template_fields(fields: Mapping[str, str]) -> Fields:
    """The fields as the template sees them: a blank (or all-space) value becomes a BlankField."""
    seen = Fields()
    for key, value in fields.items():
        seen[key] = value if str(value).strip() else BlankField(obj=seen, name=key)
    return seen


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest ``name`` (by the whole name or any of its _-separated words), if any is near."""
    best, score = None, 0.6
    wanted = name.lower()
    for candidate in candidates:
        parts = [candidate, *candidate.split("_")]
        ratio = max(difflib.SequenceMatcher(None, wanted, part.lower()).ratio() for part in parts)
        if ratio > score:
            best, score = candidate, ratio
    return best


def attributes(owner: object) -> list[str]:
    """What a template can read on one of the letter's data objects."""
    if isinstance(owner, Mapping):
        return sorted(str(key) for key in owner)
    names = [field.name for field in dataclasses.fields(owner)] if dataclasses.is_dataclass(owner) else []
    names += [name for name, value in vars(type(owner)).items() if isinstance(value, property)]
    hidden = {"template", "due_date"} if isinstance(owner, CampaignData) else {"template"}  # due_date: its own name
    return [name for name in names if not name.startswith("_") and name not in hidden]


def _listed(names: Iterable[str]) -> str:
    return ", ".join(names) or "none yet"


def _suggestion(path: str, name: str, candidates: list[str]) -> str:
    best = closest(name, candidates)
    if best is not None:
        return f'; did you mean "{path}{best}"?'
    return f". What it has: {_listed(candidates)}." if candidates else "."


def missing_message(
    error: MissingValue, campaign: CampaignData, recipient: RecipientData, names: Mapping[int, str]
) -> str:
    """The plain-English problem for a name the template used that the data does not have."""
    owner, name, who = error.owner, error.name, recipient.body or recipient.full_name
    if isinstance(owner, Fields):
        return _field_message(str(name), error.blank, campaign, recipient, who)
    if owner is missing:
        best = closest(str(name), CONTEXT_NAMES)
        hint = f'; did you mean "{best}"?' if best else f". A letter can use: {', '.join(CONTEXT_NAMES)}."
        return f'"{name}" is not something a letter can print{hint}'
    if not isinstance(name, str):
        return f"there is no element {name!r} in {names.get(id(owner), 'this list')}"
    path = names.get(id(owner))
    candidates = attributes(owner)
    if path is not None:
        return f'"{path}.{name}" is not something a letter can print' + _suggestion(f"{path}.", name, candidates)
    what = "an item" if isinstance(owner, ItemData) else "this value"
    return f'{what} has nothing called "{name}"' + _suggestion("", name, candidates)


def _field_message(name: str, blank: bool, campaign: CampaignData, recipient: RecipientData, who: str) -> str:
    fix = f'write {{{{ fields.{name} | default("") }}}} where a blank is fine'
    where = "(under “Fields for the letter”, or on its recipient page)"
    if blank:
        return f'{who}\'s field "{name}" is blank: fill it in {where}, or {fix}.'
    known = list(campaign.field_names) or sorted(recipient.fields)
    if name in known:
        return f'{who} has no value for the field "{name}": give it one {where}, or {fix}.'
    message = f'{who} has no value for the field "{name}". This campaign\'s fields are: {_listed(known)}.'
    best = closest(name, known)
    return message + (f' Did you mean "{best}"?' if best else "")


def data_names(context: Mapping[str, Any]) -> dict[int, str]:
    """Each of the template's data objects by identity, with the name a template calls it."""
    names: dict[int, str] = {}
    for name in ("office", "campaign", "contact", "fields", "items"):
        value = context.get(name)
        if isinstance(value, OfficeData | CampaignData | RecipientData | Mapping) or name == "items":
            names.setdefault(id(value), name)
    return names


FILTER_OR_TEST = re.compile(r"No (filter|test) named '([^']+)'")


def compile_message(message: str, environment: jinja2.Environment) -> str:
    """A compile-time message in plain words, with the nearest filter or test when one is misspelt."""
    found = FILTER_OR_TEST.search(message)
    if found is None:
        return message
    kind, name = found.groups()
    known = environment.filters if kind == "filter" else environment.tests
    best = closest(name, known)
    return f'there is no {kind} called "{name}"' + (f'; did you mean "{best}"?' if best else ".")


# The closing mark of each kind of tag, and what a person calls it.
TAG_ENDS = {"variable_begin": ("{{", "}}"), "block_begin": ("{%", "%}")}
TAG_CLOSES = {"variable_end", "block_end"}
UNCLOSED_TAG = re.compile(r"end of (print statement|statement block)")
UNCLOSED_BLOCK = re.compile(r"The innermost block that needs to be closed is '(\w+)'")
UNCLOSED_STRING = re.compile(r"unexpected char '([\"'])'")
UNKNOWN_TAG = re.compile(r"Encountered unknown tag '(\w+)'")
UNEXPECTED = re.compile(r"^unexpected '(.+)'$")
EXPECTED = re.compile(r"^expected token '([^']+)', got '(.+)'$")
NO_EXPRESSION = re.compile(r"^Expected an expression, got '(.+)'$")
# Jinja's names for the tokens a person types.
TOKEN_NAMES = {"end of print statement": "}}", "end of statement block": "%}", "end of template": "the end"}


def _typed(token: str) -> str:
    return TOKEN_NAMES.get(token, token)


def _open_tag(source: str, line: int, environment: jinja2.Environment) -> tuple[str, int] | None:
    """The ``{{`` or ``{%`` still open where the parser stopped (at ``line``), with the line it opened on."""
    opened: tuple[str, int] | None = None
    try:
        for lineno, kind, _ in environment.lex(source):
            if lineno > line:
                break
            if kind in TAG_ENDS:
                opened = (kind, lineno)
            elif kind in TAG_CLOSES:
                opened = None
    except jinja2.TemplateSyntaxError:
        pass  # the lexer stops at the mistake too: what was open by then is the answer
    return opened


def _open_block(source: str, name: str, environment: jinja2.Environment) -> int | None:
    """The line of the last ``{% name %}`` left without its ``{% endname %}``."""
    stack: list[tuple[str, int]] = []
    previous = ""
    try:
        for lineno, kind, value in environment.lex(source):
            if kind == "name" and previous == "block_begin":
                if value.startswith("end") and stack and stack[-1][0] == value[3:]:
                    stack.pop()
                elif value in {"if", "for", "macro", "call", "filter", "block", "with", "autoescape"}:
                    stack.append((value, lineno))
            previous = kind if kind != "whitespace" else previous
    except jinja2.TemplateSyntaxError:
        pass
    lines = [lineno for block, lineno in stack if block == name]
    return lines[-1] if lines else None


def syntax_problem(
    message: str, line: int | None, source: str, environment: jinja2.Environment
) -> tuple[int | None, str]:
    """A template's syntax error as (the line to look at, what is wrong in plain words).

    Jinja reports the line where its parser gave up: a ``{{`` left open on line 3 is reported on the
    line of the next word it meets (``{{`` reads on across lines), so the line given here is where the
    tag, block or quotation mark that is not closed was opened.
    """
    if line is not None and UNCLOSED_TAG.search(message):
        opened = _open_tag(source, line, environment)
        if opened is not None:
            begin, end = TAG_ENDS[opened[0]]
            return opened[1], f"a {begin} is not closed with {end}"
    if found := UNCLOSED_BLOCK.search(message):
        name = found.group(1)
        return _open_block(source, name, environment) or line, (
            f"a {{% {name} %}} is not closed with {{% end{name} %}}"
        )
    if found := UNCLOSED_STRING.search(message):
        return line, f"a quotation mark ({found.group(1)}) is not closed"
    if found := UNKNOWN_TAG.search(message):
        return line, f'"{found.group(1)}" is not something that can follow {{%; check its spelling, or its end tag'
    if found := EXPECTED.match(message):
        wanted, got = _typed(found.group(1)), _typed(found.group(2))
        return line, f'"{got}" is not expected here: Docket was looking for {wanted} (is it missing before "{got}"?)'
    if found := NO_EXPRESSION.match(message):
        return line, f'something is missing before "{_typed(found.group(1))}": a name or a value'
    if found := UNEXPECTED.match(message):
        got = _typed(found.group(1))
        return line, f'"{got}" is not expected here (is something missing before it, or a bracket not opened?)'
    return line, compile_message(message, environment)
