"""Taking in mail from files: one message per .eml, many per .mbox."""

from __future__ import annotations

import mailbox
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from docket.mail.intake import ingest
from docket.mail.models import InboundMessage


@dataclass
class ImportReport:
    stored: int = 0
    already: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        details = ", ".join(f"{count} {status}" for status, count in sorted(self.statuses.items()))
        text = f"{self.stored} new message(s) stored ({details or 'none'}); {self.already} already stored"
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


def import_files(paths: list[Path], *, ocr: bool = True) -> ImportReport:
    report = ImportReport()
    for path in paths:
        if not path.is_file():
            report.errors.append(f"{path}: no such file")
            continue
        try:
            messages = raw_messages(path)
        except (OSError, mailbox.Error) as error:
            report.errors.append(f"{path}: cannot be read as mail: {error}")
            continue
        for where, raw in messages:
            result = ingest(raw, InboundMessage.Source.UPLOAD, where, ocr=ocr)
            if result.created:
                report.stored += 1
                report.statuses[result.message.status] += 1
            else:
                report.already += 1
    return report
