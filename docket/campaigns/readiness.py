"""Can each recipient's letter be made from the campaign's template as it stands, and if not, why not.

Checked before anything is approved or sent, and shown on the campaign page beside each
recipient. Checking runs the template only (no PDF): a millisecond or so a letter. The saved
template runs in this process within the template's own bounds (:mod:`docket.letters.template_limits`),
and a check of many letters can be given an overall time budget: letters not reached in it are
reported as not checked rather than keeping a page waiting.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass

import jinja2

from docket.campaigns.letters import campaign_data, recipient_data
from docket.campaigns.models import Campaign, Recipient
from docket.errors import DocketError
from docket.letters import LetterError, compile_template
from docket.letters.images import letter_pictures_problem
from docket.letters.template_limits import DEFAULT_TIMEOUT
from docket.letters.templating import render_markdown

NO_TEXT_YET = "The letter has no text yet: write it on the campaign's Letter page first."
PAGE_BUDGET = 2.0  # seconds a page may spend checking the letters it shows


def problem_text(error: LetterError) -> str:
    """The problem as the workspace shows it: "Line 12: Southbridge has no value for …"."""
    return f"Line {error.line}: {error.problem}" if error.line else error.problem


class LetterCannotBeMade(DocketError):
    """Approving (or sending) a letter that the template cannot make for its recipient."""


def send_problem(recipient: Recipient) -> str:
    """Why a letter that can be made still cannot be sent by email, or "" (``_not_queueable`` refuses it then too)."""
    contact = recipient.contact
    if not contact.email.strip():
        return f"It can be made, but not sent by email: {contact.full_name} has no email address."
    return ""


def refuse_if_cannot_be_made(recipient: Recipient) -> None:
    """Raise LetterCannotBeMade, naming the recipient and the reason, if its letter cannot be made now."""
    if problem := LetterCheck(recipient.campaign).problem(recipient):
        name = f"{recipient.contact.body.name} ({recipient.contact.full_name})"
        raise LetterCannotBeMade(f"The letter to {name} cannot be made, so nothing was done. {problem}")


@functools.lru_cache(maxsize=32)
def _compiled(source: str, slug: str) -> jinja2.Template:
    """A template compiled once per text (a Jinja template renders safely from many threads at once)."""
    return compile_template(source, slug)


class LetterCheck:
    """The campaign's template compiled once, to check one recipient's letter after another."""

    def __init__(self, campaign: Campaign) -> None:
        self.data = campaign_data(campaign)
        self.template: jinja2.Template | None = None
        self.broken = ""  # the template's own error, which every letter shares
        if not self.data.template.strip():
            self.broken = NO_TEXT_YET
            return
        try:
            self.template = _compiled(self.data.template, self.data.slug)
        except LetterError as error:
            self.broken = problem_text(error)
            return
        # The office's logo and signature go in every letter's PDF: one that is not a picture breaks them all.
        self.broken = letter_pictures_problem(self.data.office.logo, self.data.office.signature)

    def problem(self, recipient: Recipient, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Why this recipient's letter cannot be made, or "" if it can."""
        if self.template is None or self.broken:
            return self.broken
        try:
            render_markdown(self.data, recipient_data(recipient), self.template, timeout=timeout)
        except LetterError as error:
            return problem_text(error)
        return ""


@dataclass(frozen=True)
class Readiness:
    """Of the recipients checked: each one's problem ("" when the letter can be made); those not reached
    in the time budget are left out (``complete`` is then False)."""

    problems: dict[int, str]
    complete: bool

    def cannot(self) -> dict[int, str]:
        return {pk: problem for pk, problem in self.problems.items() if problem}


def check_letters(campaign: Campaign, recipients: Iterable[Recipient], budget: float | None = PAGE_BUDGET) -> Readiness:
    """Whether each recipient's letter can be made now; ``budget`` seconds in all (None: no limit).

    Give recipients with their contact, body and item states loaded (``recipients_for_rendering``)
    and the check makes no query per recipient.
    """
    check = LetterCheck(campaign)
    deadline = None if budget is None else time.monotonic() + budget
    problems: dict[int, str] = {}
    for recipient in recipients:
        left = DEFAULT_TIMEOUT if deadline is None else min(DEFAULT_TIMEOUT, deadline - time.monotonic())
        if left <= 0:
            return Readiness(problems, complete=False)
        problem = check.problem(recipient, timeout=left)
        if problem and deadline is not None and left < DEFAULT_TIMEOUT and time.monotonic() >= deadline:
            return Readiness(problems, complete=False)  # stopped by the budget, not by its own time limit
        problems[recipient.pk] = problem
    return Readiness(problems, complete=True)
