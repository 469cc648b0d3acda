"""The letter template language: Markdown inside a sandboxed, strict Jinja2.

Recipient data can never run code or read files (the sandbox), a missing field
is an error rather than a blank (StrictUndefined), and every value a template
prints is escaped as Markdown, so "<script>" or "**" in a recipient's data is
printed literally. ``cite("key")`` returns a footnote marker that the Markdown
step turns into a footnote reference.
"""

from __future__ import annotations

import re
import string
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from docket.letters.inputs import CampaignData, ItemData, RecipientData, ReferenceData
from docket.letters.wording import english_list, long_date

TEMPLATE_NAME = "letter"
NOTE_OPEN, NOTE_CLOSE = "\ue000", "\ue001"  # private-use characters: no recipient data contains them
NOTE_MARKER = re.compile(f"{NOTE_OPEN}(\\d+){NOTE_CLOSE}")
MARKDOWN_SPECIAL = frozenset(string.punctuation)


class LetterError(ValueError):
    """A letter could not be made; the message names the campaign, recipient and template line."""

    def __init__(self, campaign: str, recipient: str, line: int | None, problem: str) -> None:
        self.campaign, self.recipient, self.line, self.problem = campaign, recipient, line, problem
        where = f", template line {line}" if line else ""
        super().__init__(f"campaign {campaign!r}, recipient {recipient}{where}: {problem}")

    def __reduce__(self) -> tuple[type[LetterError], tuple[str, str, int | None, str]]:
        # Crosses process boundaries in bulk rendering.
        return (type(self), (self.campaign, self.recipient, self.line, self.problem))


class Verbatim(str):
    """Markdown written by Docket itself (a footnote marker), printed without escaping."""

    __slots__ = ()


def escape_markdown(value: object) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark allows it for all of them)."""
    if isinstance(value, Verbatim):
        return value
    text = str(value).replace(NOTE_OPEN, "").replace(NOTE_CLOSE, "")
    text = " ".join(text.splitlines())  # a value is inline text: it never starts a new block
    return "".join(f"\\{char}" if char in MARKDOWN_SPECIAL else char for char in text)


@dataclass(frozen=True)
class Items:
    """A recipient's requested items, grouped by what the letter should say about them."""

    all: tuple[ItemData, ...]

    @property
    def asked(self) -> list[ItemData]:
        return [item for item in self.all if item.state == "ask"]

    @property
    def published(self) -> list[ItemData]:
        return [item for item in self.all if item.state == "published"]

    @property
    def outstanding(self) -> list[ItemData]:
        """Asked for and not received yet."""
        return [item for item in self.all if item.state == "ask" and not item.received]

    @property
    def not_applicable(self) -> list[ItemData]:
        return [item for item in self.all if item.state == "n/a"]


class Citations:
    """Numbers references in order of first citation."""

    def __init__(self, references: Iterable[ReferenceData]) -> None:
        self.references = {reference.key: reference for reference in references}
        self.order: list[ReferenceData] = []

    def cite(self, key: str) -> Verbatim:
        reference = self.references.get(key)
        if reference is None:
            known = ", ".join(sorted(self.references)) or "none"
            raise UnknownCitation(f"cite({key!r}): no reference with that key (the keys are: {known})")
        if reference not in self.order:
            self.order.append(reference)
        return Verbatim(f"{NOTE_OPEN}{self.order.index(reference) + 1}{NOTE_CLOSE}")


class UnknownCitation(LookupError):
    pass


def _environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=escape_markdown,
        keep_trailing_newline=True,
    )
    environment.filters["english_list"] = english_list
    environment.filters["long_date"] = long_date
    return environment


ENVIRONMENT = _environment()


def compile_template(source: str, campaign: str) -> jinja2.Template:
    try:
        return ENVIRONMENT.from_string(source)
    except jinja2.TemplateSyntaxError as error:
        raise LetterError(campaign, "(any)", error.lineno, error.message or "syntax error") from None


def render_markdown(
    campaign: CampaignData,
    recipient: RecipientData,
    template: jinja2.Template | None = None,
    extra: Mapping[str, Any] | None = None,
) -> tuple[str, list[ReferenceData]]:
    """The recipient's letter body as Markdown, and the references it cites in footnote order."""
    template = template or compile_template(campaign.template, campaign.slug)
    citations = Citations(campaign.references)
    context: dict[str, Any] = {
        "office": campaign.office,
        "campaign": campaign,
        "contact": recipient,
        "recipient": recipient,
        "fields": dict(recipient.fields),
        "items": Items(recipient.items),
        "cite": citations.cite,
        "letter_date": campaign.letter_date,
        **(extra or {}),
    }
    try:
        text = template.render(context)
    except (jinja2.TemplateError, UnknownCitation, TypeError, ValueError) as error:
        message = error.message if isinstance(error, jinja2.TemplateError) else str(error)
        raise LetterError(
            campaign.slug, _describe(recipient), _template_line(error), message or type(error).__name__
        ) from None
    return text, citations.order


def _describe(recipient: RecipientData) -> str:
    return f"{recipient.full_name!r} (#{recipient.id})"


def _template_line(error: BaseException) -> int | None:
    """The template line being run when the error happened (Jinja maps its frames to template lines)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == "<template>"]
    return lines[-1] if lines else getattr(error, "lineno", None)
