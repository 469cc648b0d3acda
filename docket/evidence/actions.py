"""Coding: the named changes to a campaign's codebook and to the passages coded with it.

A passage's changes are logged on its request's timeline (an ``Event`` of the kinds
``passage_*`` and ``suggestion_*``), in the same transaction. A person's mistake (a quote
not on the page, a theme of another campaign, a theme nested two deep) is a ``CodingError``
in plain English.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from docket import words
from docket.campaigns.actions import log
from docket.campaigns.models import Campaign, Recipient
from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.evidence import anchoring
from docket.evidence.models import Passage, Suggestion, Theme, ThemeSummary
from docket.mail.models import InboundMessage
from docket.requests.actions import Actor, record_event
from docket.requests.events import EventKind

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
MAX_MEMO_CHARS = 10_000


class CodingError(DocketError):
    """A codebook or a coding that cannot be as asked, said so a person can put it right; ``field``: the
    box to correct (a theme's name, colour), for the page to show the message there."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def add_theme(
    campaign: Campaign,
    name: str,
    actor: Actor,
    *,
    description: str = "",
    colour: str = "#1d70b8",
    keywords: str = "",
    parent: Theme | None = None,
) -> Theme:
    """A new theme in the campaign's codebook (under ``parent``, one level deep at most)."""
    theme = Theme(campaign=campaign, parent=parent, position=campaign.themes.count())
    with transaction.atomic():
        _save_theme(theme, name, description, colour, keywords, parent)
        log(campaign, actor, EventKind.THEME_ADDED, _theme_named(theme))
    return theme


def _theme_named(theme: Theme) -> str:
    return f"“{theme.parent.name} / {theme.name}”" if theme.parent is not None else f"“{theme.name}”"


def change_theme(
    theme: Theme, actor: Actor, *, name: str, description: str, colour: str, keywords: str, parent: Theme | None
) -> Theme:
    if parent is not None and theme.children.exists():
        raise CodingError(f"“{theme.name}” has themes under it, so it cannot go under another theme.")
    before = {
        "name": theme.name,
        "description": theme.description,
        "colour": theme.colour,
        "keywords": theme.keywords,
        "parent": theme.parent_id,
    }
    was = theme.name
    with transaction.atomic():
        _save_theme(theme, name, description, colour, keywords, parent)
        after = {
            "name": theme.name,
            "description": theme.description,
            "colour": theme.colour,
            "keywords": theme.keywords,
            "parent": theme.parent_id,
        }
        changed = [key for key in before if before[key] != after[key]]
        if changed:
            what = ", ".join("place" if key == "parent" else key for key in changed)
            log(theme.campaign, actor, EventKind.THEME_CHANGED, f"“{was}”: {what}")
    return theme


def _save_theme(theme: Theme, name: str, description: str, colour: str, keywords: str, parent: Theme | None) -> Theme:
    name = " ".join(name.split())
    if not name:
        raise CodingError("Enter a name for the theme.", field="name")
    if len(name) > 100:
        raise CodingError("A theme's name can be at most 100 characters long.", field="name")
    if not COLOUR.fullmatch(colour):
        raise CodingError(f"The colour must be written like #1d70b8, not {colour[:20]!r}.", field="colour")
    if parent is not None:
        if parent.campaign_id != theme.campaign_id:
            raise CodingError("A theme can only go under a theme of the same campaign.")
        if parent.parent_id is not None or (theme.pk is not None and parent.pk == theme.pk):
            raise CodingError(f"“{parent.name}” is itself under a theme: themes go one level deep.")
    theme.name, theme.description, theme.colour = name, description.strip(), colour.lower()
    theme.keywords, theme.parent = " ".join(keywords.split())[:300], parent
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError:
        raise CodingError(f"The codebook already has a theme called “{name}”.") from None
    return theme


def remove_theme(theme: Theme, actor: Actor) -> None:
    coded = theme.passages.count()
    if coded:
        raise CodingError(f"“{theme.name}” is on {words.count(coded, 'coded passage')}: take it off them first.")
    if theme.children.exists():
        raise CodingError(f"“{theme.name}” has themes under it: move or remove them first.")
    with transaction.atomic():
        log(theme.campaign, actor, EventKind.THEME_REMOVED, _theme_named(theme))
        theme.delete()


def _themes(campaign_id: int, themes: Sequence[Theme]) -> list[Theme]:
    if not themes:
        raise CodingError("Choose at least one theme for the passage.")
    if any(theme.campaign_id != campaign_id for theme in themes):
        raise CodingError("A passage can only be coded with its own campaign's themes.")
    return list(themes)


def code_passage(
    message: InboundMessage,
    attachment: Attachment | None,
    quote: str,
    themes: Sequence[Theme],
    actor: Actor,
    *,
    memo: str = "",
    page: int = 0,
    near: int | None = None,
) -> Passage:
    """Code the words ``quote`` of a reply (``attachment`` None) or of a document, on ``page``, with themes.

    The quote is found by its words on that page (the whole reply), the place nearest ``near``
    (a character offset in the source's text) if it is there more than once.
    """
    request = message.request
    if request is None:
        raise CodingError("Only a message filed to a request can be coded.")
    chosen = _themes(request.campaign_id, themes)
    text = anchoring.source_text(message, attachment)
    lo, hi = anchoring.page_bounds(attachment, page, text)
    if not quote.split():
        raise CodingError("Enter the words of the passage, or select them on the page.")
    if len(quote) > anchoring.MAX_QUOTE_CHARS:
        raise CodingError(f"A passage can be at most {anchoring.MAX_QUOTE_CHARS:,} characters long.")
    place = anchoring.locate(text, quote, near=lo if near is None else near, lo=lo, hi=hi)
    name = (attachment.filename or f"Attachment {attachment.pk}") if attachment is not None else _reply_name(message)
    if place is None:
        where = f"page {page} of {name}" if attachment is not None and page else name
        raise CodingError(f"These words are not on {where}: copy them exactly from the page. ({quote[:80]!r})")
    start, end = place
    with transaction.atomic():
        passage = Passage.objects.create(
            campaign_id=request.campaign_id,
            request=request,
            message=message,
            attachment=attachment,
            source_sha256=attachment.blob_id if attachment is not None else "",
            source_name=name[:300],
            page=attachment.page_of(start) if attachment is not None else 0,
            start=start,
            end=end,
            quote=text[start:end],
            memo=memo.strip()[:MAX_MEMO_CHARS],
            coder=actor.user,
            coder_name=actor.name,
        )
        passage.themes.set(chosen)
        record_event(request, EventKind.PASSAGE_CODED, actor, _described(passage, chosen))
    return passage


