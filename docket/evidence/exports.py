"""A campaign's coded passages, out: a table (CSV, XLSX) and a REFI-QDA project (.qdpx).

The table has one row a passage and theme: body, request, document, page, theme, quote, memo,
coder; cells that a spreadsheet would take for a formula are made text (``safe_cell``).

The ``.qdpx`` is a ZIP of ``project.qde`` (XML in the REFI-QDA Project schema, shipped as
``schemas/Project.xsd`` and checked in the tests) and ``Sources/`` (each document's text, UTF-8).
The codebook is the themes (nested as they are); each document is a text source with its
coded passages as selections (character offsets in its text) coded with their themes; a
memo is a note on its selection; each body is a case holding its documents; each coder a user.
NVivo, ATLAS.ti, MAXQDA and QualCoder read it.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from lxml import etree

from docket.campaigns.models import Campaign
from docket.evidence import matrix
from docket.evidence.anchoring import source_text
from docket.evidence.models import Passage, Theme
from docket.letters.csv_cells import safe_row

HEADERS = ["body", "request", "document", "page", "theme", "quote", "memo", "coder"]
NS = "urn:QDA-XML:project:1.0"
GUID_NAMESPACE = uuid.UUID("5d1c1a8e-4f8b-4d4e-9a55-2f3c6b0b7a11")  # Docket's: the same object, the same GUID


def passages_of(campaign: Campaign) -> list[Passage]:
    return list(
        Passage.objects.filter(campaign=campaign)
        .select_related("request__recipient__contact__body", "message", "attachment")
        .prefetch_related("themes__parent")
        .order_by("request__recipient__contact__body__name", "source_name", "start", "pk")
    )


def rows(campaign: Campaign) -> Iterator[list[object]]:
    for passage in passages_of(campaign):
        body = passage.request.recipient.contact.body.name
        for theme in passage.themes.all():
            yield [
                body,
                passage.request_id,
                passage.source_name,
                passage.page or "",
                str(theme),
                passage.quote,
                passage.memo,
                passage.coder_name,
            ]


def passages_csv(campaign: Campaign) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows(campaign):
        writer.writerow(safe_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # with a byte-order mark: Excel then reads UTF-8


def passages_xlsx(campaign: Campaign) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Passages")
    sheet.append(HEADERS)
    for row in rows(campaign):
        sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def matrix_csv(campaign: Campaign, tag: str = "", kind: str = "") -> bytes:
    """The themes matrix as the page shows it (bodies with the tag and of the kind, if given): a row a body, a
    column a theme, each cell its number of passages (a theme with sub-themes counting theirs, each passage
    once); with double coding, a last column per theme: of them, those on documents one person alone coded."""
    themes = matrix.themes_of(campaign)
    shown = list(matrix.recipients(campaign, tag, kind))
    names = matrix.labels(themes)
    header = ["body", "kind", *names]
    if campaign.double_coding:
        header += [f"{name}: coded by one person" for name in names]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in matrix.rows(shown, themes, double_coding=campaign.double_coding):
        line: list[object] = [row.recipient.contact.body.name, row.recipient.contact.body.kind]
        line += [cell.count for cell in row.cells]
        if campaign.double_coding:
            line += [cell.single for cell in row.cells]
        writer.writerow(safe_row(line))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def guid(kind: str, key: object) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


@dataclass
class _Source:
    guid: str
    name: str
    text: str
    body_id: int
    passages: list[Passage]


def project_xml(campaign: Campaign) -> tuple[bytes, dict[str, str]]:
    """``project.qde`` and the sources' texts (path inside the ZIP → text)."""
    passages = passages_of(campaign)
    now = timezone.now().replace(microsecond=0).isoformat()
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS})
    root.set("name", campaign.title)
    root.set("origin", "Docket")
    root.set("creationDateTime", now)
    users = {p.coder_name: guid("user", p.coder_name) for p in passages}
    if users:
        users_el = etree.SubElement(root, f"{{{NS}}}Users")
        for name, user_guid in users.items():
            etree.SubElement(users_el, f"{{{NS}}}User", guid=user_guid, name=name)
    themes = list(Theme.objects.filter(campaign=campaign).order_by("position", "name"))
    if themes:
        codes = etree.SubElement(etree.SubElement(root, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
        for theme in [t for t in themes if t.parent_id is None]:
            _code(codes, theme, [t for t in themes if t.parent_id == theme.pk])
    sources: dict[tuple[int, int | None, str], _Source] = {}
    for passage in passages:
        key = (passage.message_id, passage.attachment_id, passage.source_sha256)
        if key not in sources:
            text = source_text(passage.message, passage.attachment)
            sources[key] = _Source(
                guid("source", key), passage.source_name, text, passage.request.recipient.contact.body_id, []
            )
        sources[key].passages.append(passage)
    bodies: dict[int, list[str]] = {}
    for source in sources.values():
        bodies.setdefault(source.body_id, []).append(source.guid)
    if bodies:
        cases = etree.SubElement(root, f"{{{NS}}}Cases")
        names = {p.request.recipient.contact.body_id: p.request.recipient.contact.body.name for p in passages}
        for body_id, source_guids in bodies.items():
            case = etree.SubElement(cases, f"{{{NS}}}Case", guid=guid("body", body_id), name=names[body_id])
            for source_guid in source_guids:
                etree.SubElement(case, f"{{{NS}}}SourceRef", targetGUID=source_guid)
    files: dict[str, str] = {}
    notes: list[tuple[str, Passage]] = []
    if sources:
        sources_el = etree.SubElement(root, f"{{{NS}}}Sources")
        for source in sources.values():
            path = f"{source.guid}.txt"
            files[f"Sources/{path}"] = source.text
            element = etree.SubElement(
                sources_el,
                f"{{{NS}}}TextSource",
                guid=source.guid,
                name=source.name,
                plainTextPath=f"internal://{path}",
            )
            for passage in source.passages:
                notes += _selection(element, passage, users[passage.coder_name])
    if notes:
        notes_el = etree.SubElement(root, f"{{{NS}}}Notes")
        for note_guid, passage in notes:
            note = etree.SubElement(notes_el, f"{{{NS}}}Note", guid=note_guid, name=f"Memo on “{passage.quote[:40]}”")
            etree.SubElement(note, f"{{{NS}}}PlainTextContent").text = passage.memo
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True), files


def _code(parent: etree._Element, theme: Theme, children: list[Theme]) -> None:
    code = etree.SubElement(
        parent, f"{{{NS}}}Code", guid=guid("theme", theme.pk), name=theme.name, isCodable="true", color=theme.colour
    )
    if theme.description:
        etree.SubElement(code, f"{{{NS}}}Description").text = theme.description
    for child in children:
        _code(code, child, [])


def _selection(source: etree._Element, passage: Passage, user_guid: str) -> list[tuple[str, Passage]]:
    created = passage.created_at.replace(microsecond=0).isoformat()
    selection = etree.SubElement(
        source,
        f"{{{NS}}}PlainTextSelection",
        guid=guid("passage", passage.pk),
        name=passage.quote[:100],
        startPosition=str(passage.start),
        endPosition=str(passage.end),
        creatingUser=user_guid,
        creationDateTime=created,
    )
    if passage.page:
        etree.SubElement(selection, f"{{{NS}}}Description").text = f"page {passage.page}"
    for theme in passage.themes.all():
        coding = etree.SubElement(
            selection, f"{{{NS}}}Coding", guid=guid("coding", f"{passage.pk}:{theme.pk}"), creatingUser=user_guid
        )
        etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=guid("theme", theme.pk))
    if not passage.memo:
        return []
    note_guid = guid("memo", passage.pk)
    etree.SubElement(selection, f"{{{NS}}}NoteRef", targetGUID=note_guid)
    return [(note_guid, passage)]


def qdpx(campaign: Campaign) -> bytes:
    project, files = project_xml(campaign)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project)
        for path, text in files.items():
            archive.writestr(path, text.encode("utf-8"))
    return out.getvalue()
