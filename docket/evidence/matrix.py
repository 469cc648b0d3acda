"""The themes matrix: a campaign's bodies by its themes, each cell the passages coded there and the analyst's
summary, or why there is nothing (no documents received, refused, or received but silent on the theme).

A theme with themes under it (one level) counts its own passages and theirs, each passage once even when it
is coded with the theme and one under it; its sub-themes' columns count their own. When the campaign requires
double coding, each cell also says how many of its passages are on documents only one person has coded.

Reads in a fixed number of queries for any number of recipients shown: the passages coded (and, with double
coding, who coded each document), the summaries, the ledger's statuses and the documents received, each one
query for the whole page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Count, Q, QuerySet

from docket.campaigns.models import Campaign, Recipient, RecipientItem
from docket.documents.models import Attachment
from docket.evidence.double_coding import NEEDED, Unit, coders_by_unit, unit_of
from docket.evidence.models import Passage, Theme, ThemeSummary

Status = RecipientItem.Status
RECEIVED = frozenset({Status.RECEIVED, Status.PARTLY_RECEIVED, Status.PUBLISHED_ONLINE})


class CellState:
    CODED = "coded"
    SILENT = "silent"
    REFUSED = "refused"
    NOTHING = "nothing"


LABELS = {
    CellState.CODED: "Coded",
    CellState.SILENT: "Received, silent on this theme",
    CellState.REFUSED: "Refused",
    CellState.NOTHING: "No documents received",
}


@dataclass(frozen=True)
class ThemeCell:
    theme: Theme
    count: int
    summary: str
    state: str
    rolled_up: bool = False  # the theme has themes under it: their passages are counted here too
    single: int = 0  # of the passages, those on documents one person alone has coded (double coding)

    @property
    def label(self) -> str:
        return LABELS[self.state]


@dataclass(frozen=True)
class ThemeRow:
    recipient: Recipient
    cells: list[ThemeCell]


def themes_of(campaign: Campaign) -> list[Theme]:
    """The codebook in the matrix's order: each top-level theme followed by those under it."""
    themes = list(Theme.objects.filter(campaign=campaign).select_related("parent"))
    top = [t for t in themes if t.parent_id is None]
    ordered: list[Theme] = []
    for theme in top:
        ordered.append(theme)
        ordered += [t for t in themes if t.parent_id == theme.pk]
    return ordered


def recipients(campaign: Campaign, tag: str = "", kind: str = "") -> QuerySet[Recipient]:
    """The campaign's recipients by body, those whose body has the tag and is of the kind, if given."""
    found = campaign.recipients.select_related("contact__body", "request").order_by("contact__body__name", "pk")
    if tag:
        found = found.filter(contact__body__tags__name=tag)
    if kind:
        found = found.filter(contact__body__kind=kind)
    return found.distinct() if tag else found


def ledger_states(recipient_ids: Sequence[int]) -> dict[int, str]:
    """For each recipient, what came back: something (an item received by the ledger, or a document
    attached to a reply), a refusal, or nothing (two queries)."""
    received: dict[int, str] = dict.fromkeys(
        Attachment.objects.filter(message__request__recipient__in=recipient_ids)
        .values_list("message__request__recipient", flat=True)
        .distinct()
        .order_by(),
        CellState.SILENT,
    )
    found = (
        RecipientItem.objects.filter(recipient__in=recipient_ids, state=RecipientItem.State.ASK)
        .values("recipient")
        .annotate(
            got=Count("pk", filter=Q(status__in=RECEIVED)),
            refused=Count("pk", filter=Q(status=Status.REFUSED)),
        )
        .order_by()
    )
    for row in found:
        if row["got"]:
            received[row["recipient"]] = CellState.SILENT
        elif row["refused"] and row["recipient"] not in received:
            received[row["recipient"]] = CellState.REFUSED
    return received


@dataclass
class Tally:
    """The passages of each cell, by (recipient, theme): a theme's cell holds its own passages and those of
    the themes under it, each passage once even when coded with both; ``single`` holds those of them on a
    document only one person has coded."""

    passages: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    single: dict[tuple[int, int], set[int]] = field(default_factory=dict)

    def count(self, recipient: int, theme: int) -> int:
        return len(self.passages.get((recipient, theme), ()))

    def single_count(self, recipient: int, theme: int) -> int:
        return len(self.single.get((recipient, theme), ()))