def _reply_name(message: InboundMessage) -> str:
    return f"Reply: {message.subject}" if message.subject else "Reply"


def _described(passage: Passage, themes: Sequence[Theme]) -> str:
    where = f", page {passage.page}" if passage.page else ""
    names = ", ".join(theme.name for theme in themes)
    return f"“{passage.quote[:80]}” ({passage.source_name}{where}) as {names}"


def change_passage(passage: Passage, themes: Sequence[Theme], memo: str, actor: Actor) -> Passage:
    chosen = _themes(passage.campaign_id, themes)
    with transaction.atomic():
        passage.memo = memo.strip()[:MAX_MEMO_CHARS]
        passage.save(update_fields=["memo"])
        passage.themes.set(chosen)
        record_event(passage.request, EventKind.PASSAGE_CHANGED, actor, _described(passage, chosen))
    return passage


def remove_passage(passage: Passage, actor: Actor) -> None:
    with transaction.atomic():
        record_event(passage.request, EventKind.PASSAGE_REMOVED, actor, _described(passage, list(passage.themes.all())))
        passage.delete()


def accept_suggestion(suggestion: Suggestion, actor: Actor, memo: str = "") -> Passage:
    """The suggested passage is coded with its theme, by the person who accepted it."""
    if suggestion.state != Suggestion.State.OPEN:
        raise CodingError(f"This suggestion was {suggestion.get_state_display().lower()} already.")
    with transaction.atomic():
        passage = code_passage(
            suggestion.message,
            suggestion.attachment,
            suggestion.quote,
            [suggestion.theme],
            actor,
            memo=memo,
            page=suggestion.page,
            near=suggestion.start,
        )
        suggestion.state, suggestion.decided_by, suggestion.passage = Suggestion.State.ACCEPTED, actor.name, passage
        suggestion.save(update_fields=["state", "decided_by", "passage"])
        record_event(passage.request, EventKind.SUGGESTION_ACCEPTED, actor, f"for {suggestion.theme.name}")
    return passage


def dismiss_suggestion(suggestion: Suggestion, actor: Actor) -> Suggestion:
    if suggestion.state != Suggestion.State.OPEN:
        raise CodingError(f"This suggestion was {suggestion.get_state_display().lower()} already.")
    with transaction.atomic():
        suggestion.state, suggestion.decided_by = Suggestion.State.DISMISSED, actor.name
        suggestion.save(update_fields=["state", "decided_by"])
        where = f", page {suggestion.page}" if suggestion.page else ""
        note = f"“{suggestion.quote[:80]}” ({suggestion.source_name}{where}) for {suggestion.theme.name}"
        record_event(suggestion.request, EventKind.SUGGESTION_DISMISSED, actor, note)
    return suggestion


def save_summary(recipient: Recipient, theme: Theme, text: str, actor: Actor) -> ThemeSummary | None:
    """The analyst's summary of what this recipient's replies say about the theme (blank: none)."""
    if theme.campaign_id != recipient.campaign_id:
        raise CodingError("A summary can only be of a theme of the recipient's own campaign.")
    text = text.strip()
    if len(text) > ThemeSummary.MAX_CHARS:
        raise CodingError(
            f"A summary can be at most {ThemeSummary.MAX_CHARS:,} characters long (this is {len(text):,})."
        )
    body = recipient.contact.body.name
    request = getattr(recipient, "request", None)
    with transaction.atomic():
        found = ThemeSummary.objects.select_for_update().filter(recipient=recipient, theme=theme).first()
        if not text:
            if found is not None:
                found.delete()
                log(recipient.campaign, actor, EventKind.THEME_SUMMARY_SAVED, f"{body}, {theme.name}: cleared", request)
            return None
        if found is not None and found.text == text:
            return found
        summary = found or ThemeSummary(campaign_id=recipient.campaign_id, recipient=recipient, theme=theme)
        summary.text, summary.written_by = text, actor.name
        summary.save()
        log(recipient.campaign, actor, EventKind.THEME_SUMMARY_SAVED, f"{body}, {theme.name}: “{text[:80]}”", request)
    return summary


def set_quoted(passage: Passage, quoted: bool, actor: Actor) -> Passage:
    """Choose the passage as a quotation of the campaign's report (or no longer)."""
    if passage.in_report == quoted:
        return passage
    with transaction.atomic():
        passage.in_report = quoted
        passage.save(update_fields=["in_report"])
        where = f", page {passage.page}" if passage.page else ""
        what = "chosen for" if quoted else "taken out of"
        note = f"“{passage.quote[:80]}” ({passage.source_name}{where}) {what} the report"
        record_event(passage.request, EventKind.PASSAGE_QUOTED, actor, note)
    return passage
