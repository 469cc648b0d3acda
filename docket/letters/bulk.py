"""Rendering a whole campaign's letters on every core, all or nothing.

Workers get plain data (no database), render chunks of recipients and write
files into a staging folder; only when every letter has been made are the
files moved into place (or zipped) with a manifest. A template error in any
letter stops the run and leaves no output behind.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

import jinja2

from docket.letters import FORMATS, writer
from docket.letters.compose import build_letter
from docket.letters.csv_cells import safe_row
from docket.letters.inputs import CampaignData, RecipientData
from docket.letters.templating import compile_template

CHUNK = 16
MANIFEST_COLUMNS = ("recipient", "name", "body", "format", "file", "sha256")


@dataclass(frozen=True)
class ManifestRow:
    recipient: str
    name: str
    body: str
    format: str
    file: str
    sha256: str


def file_stem(recipient: RecipientData) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", recipient.body.lower()).strip("-")[:60] or "recipient"
    return f"{recipient.id:0>4}-{slug}"


@lru_cache(maxsize=8)
def _template(source: str, slug: str) -> jinja2.Template:
    return compile_template(source, slug)


def render_chunk(
    campaign: CampaignData, recipients: Sequence[RecipientData], formats: Sequence[str], folder: str
) -> list[ManifestRow]:
    """Render some recipients' letters into ``folder`` (runs in a worker process)."""
    template = _template(campaign.template, campaign.slug)
    rows = []
    for recipient in recipients:
        letter = build_letter(campaign, recipient, template)
        for fmt in formats:
            data = writer(fmt)(letter)
            name = f"{file_stem(recipient)}.{fmt}"
            Path(folder, name).write_bytes(data)
            rows.append(
                ManifestRow(
                    recipient.id, recipient.full_name, recipient.body, fmt, name, hashlib.sha256(data).hexdigest()
                )
            )
    return rows


def _chunks(recipients: Sequence[RecipientData], size: int) -> Iterator[Sequence[RecipientData]]:
    for start in range(0, len(recipients), size):
        yield recipients[start : start + size]


def render_all(
    campaign: CampaignData,
    recipients: Sequence[RecipientData],
    formats: Sequence[str],
    out: Path,
    *,
    as_zip: bool = False,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Render every recipient's letter in every format; returns the manifest (or the zip) path."""
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError(
            f"unknown format{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"the formats are: {', '.join(FORMATS)}"
        )
    compile_template(campaign.template, campaign.slug)  # a syntax error stops us before any work
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".docket-render-", dir=out))
    try:
        rows = _render_in_pool(campaign, recipients, formats, staging, workers or os.cpu_count() or 1, progress)
        rows.sort(key=lambda row: row.file)
        return _publish(campaign, rows, staging, out, as_zip)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _render_in_pool(
    campaign: CampaignData,
    recipients: Sequence[RecipientData],
    formats: Sequence[str],
    staging: Path,
    workers: int,
    progress: Callable[[int], None] | None,
) -> list[ManifestRow]:
    if workers == 1 or len(recipients) <= CHUNK:
        rows = []
        for chunk in _chunks(recipients, CHUNK):
            rows += render_chunk(campaign, chunk, formats, str(staging))
            if progress:
                progress(len(chunk))
        return rows
    rows = []
    # "spawn": workers start clean (no inherited database connections or locks).
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        pending: set[Future[list[ManifestRow]]] = {
            pool.submit(render_chunk, campaign, chunk, formats, str(staging)) for chunk in _chunks(recipients, CHUNK)
        }
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
                chunk_rows = future.result()
                rows += chunk_rows
                if progress:
                    progress(len({row.recipient for row in chunk_rows}))
    return rows


def manifest_csv(rows: Sequence[ManifestRow]) -> bytes:
    buffer = io.StringIO()
    table = csv.writer(buffer, lineterminator="\n")
    table.writerow(MANIFEST_COLUMNS)
    table.writerows(safe_row((r.recipient, r.name, r.body, r.format, r.file, r.sha256)) for r in rows)
    return buffer.getvalue().encode()


def _publish(campaign: CampaignData, rows: list[ManifestRow], staging: Path, out: Path, as_zip: bool) -> Path:
    manifest = manifest_csv(rows)
    if as_zip:
        target = out / f"{campaign.slug}-letters.zip"
        partial = staging / "letters.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for row in rows:
                archive.write(staging / row.file, row.file)
            archive.writestr("manifest.csv", manifest)
        os.replace(partial, target)
        return target
    for row in rows:
        os.replace(staging / row.file, out / row.file)
    target = out / "manifest.csv"
    target.write_bytes(manifest)
    return target
