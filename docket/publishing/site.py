"""The public site's pages, built from the published query layer only.

Each page is a path (as in the static export, e.g. ``iasc-vru-2020/hampshire/``) and
a context; the live views and ``docket export-site`` render the same templates with
them, so what the export holds is what the public pages show.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.utils.text import slugify

from docket.campaigns.ledger import request_totals
from docket.campaigns.models import Campaign, RecipientItem
from docket.letters.csv_cells import safe_cell
from docket.publishing import published
from docket.publishing.models import Publication
from docket.requests.models import InfoRequest
from docket.requests.states import RequestState


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site's root, "" for the home page; ends with "/" for a folder page
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class Shown:
    """A publication as a page shows it: with the site path of its redacted PDF, if it has one, or
    else of the page of its redacted text (a document that is not a PDF: its file is not published)."""

    item: Publication
    file: str
    text: str = ""
    title: str = ""


def body_slug(request: InfoRequest) -> str:
    """The body's own slug: unique, so two bodies never share a page (or overwrite one another's in an export)."""
    return request.recipient.contact.body.slug


def _file_name(publication: Publication) -> str:
    return slugify(publication.title.rsplit(".", 1)[0])[:60] or publication.kind


def file_path(publication: Publication) -> str:
    return f"files/{publication.token}/{_file_name(publication)}.pdf"


def text_path(publication: Publication) -> str:
    """The page of a document's redacted text, for a document published without a PDF (a Word or Excel
    file, an image): only PDFs are redacted as files, so of any other file only its text, redacted, is public."""
    return f"files/{publication.token}/{_file_name(publication)}/"


def _text_only(publication: Publication) -> bool:
    return (
        publication.kind == Publication.Kind.DOCUMENT
        and not publication.redacted_pdf_id
        and bool(publication.redacted_text.strip())
    )


def title(publication: Publication, body: str) -> str:
    """What a publication is called in public, ``body`` being the name of the body it is of, as it
    is now: a letter or a reply by the body's current name (the title stored when it was published
    keeps the name of that day, and a renamed body is shown by its new name everywhere else), a
    document by its file's name, as published (redacted)."""
    if publication.kind == Publication.Kind.LETTER:
        return f"Letter to {body}"
    if publication.kind == Publication.Kind.REPLY:
        return f"Reply from {body}"
    return publication.title


def _shown(publication: Publication, body: str) -> Shown:
    named = title(publication, body)
    if publication.redacted_pdf_id:
        return Shown(publication, file_path(publication), title=named)
    return Shown(publication, "", text_path(publication) if _text_only(publication) else "", title=named)


def _items(request: InfoRequest) -> list[dict[str, Any]]:
    """Each item as the evidence ledger has it: asked or not, its status, and the web address the
    body gave for one published online (public already). A refusal's reason is not shown here: it
    is the body's reply, public only once that reply is published (redacted)."""
    return [
        {
            "label": s.title or s.item.label,
            "asked": s.asked,
            "status": s.status,
            "status_label": s.get_status_display(),
            "received": s.status == RecipientItem.Status.RECEIVED,
            "url": s.evidence_url if s.status == RecipientItem.Status.PUBLISHED_ONLINE else "",
        }
        for s in request.recipient.item_states.all()
    ]


def request_summary(request: InfoRequest) -> dict[str, Any]:
    """A body's row: of the items asked for, how many were received, published online, refused,
    not held, and still awaited. Counted from the ledger as the workspace's ledger, dashboard and
    report count it (``Totals``), never from the request's state."""
    items = _items(request)
    totals = request_totals(request.recipient.item_states.all())
    return {
        "request": request,
        "body": request.recipient.contact.body.name,
        "slug": body_slug(request),
        "state": RequestState(request.state).label,
        "items": items,
        "asked": totals.asked,
        "received": totals.received,
        "partly_received": totals.partly_received,
        "published_online": totals.published_online,
        "refused": totals.refused,
        "not_held": totals.not_held,
        "awaited": totals.awaited,
    }


def home() -> Page:
    return Page("", "publishing/home.html", {"campaigns": list(published.campaigns())})


def campaign_page(campaign: Campaign) -> Page:
    rows = [request_summary(r) for r in published.requests(campaign)]
    return Page(f"{campaign.slug}/", "publishing/campaign.html", {"campaign": campaign, "rows": rows})


