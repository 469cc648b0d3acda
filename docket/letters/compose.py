"""Making the letter document for one recipient of one campaign."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2

from docket.letters.inputs import CampaignData, RecipientData, ReferenceData
from docket.letters.markdown import to_blocks
from docket.letters.model import Footnote, Letter, Letterhead, Run, Signature
from docket.letters.templating import render_markdown
from docket.letters.wording import long_date

IMPERSONAL_SALUTATIONS = {"", "sir or madam", "sir/madam"}

# What Docket writes around the template's text itself: a template that writes them too says them twice.
GREETING = re.compile(r"(?i)^(dear|to whom)\b")
# A sign-off is a line of its own: only the words of one, then perhaps a comma or a stop ("With best wishes,"),
# so that a sentence starting with them ("Regards to the review, we …") is not taken for one.
SIGN_OFF = re.compile(
    r"(?i)^(?:yours\s+(?:sincerely|faithfully|truly)"
    r"|(?:with\s+)?(?:best|kind|kindest|warm|warmest)\s+(?:regards|wishes)|regards"
    r"|(?:with\s+)?(?:many\s+)?thanks)\s*[,.!]?$"
)
SIGN_OFF_LINES = 4  # a sign-off is looked for among the template's last lines (a name or role may follow it)


def doubled_lines(source: str) -> list[str]:
    """Warnings for a template that writes the greeting ("Dear …") or the sign-off ("Yours sincerely") Docket
    adds itself, each naming its line; empty when it writes neither."""
    lines = [(number, _words(line)) for number, line in enumerate(source.splitlines(), start=1)]
    lines = [(number, words) for number, words in lines if words and not _tags_only(words)]
    warnings = []
    if lines and GREETING.match(lines[0][1]):
        number, words = lines[0]
        warnings.append(
            f'Line {number} starts "{_quoted(words)}": Docket adds the greeting itself, '
            "so the letter would say it twice. Delete that line."
        )
    for number, words in lines[1:][-SIGN_OFF_LINES:]:
        if SIGN_OFF.match(words):
            warnings.append(
                f'Line {number} starts "{_quoted(words)}": Docket adds the sign-off and the signature itself, '
                "so the letter would say them twice. Delete that line and the name or role under it."
            )
            break
    return warnings


def _tags_only(line: str) -> bool:
    """Whether a line is only tags and comments (``{% if … %}``, ``{# … #}``): it prints no words of its own.

    Read a tag at a time, each end found by ``str.find`` from where the tag starts, so that the time is in
    proportion to the line's length (a pattern of repeated lazy matches took seconds on 24 tags and a letter).
    """
    rest = line
    while rest:
        closing = {"{%": "%}", "{#": "#}"}.get(rest[:2])
        end = rest.find(closing, 2) if closing else -1
        if end < 0:
            return False
        rest = rest[end + 2 :].lstrip()
    return True


EMPHASIS = re.compile(r"\*+|(?<![\w{])_+|_+(?![\w}])")  # "**Dear Commissioner**," and "_Dear_"; not fields.a_b


def _words(line: str) -> str:
    """A line's text without the Markdown around its words (a heading's #, a quote's >, emphasis's * and _)."""
    return EMPHASIS.sub("", line.strip().lstrip("#> ")).strip()


def _quoted(words: str, most: int = 40) -> str:
    words = words.rstrip(" ,.;:!")
    return words if len(words) <= most else words[: most - 1].rstrip() + "…"


def build_letter(
    campaign: CampaignData,
    recipient: RecipientData,
    template: jinja2.Template | None = None,
    extra: Mapping[str, Any] | None = None,
    *,
    isolated: bool = False,
    blanks_print: bool = False,
) -> Letter:
    """The letter for one recipient; ``extra`` adds names to the template's context (a chaser's dates).

    ``isolated`` runs the template in a bounded child process (for a template nobody has
    saved yet, such as the editor's live preview); see :mod:`docket.letters.render_process`.
    ``blanks_print`` lets a blank field print nothing (reading back a letter already written).
    """
    if isolated:
        from docket.letters.render_process import render_markdown_isolated

        if template is not None or extra is not None:
            raise ValueError("an isolated render compiles the campaign's own template, with no extra names")
        markdown, cited = render_markdown_isolated(campaign, recipient)
    else:
        markdown, cited = render_markdown(campaign, recipient, template, extra, blanks_print=blanks_print)
    office = campaign.office
    # A spreadsheet's salutation is sometimes written whole ("Dear Ms Patel"): the letter adds "Dear" once.
    greeting = re.sub(r"(?i)^dear\s+", "", recipient.salutation.strip()).rstrip(",").strip()
    personal = greeting.lower() not in IMPERSONAL_SALUTATIONS
    return Letter(
        title=f"{campaign.title}: letter to {recipient.full_name}, {recipient.body}",
        author=office.name,
        letterhead=Letterhead(
            name=" ".join(part for part in (office.signatory_name, office.signatory_honours) if part),
            office=office.name,
            address=office.address,
            phone=office.phone,
            email=office.email,
            logo=office.logo,
        ),
        date=campaign.letter_date,
        date_text=long_date(campaign.letter_date) if campaign.letter_date else "",
        recipient_address=_address(recipient),
        salutation=f"Dear {greeting}," if personal else "Dear Sir or Madam,",
        blocks=to_blocks(markdown),
        closing="Yours sincerely," if personal else "Yours faithfully,",
        signature=Signature(
            lines=tuple(
                line for line in (office.signatory_name if office.sign_with_name else "", office.signatory_role) if line
            ),
            image=office.signature,
            image_description=f"Signature of {office.signatory_name}",
        ),
        footnotes=tuple(Footnote(number, _reference_runs(ref)) for number, ref in enumerate(cited, start=1)),
    )


def _address(recipient: RecipientData) -> tuple[str, ...]:
    lines = [recipient.full_name, recipient.role, *recipient.address, recipient.postcode]
    return tuple(line for line in lines if line)


def _reference_runs(reference: ReferenceData) -> tuple[Run, ...]:
    author = f"{reference.author} ({reference.year}) " if reference.year else f"{reference.author} "
    return (Run(author), Run(reference.title, href=reference.url or None))
