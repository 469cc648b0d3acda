"""The campaign report: who was asked for what and when, how the replies came in, the evidence ledger,
the themes matrix and the quotations chosen, gathered once (``build``) and written as a page, a tagged
PDF (``report_pdf``, Typst, PDF/UA-1 as letters are) or a Word document (``report_docx``).

Gathering reads in a fixed number of queries whatever the number of bodies (the ledger's and the themes
matrix's readers are used on all the recipients at once); each chart is drawn by matplotlib
(``docket.evidence.charts``) with a text alternative, and its numbers are a table beside it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from docket.campaigns import ledger
from docket.campaigns.models import Campaign, RecipientItem
from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.evidence import charts, double_coding, matrix
from docket.evidence.models import Passage, Theme
from docket.mail.models import InboundMessage
from docket.requests.deadlines import is_working_day

Status = RecipientItem.Status


class ReportTooBig(DocketError):
    """A report too large to make while a page waits: ``docket report`` makes it."""


@dataclass(frozen=True)
class Asked:
    body: str
    contact: str
    sent: datetime.date | None
    due: datetime.date | None
    progress: str  # the request's state, in words
    items: list[str]


@dataclass(frozen=True)
class Quotation:
    quote: str
    body: str
    source: str
    page: int
    themes: list[str]
    request: int


@dataclass
class Report:
    campaign: Campaign
    made: datetime.date
    asked: list[Asked]
    items: list[str]
    curve: list[tuple[int, int, int]]  # working day since sending, replies so far, documents so far
    totals: list[tuple[str, int]]  # ledger: status label, items
    ledger_rows: list[tuple[str, list[str]]]  # body, each item's status label
    themes: list[str]
    theme_rows: list[tuple[str, list[int]]]  # body, passages per theme (a theme's own and its sub-themes')
    quotations: list[Quotation]
    # Double coding: each row's passages per theme on documents one person alone has coded (else empty),
    # and how many documents are coded by two people, by one, by none.
    theme_single: list[list[int]] = field(default_factory=list)
    coding_progress: dict[str, int] = field(default_factory=dict)
    charts: dict[str, charts.Chart] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.campaign.title}: report"


def _day_numbers(start: datetime.date, last: datetime.date) -> dict[datetime.date, int]:
    numbers, count, day = {}, 0, start
    while day < last:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
        numbers[day] = count
    return numbers


def response_curve(campaign: Campaign, today: datetime.date) -> list[tuple[int, int, int]]:
    """By working day since each letter went: the replies and the documents received so far (two queries)."""
    sent = dict(campaign.requests.filter(sent_at__isnull=False).values_list("pk", "sent_at").order_by())
    if not sent:
        return []
    replies = InboundMessage.objects.filter(
        request__in=list(sent), status=InboundMessage.Status.FILED, classification="reply"
    ).values_list("pk", "request", "received_at")
    documents: Counter[int] = Counter(
        Attachment.objects.filter(message__request__in=list(sent), message__classification="reply")
        .values_list("message_id", flat=True)
        .order_by()
    )
    first = min(timezone.localdate(when) for when in sent.values())
    numbers = _day_numbers(first, today)
    reply_days: Counter[int] = Counter()
    document_days: Counter[int] = Counter()
    for pk, request, received in replies.order_by():
        start, end = timezone.localdate(sent[request]), timezone.localdate(received)
        day = max(0, numbers.get(end, 0) - numbers.get(start, 0)) if end > start else 0
        reply_days[day] += 1
        document_days[day] += documents.get(pk, 0)
    last = max([*reply_days, 0])
    curve, replies_so_far, documents_so_far = [], 0, 0
    for day in range(last + 1):
        replies_so_far += reply_days[day]
        documents_so_far += document_days[day]
        curve.append((day, replies_so_far, documents_so_far))
    return curve


def build(campaign: Campaign, today: datetime.date | None = None, *, most_bodies: int | None = None) -> Report:
    """The report as of ``today``; with ``most_bodies``, refused (``ReportTooBig``) for a campaign of more."""
    today = today or timezone.localdate()
    if most_bodies is not None and (count := campaign.recipients.count()) > most_bodies:
        raise ReportTooBig(
            f"This campaign has {count:,} recipients: a report of more than {most_bodies:,} is not shown on a "
            f"page. Make it as a file (the worker makes it), or with the command “docket report {campaign.slug}”."
        )
    items = ledger.items_of(campaign)
    recipients = list(ledger.recipients(campaign))
    ledger_rows = ledger.rows(recipients, items)
    asked = []
    for row in ledger_rows:
        request = getattr(row.recipient, "request", None)
        asked.append(
            Asked(
                body=row.recipient.contact.body.name,
                contact=row.recipient.contact.full_name,
                sent=timezone.localdate(request.sent_at) if request and request.sent_at else None,
                due=request.due_date if request else None,
                progress=request.get_state_display() if request else "Not started",
                items=[cell.requested.label for cell in row.cells if cell.asked],
            )
        )
    totals = ledger.totals([campaign], today)[campaign.pk]
    themes: list[Theme] = matrix.themes_of(campaign)
    theme_rows = matrix.rows(recipients, themes, double_coding=campaign.double_coding) if themes else []
    quoted = (
        Passage.objects.filter(campaign=campaign, in_report=True)
        .select_related("request__recipient__contact__body")
        .prefetch_related("themes")
        .order_by("request__recipient__contact__body__name", "source_name", "page", "start")
    )
    report = Report(
        campaign=campaign,
        made=today,
        asked=asked,
        items=[item.label for item in items],
        curve=response_curve(campaign, today),
        totals=[("Asked for in the letters sent", totals.asked)]
        + [(label, totals.of(status)) for status, label in Status.choices if status != Status.ASKED]
        + [("Still awaited", totals.awaited), ("Overdue", totals.overdue)]
        + ([("In requests since withdrawn, not counted above", totals.withdrawn)] if totals.withdrawn else []),
        ledger_rows=[
            (
                row.recipient.contact.body.name,
                [
                    (cell.item.get_status_display() + (" (withdrawn)" if row.withdrawn and cell.asked else ""))
                    if cell.item
                    else "Not asked"
                    for cell in row.cells
                ],
            )
            for row in ledger_rows
        ],
        themes=matrix.labels(themes),
        theme_rows=[(row.recipient.contact.body.name, [cell.count for cell in row.cells]) for row in theme_rows],
        quotations=[
            Quotation(
                quote=p.quote,
                body=p.request.recipient.contact.body.name,
                source=p.source_name,
                page=p.page,
                themes=[t.name for t in p.themes.all()],
                request=p.request_id,
            )
            for p in quoted
        ],
    )
    if campaign.double_coding:
        report.theme_single = [[cell.single for cell in row.cells] for row in theme_rows]
        report.coding_progress = dict(double_coding.progress_counts(double_coding.documents(campaign)))
    report.charts = {
        "curve": charts.response_chart(report.curve),
        "heat": charts.heat_map(
            report.themes,
            report.theme_rows,
            Passage.objects.filter(campaign=campaign, themes__isnull=False).distinct().count(),
        ),
    }
    return report
