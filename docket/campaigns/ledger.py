"""Reading the evidence ledger: a campaign's bodies-by-items matrix, its totals, and its export.

Every function here reads in a fixed number of queries, whatever the number of recipients:
a page of the matrix is the page's recipients, their items and the campaign's items; the
totals of any number of campaigns are one grouped query; the export streams the rows.
The ledger is written only by ``docket.campaigns.actions``.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from docket.campaigns.models import SETTLED, Campaign, Recipient, RecipientItem, RequestedItem
from docket.letters.csv_cells import safe_row
from docket.requests.states import WAITING_STATES, RequestState

Status = RecipientItem.Status


@dataclass(frozen=True)
class Cell:
    """One body's one item: its status and what backs it."""

    requested: RequestedItem
    item: RecipientItem | None  # None: the recipient has no row for this item (added to the campaign later)

    @property
    def status(self) -> str:
        return self.item.status if self.item else ""

    @property
    def asked(self) -> bool:
        return bool(self.item and self.item.asked)

    def evidence_text(self) -> str:
        """What backs the status, in words (the export's cell and the matrix's link text)."""
        item = self.item
        if item is None:
            return ""
        if item.evidence is not None:
            page = f", page {item.evidence_page}" if item.evidence_page else ""
            text = f"{item.evidence.filename or 'attachment'}{page}"
            return f"{text}: {item.status_note}" if item.status_note else text
        if item.evidence_url:
            return item.evidence_url
        if item.status == Status.REFUSED:
            return f"“{item.status_note}”"
        return item.status_note


@dataclass(frozen=True)
class Row:
    recipient: Recipient
    cells: list[Cell]
    overdue: bool = False

    @property
    def withdrawn(self) -> bool:
        """The request was withdrawn: what its letter asked for is not asked any more."""
        request = getattr(self.recipient, "request", None)
        return request is not None and request.state == RequestState.WITHDRAWN


