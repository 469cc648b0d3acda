"""The themes matrix: a campaign's bodies by its themes, each cell the passages coded there and the analyst's
summary, or why there is nothing (no documents received, refused, or received but silent on the theme).

Reads in a fixed number of queries for any number of recipients shown: the passages' counts grouped by
recipient and theme, the summaries, the ledger's statuses and the documents received, each one query
for the whole page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from docket.campaigns.models import Campaign, Recipient, RecipientItem
from docket.documents.models import Attachment
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


def counts(recipient_ids: Sequence[int], themes: Sequence[Theme]) -> dict[tuple[int, int], int]:
    """Passages coded, by (recipient, theme) (one query)."""
    through = Passage.themes.through
    grouped = (
        through.objects.filter(passage__request__recipient__in=recipient_ids, theme__in=[t.pk for t in themes])
        .values("passage__request__recipient", "theme")
        .annotate(n=Count("passage", distinct=True))
        .order_by()
    )
    return {(row["passage__request__recipient"], row["theme"]): row["n"] for row in grouped}


def rows(recipients_shown: Sequence[Recipient], themes: Sequence[Theme]) -> list[ThemeRow]:
    ids = [r.pk for r in recipients_shown]
    coded = counts(ids, themes)
    summaries = {
        (s.recipient_id, s.theme_id): s.text
        for s in ThemeSummary.objects.filter(recipient__in=ids).only("recipient", "theme", "text")
    }
    ledger = ledger_states(ids)
    result = []
    for recipient in recipients_shown:
        cells = []
        for theme in themes:
            n = coded.get((recipient.pk, theme.pk), 0)
            state = CellState.CODED if n else ledger.get(recipient.pk, CellState.NOTHING)
            cells.append(ThemeCell(theme, n, summaries.get((recipient.pk, theme.pk), ""), state))
        result.append(ThemeRow(recipient, cells))
    return result


def totals(campaign: Campaign, themes: Sequence[Theme]) -> dict[int, int]:
    """Bodies with at least one passage on each theme, by theme id (one query)."""
    through = Passage.themes.through
    grouped = (
        through.objects.filter(passage__campaign=campaign, theme__in=[t.pk for t in themes])
        .values("theme")
        .annotate(n=Count("passage__request__recipient", distinct=True))
        .order_by()
    )
    found = defaultdict(int, {row["theme"]: row["n"] for row in grouped})
    return {t.pk: found[t.pk] for t in themes}


def cell_passages(recipient: Recipient, theme: Theme) -> QuerySet[Passage]:
    return (
        Passage.objects.filter(request__recipient=recipient, themes=theme)
        .select_related("attachment", "message")
        .prefetch_related("themes")
        .order_by("source_name", "page", "start")
    )
