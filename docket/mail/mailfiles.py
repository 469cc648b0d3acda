"""Taking in mail from files: one message per .eml, many per .mbox.

Every run first reads again the messages an earlier run stranded (stopped while
reading them): see ``intake.take_in_stranded``.
"""

from __future__ import annotations

import mailbox
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from django.db import connections

from docket import words
from docket.mail.import_workers import ingest_chunk, start_worker
from docket.mail.intake import CHUNK, take_in_stranded
from docket.mail.models import InboundMessage


@dataclass
class MailImportReport:
    stored: int = 0
    already: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    processes: int = 1
    stranded: Counter[str] = field(default_factory=Counter)  # left by an earlier run, read again: by status

    def __str__(self) -> str:
        details = ", ".join(f"{count} {status}" for status, count in sorted(self.statuses.items()))
        text = f"{words.count(self.stored, 'new message')} stored ({details or 'none'}); {self.already} already stored"
        if self.stranded:
            again = ", ".join(f"{count} {status}" for status, count in sorted(self.stranded.items()))
            text += f"; {words.count(self.stranded.total(), 'stranded message')} read again ({again})"
        text += f"; by {self.processes} processes" if self.processes > 1 else ""
        return text + "".join(f"\n  {error}" for error in self.errors)


def raw_messages(path: Path) -> list[tuple[str, bytes]]:
    """(where, bytes) for each message in the file."""
    if path.suffix.lower() == ".mbox" or path.name == "mbox":
        box = mailbox.mbox(str(path), create=False)
        try:
            return [(f"{path.name} message {number}", box.get_bytes(key)) for number, key in enumerate(box.keys(), 1)]
        finally:
            box.close()
    return [(path.name, path.read_bytes())]


def import_files(paths: list[Path], *, ocr: bool = True, workers: int = 1) -> MailImportReport:
    """Take in every message of the files; with ``workers`` > 1, a large import is shared
    among that many processes (each message is still stored and read by exactly one)."""
    report = MailImportReport()
    report.stranded.update(str(message.status) for message in take_in_stranded(ocr=ocr))
    messages: list[tuple[str, bytes]] = []
    for path in paths:
        if not path.is_file():
            report.errors.append(f"{path}: no such file")
            continue
        try:
            messages += raw_messages(path)
        except (OSError, mailbox.Error) as error:
            report.errors.append(f"{path}: cannot be read as mail: {error}")
    report.processes = processes_for(len(messages), workers)
    try:
        outcomes = ingest_all(messages, InboundMessage.Source.UPLOAD, ocr=ocr, workers=workers)
    except BrokenProcessPool:
        report.errors.append(
            "a worker process stopped (killed, or out of memory) before its share was done: the rest were "
            "taken in by this process, and what the worker had stored was read again"
        )
        report.stranded.update(str(message.status) for message in take_in_stranded(ocr=ocr))
        outcomes = ingest_chunk(messages, InboundMessage.Source.UPLOAD, ocr)
    for created, status in outcomes:
        if created:
            report.stored += 1
            report.statuses[status] += 1
        else:
            report.already += 1
    return report


def processes_for(count: int, workers: int) -> int:
    """Workers are started only for an import of at least two chunks, and no more than there are chunks."""
    if workers <= 1 or count < 2 * CHUNK:
        return 1
    return min(workers, -(-count // CHUNK))


def ingest_all(
    messages: list[tuple[str, bytes]], source: str, *, ocr: bool = True, workers: int = 1
) -> list[tuple[bool, str]]:
    """``ingest`` each (where, bytes); (created, status) for each, in the order given."""
    processes = processes_for(len(messages), workers)
    if processes == 1:
        return ingest_chunk(messages, source, ocr)
    chunks = [messages[start : start + CHUNK] for start in range(0, len(messages), CHUNK)]
    connections.close_all()  # the workers open their own
    # "spawn": workers start clean (no inherited database connections or locks) and set Django up.
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn"), initializer=start_worker) as pool:
        results = pool.map(ingest_chunk, chunks, [source] * len(chunks), [ocr] * len(chunks))
        return [outcome for chunk in results for outcome in chunk]