def tally(recipient_ids: Sequence[int], themes: Sequence[Theme], *, double_coding: bool = False) -> Tally:
    """The passages coded, by (recipient, theme), a theme counting those of its children too (one query; one
    more, who coded each document, with ``double_coding``)."""
    ids = {t.pk for t in themes}
    through = Passage.themes.through
    # (passage, recipient, theme, its parent, message, attachment, file). Cast: django-stubs types the
    # message column of this through-table query as text and the attachment as never empty.
    coded = cast(
        "Iterable[tuple[int, int, int, int | None, int, int | None, str]]",
        through.objects.filter(passage__request__recipient__in=recipient_ids)
        .filter(Q(theme__in=ids) | Q(theme__parent__in=ids))
        .values_list(
            "passage",
            "passage__request__recipient",
            "theme",
            "theme__parent",
            "passage__message",
            "passage__attachment",
            "passage__source_sha256",
        )
        .order_by(),
    )
    coders: dict[Unit, set[str]] = {}
    if double_coding:
        coders = coders_by_unit(
            Passage.objects.filter(request__recipient__in=recipient_ids)
            .values_list("message_id", "attachment_id", "source_sha256", "coder_name")
            .distinct()
            .order_by()
        )
    found = Tally()
    for passage, recipient, theme, parent, message, attachment, sha256 in coded:
        once = double_coding and len(coders.get(unit_of(message, attachment, sha256), ())) < NEEDED
        for column in (theme, parent):
            if column in ids:
                found.passages.setdefault((recipient, column), set()).add(passage)
                if once:
                    found.single.setdefault((recipient, column), set()).add(passage)
    return found


def counts(recipient_ids: Sequence[int], themes: Sequence[Theme]) -> dict[tuple[int, int], int]:
    """Passages coded, by (recipient, theme), a theme counting its children's too (one query)."""
    return {key: len(found) for key, found in tally(recipient_ids, themes).passages.items()}


def label_of(theme: Theme, has_children: bool) -> str:
    """A theme as a column of the matrix and the report: a theme with themes under it counts theirs too."""
    return f"{theme.name} (with its sub-themes)" if has_children else str(theme)


def labels(themes: Sequence[Theme]) -> list[str]:
    """The columns' names, in the matrix's order (what the report and the matrix's CSV head their columns with)."""
    parents = {t.parent_id for t in themes}
    return [label_of(theme, theme.pk in parents) for theme in themes]


def rows(
    recipients_shown: Sequence[Recipient], themes: Sequence[Theme], *, double_coding: bool = False
) -> list[ThemeRow]:
    ids = [r.pk for r in recipients_shown]
    coded = tally(ids, themes, double_coding=double_coding)
    parents = set(Theme.objects.filter(parent__in=[t.pk for t in themes]).values_list("parent_id", flat=True))
    summaries = {
        (s.recipient_id, s.theme_id): s.text
        for s in ThemeSummary.objects.filter(recipient__in=ids).only("recipient", "theme", "text")
    }
    ledger = ledger_states(ids)
    result = []
    for recipient in recipients_shown:
        cells = []
        for theme in themes:
            n = coded.count(recipient.pk, theme.pk)
            state = CellState.CODED if n else ledger.get(recipient.pk, CellState.NOTHING)
            summary = summaries.get((recipient.pk, theme.pk), "")
            single = coded.single_count(recipient.pk, theme.pk)
            cells.append(ThemeCell(theme, n, summary, state, theme.pk in parents, single))
        result.append(ThemeRow(recipient, cells))
    return result


def totals(campaign: Campaign, themes: Sequence[Theme]) -> dict[int, int]:
    """Bodies with at least one passage on each theme (or a theme under it), by theme id (one query)."""
    ids = {t.pk for t in themes}
    through = Passage.themes.through
    bodies: defaultdict[int, set[int]] = defaultdict(set)
    for recipient, theme, parent in (
        through.objects.filter(passage__campaign=campaign)
        .filter(Q(theme__in=ids) | Q(theme__parent__in=ids))
        .values_list("passage__request__recipient", "theme", "theme__parent")
        .distinct()
        .order_by()
    ):
        for column in (theme, parent):
            if column in ids:
                bodies[column].add(recipient)
    return {t.pk: len(bodies[t.pk]) for t in themes}


def cell_passages(recipient: Recipient, theme: Theme) -> QuerySet[Passage]:
    """A cell's passages: those coded with the theme or with a theme under it, each once."""
    chosen = Passage.objects.filter(Q(themes=theme) | Q(themes__parent=theme)).values("pk")
    return (
        Passage.objects.filter(request__recipient=recipient, pk__in=chosen)
        .select_related("attachment", "message")
        .prefetch_related("themes")
        .order_by("source_name", "page", "start")
    )