def body_page(campaign: Campaign, request: InfoRequest) -> Page:
    body = request.recipient.contact.body.name
    items = [_shown(p, body) for p in published.of_request(request)]
    documents = [s for s in items if s.item.kind == Publication.Kind.DOCUMENT]
    context = {
        "campaign": campaign,
        "summary": request_summary(request),
        "letter": next((s for s in items if s.item.kind == Publication.Kind.LETTER), None),
        "replies": [s for s in items if s.item.kind == Publication.Kind.REPLY],
        "documents": documents,
        "documents_text_only": any(s.text for s in documents),
        "documents_not_online": any(not s.file and not s.text for s in documents),
    }

    return Page(f"{campaign.slug}/{body_slug(request)}/", "publishing/body.html", context)


def document_text_page(publication: Publication) -> Page | None:
    """The redacted text of a published document that is not a PDF; None for any other publication."""
    if not _text_only(publication):
        return None
    request = publication.request
    context = {
        "campaign": request.campaign,
        "summary": request_summary(request),
        "document": publication,
        "kind": _kind_of_file(publication),
    }
    return Page(text_path(publication), "publishing/document_text.html", context)


def _kind_of_file(publication: Publication) -> str:
    content_type = publication.attachment.content_type if publication.attachment else ""
    for start, kind in KINDS_OF_FILE:
        if content_type.startswith(start):
            return kind
    return "file"


KINDS_OF_FILE = (
    ("application/vnd.openxmlformats-officedocument.wordprocessingml", "Word document"),
    ("application/msword", "Word document"),
    ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml", "Excel spreadsheet"),
    ("application/vnd.ms-excel", "Excel spreadsheet"),
    ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet"),
    ("text/csv", "CSV file"),
    ("image/", "image"),
    ("text/html", "web page"),
    ("text/", "text file"),
)


def pages() -> Iterator[Page]:
    yield home()
    for campaign in published.campaigns():
        yield campaign_page(campaign)
        for request in published.requests(campaign):
            yield body_page(campaign, request)
            for publication in published.of_request(request).filter(
                kind=Publication.Kind.DOCUMENT, redacted_pdf__isnull=True
            ):
                if (page := document_text_page(publication)) is not None:
                    yield page


def files() -> Iterator[tuple[str, bytes]]:
    for publication in published.publications().filter(redacted_pdf__isnull=False).select_related("redacted_pdf"):
        assert publication.redacted_pdf is not None
        yield file_path(publication), publication.redacted_pdf.read()


OPEN_DATA_COLUMNS = [
    "campaign",
    "body",
    "state",
    "sent",
    "due",
    "items_asked",
    "items_received",
    "items_published_online",
    "items_refused",
    "items_not_held",
    "page",
]


def open_data_rows() -> list[dict[str, Any]]:
    rows = []
    for campaign in published.campaigns():
        for request in published.requests(campaign):
            summary = request_summary(request)
            rows.append(
                {
                    "campaign": campaign.title,
                    "body": summary["body"],
                    "state": summary["state"],
                    "sent": request.sent_at.date().isoformat() if request.sent_at else "",
                    "due": request.due_date.isoformat() if request.due_date else "",
                    "items_asked": summary["asked"],
                    "items_received": summary["received"],
                    "items_published_online": summary["published_online"],
                    "items_refused": summary["refused"],
                    "items_not_held": summary["not_held"],
                    "page": f"{campaign.slug}/{summary['slug']}/",
                }
            )
    return rows


def open_data_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OPEN_DATA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in open_data_rows())
    return buffer.getvalue().encode()


def open_data_json() -> bytes:
    return (json.dumps({"requests": open_data_rows()}, indent=2, ensure_ascii=False) + "\n").encode()


def atom_feed(site_url: str) -> bytes:
    """Newest first; the same database gives the same bytes."""
    items = list(
        published.publications()
        .select_related("request__campaign", "request__recipient__contact__body")
        .order_by("-published_at", "token")
    )
    updated = items[0].published_at.isoformat() if items and items[0].published_at else "1970-01-01T00:00:00+00:00"
    entries = []
    for p in items:
        link = f"{site_url}{p.request.campaign.slug}/{body_slug(p.request)}/"
        entries.append(
            "<entry>"
            f"<title>{escape(title(p, p.request.recipient.contact.body.name))}</title>"
            f'<link href="{escape(link)}"/>'
            f"<id>urn:docket:publication:{p.token}</id>"
            f"<updated>{p.published_at.isoformat() if p.published_at else updated}</updated>"
            f"<summary>{escape(p.redacted_text[:500])}</summary>"
            "</entry>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Published letters and replies</title>"
        f'<link href="{escape(site_url)}"/><id>urn:docket:feed</id><updated>{updated}</updated>'
        + "".join(entries)
        + "</feed>\n"
    )
    return feed.encode()