@dataclass
class Totals:
    """A campaign's ledger in numbers: of the items the letters asked for, how many are in each status."""

    asked: int = 0  # in letters that went, of requests not withdrawn
    overdue: int = 0  # asked, not settled, of a request past its due date
    by_status: dict[str, int] = field(default_factory=dict)
    withdrawn: int = 0  # asked in letters that went, of requests since withdrawn: no longer asked, shown apart

    def of(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def received(self) -> int:
        return self.of(Status.RECEIVED)

    @property
    def partly_received(self) -> int:
        return self.of(Status.PARTLY_RECEIVED)

    @property
    def published_online(self) -> int:
        return self.of(Status.PUBLISHED_ONLINE)

    @property
    def refused(self) -> int:
        return self.of(Status.REFUSED)

    @property
    def not_held(self) -> int:
        return self.of(Status.NOT_HELD)

    @property
    def settled(self) -> int:
        return sum(self.of(status) for status in SETTLED)

    @property
    def awaited(self) -> int:
        """Asked, and nothing received yet (a partly received item is counted as such, not here)."""
        return self.of(Status.ASKED)


def items_of(campaign: Campaign) -> list[RequestedItem]:
    return list(campaign.items.order_by("position", "key"))


def recipients(campaign: Campaign) -> QuerySet[Recipient]:
    """The campaign's recipients in the matrix's order (by body), with their requests."""
    return campaign.recipients.select_related("contact__body", "request").order_by("contact__body__name", "pk")


def rows(
    recipients_shown: Sequence[Recipient], items: Sequence[RequestedItem], today: datetime.date | None = None
) -> list[Row]:
    """The matrix's rows for these recipients (one query for all their items); overdue as of ``today``."""
    found = (
        RecipientItem.objects.filter(recipient__in=[r.pk for r in recipients_shown])
        .select_related("evidence")
        .order_by()
    )
    by_key = {(i.recipient_id, i.item_id): i for i in found}
    return [
        Row(
            r,
            [Cell(item, by_key.get((r.pk, item.pk))) for item in items],
            today is not None and hasattr(r, "request") and r.request.is_overdue(today),
        )
        for r in recipients_shown
    ]


def totals(campaigns: Iterable[Campaign], today: datetime.date) -> dict[int, Totals]:
    """Each campaign's totals (by campaign id), in two queries for all the campaigns: of the items
    asked for in the letters that went, how many are in each status, and how many are overdue."""
    ids = [c.pk for c in campaigns]
    # Asked in a letter that went: a draft's items are not asked yet; a withdrawn request's are not asked
    # any more (they are counted apart).
    in_letters = RecipientItem.objects.filter(
        recipient__campaign__in=ids, state=RecipientItem.State.ASK, recipient__request__sent_at__isnull=False
    )
    asked = in_letters.exclude(recipient__request__state=RequestState.WITHDRAWN)
    withdrawn = dict(
        in_letters.filter(recipient__request__state=RequestState.WITHDRAWN)
        .values("recipient__campaign")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("recipient__campaign", "n")
    )
    per_status = {f"n_{status}": Count("pk", filter=Q(status=status)) for status in Status.values}
    grouped = asked.values("recipient__campaign").annotate(n=Count("pk"), **per_status).order_by()
    counts: dict[int, dict[str, Any]] = {row["recipient__campaign"]: dict(row) for row in grouped}
    late = asked.filter(
        status__in=[Status.ASKED, Status.PARTLY_RECEIVED],
        recipient__request__state__in=WAITING_STATES,
        recipient__request__due_date__lt=today,
    )
    overdue = dict(
        late.values("recipient__campaign").annotate(n=Count("pk")).order_by().values_list("recipient__campaign", "n")
    )
    result = {}
    for pk in ids:
        row = counts.get(pk, {})
        by_status = {status: row.get(f"n_{status}", 0) for status in Status.values}
        result[pk] = Totals(
            asked=row.get("n", 0), overdue=overdue.get(pk, 0), by_status=by_status, withdrawn=withdrawn.get(pk, 0)
        )
    return result


def request_totals(item_states: Iterable[RecipientItem], request_state: str = "") -> Totals:
    """One recipient's totals, from its items already fetched (a page's prefetched rows), counted as
    ``totals`` counts a campaign's: a withdrawn request's items are not asked any more, but withdrawn."""
    counts = Counter(item.status for item in item_states if item.asked)
    if request_state == RequestState.WITHDRAWN:
        return Totals(withdrawn=sum(counts.values()))
    return Totals(asked=sum(counts.values()), by_status=dict(counts))


def recipient_totals(recipient: Recipient) -> Totals:
    """A recipient's totals on the campaign's page (its items prefetched): a letter not sent asks nothing yet."""
    request = getattr(recipient, "request", None)
    if request is None or request.sent_at is None:
        return Totals()
    return request_totals(recipient.item_states.all(), request.state)


def export_header(items: Sequence[RequestedItem]) -> list[object]:
    header: list[object] = ["body", "contact", "request", "request state", "due"]
    for item in items:
        header += [item.label, f"{item.label}: evidence"]
    return header


def export_rows(campaign: Campaign) -> Iterator[list[object]]:
    """The whole matrix, a row a body (its items fetched a few hundred bodies at a time)."""
    items = items_of(campaign)
    yield export_header(items)
    chunk: list[Recipient] = []
    for recipient in recipients(campaign).iterator(chunk_size=500):
        chunk.append(recipient)
        if len(chunk) == 500:
            yield from _export_chunk(chunk, items)
            chunk = []
    yield from _export_chunk(chunk, items)


def _export_chunk(chunk: list[Recipient], items: Sequence[RequestedItem]) -> Iterator[list[object]]:
    if not chunk:
        return
    for row in rows(chunk, items):
        request = getattr(row.recipient, "request", None)
        values: list[object] = [
            row.recipient.contact.body.name,
            row.recipient.contact.full_name,
            request.pk if request else "",
            RequestState(request.state).label if request else "Not started",
            request.due_date.isoformat() if request and request.due_date else "",
        ]
        for cell in row.cells:
            label = cell.item.get_status_display() if cell.item else ""
            if cell.item is not None and not cell.asked:
                label += " (in the letter)" if cell.status == Status.PUBLISHED_ONLINE else ""
            elif cell.item is not None and row.withdrawn:
                label += " (withdrawn)"  # as the ledger page and the report say: no longer asked, not counted
            values += [label, cell.evidence_text()]
        yield values


def to_csv(table: Iterable[list[object]]) -> Iterator[str]:
    """Each row as a line of CSV, its cells made safe for a spreadsheet to open."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for values in table:
        writer.writerow(safe_row(values))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def to_xlsx(table: Iterable[list[object]], title: str) -> bytes:
    """The rows as an Excel workbook, written row by row (openpyxl's write-only mode)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title="Ledger")
    first = True
    for values in table:
        cells = []
        for value in values:
            shown = value if value is None or isinstance(value, (str, int, float)) else str(value)
            cell = WriteOnlyCell(sheet, value=shown)
            if isinstance(value, str):
                cell.data_type = "s"  # text, always: openpyxl would store "=…" as a formula
            if first:
                cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
        first = False
    book.properties.title = title[:200]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
