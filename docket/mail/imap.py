"""Reading the office's mailbox over IMAP, by UID, once.

Messages are fetched without setting \\Seen (BODY.PEEK), up to 50 at a time,
stored, processed, and only then flagged on the server ($DocketStored, \\Seen)
and the highest UID read remembered. If the mailbox's UIDVALIDITY changes (it
was rebuilt), the UIDs mean nothing any more: reading starts again from the
first message, skipping those flagged, and anything stored already is
recognised by its bytes or Message-ID.

Each run first reads again what an earlier run stranded (``take_in_stranded``).
If the connection breaks off, the run stops with one plain error: what was
stored before stays stored, and the rest is fetched by the next run.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from docket import words
from docket.mail.imap_settings import ImapSettings
from docket.mail.intake import CHUNK, Incoming, ingest_many, take_in_stranded
from docket.mail.models import ImapCursor, InboundMessage

PROCESSED_FLAG = "$DocketStored"


class ImapError(Exception):
    pass


@dataclass
class FetchReport:
    stored: int = 0
    already: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    stranded: int = 0  # left by an earlier run, read again

    def __str__(self) -> str:
        details = ", ".join(f"{count} {status}" for status, count in sorted(self.statuses.items()))
        text = f"{words.count(self.stored, 'new message')} stored ({details or 'none'}); {self.already} already stored"
        return text + (f"; {words.count(self.stranded, 'stranded message')} read again" if self.stranded else "")


def _connect(config: ImapSettings) -> imaplib.IMAP4:
    try:
        if config.implicit_tls:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=ssl.create_default_context(), timeout=config.timeout
            )
        else:
            client = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
            if config.starttls:
                client.starttls(ssl.create_default_context())
        client.login(config.username, config.password)
    except (imaplib.IMAP4.error, OSError) as error:
        raise ImapError(f"cannot read the mailbox {config.name}: {error}") from None
    return client


def _check(response: tuple[str, Sequence[Any]], doing: str) -> Sequence[Any]:
    status, data = response
    if status != "OK":
        raise ImapError(f"the IMAP server refused to {doing}: {data}")
    return data


def _raw_message(data: Sequence[Any]) -> bytes:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    raise ImapError("the IMAP server returned no message body")


def fetch(config: ImapSettings, *, ocr: bool = True) -> FetchReport:
    """Store and process every message not read yet; safe to run again at any time."""
    report = FetchReport(stranded=len(take_in_stranded(ocr=ocr)))
    client = _connect(config)
    try:
        _fetch_new(client, config, report, ocr)
    except (imaplib.IMAP4.error, OSError) as error:  # the connection broke off, or the server hung up
        raise ImapError(
            f"the connection to the mailbox {config.name} broke off ({type(error).__name__}: {error}); "
            f"the {words.count(report.stored, 'new message')} stored before that stay stored: "
            "run fetch-mail again for the rest"
        ) from None
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return report


def _fetch_new(client: imaplib.IMAP4, config: ImapSettings, report: FetchReport, ocr: bool) -> None:
    """Fetch, take in and flag the messages past the cursor, a chunk at a time, adding to ``report``."""
    _check(client.select(f'"{config.mailbox}"'), f"open {config.mailbox}")
    validity_data = client.response("UIDVALIDITY")[1]
    uidvalidity = int(validity_data[0]) if validity_data and validity_data[0] else 0
    cursor, _ = ImapCursor.objects.get_or_create(mailbox=config.name)
    if cursor.uidvalidity != uidvalidity:
        cursor.uidvalidity, cursor.last_uid = uidvalidity, 0
    found = _check(client.uid("SEARCH", f"UID {cursor.last_uid + 1}:*", "UNKEYWORD", PROCESSED_FLAG), "search")
    listed = found[0] if found and isinstance(found[0], bytes) else b""
    uids = sorted(int(uid) for uid in re.findall(rb"\d+", listed) if int(uid) > cursor.last_uid)
    for start in range(0, len(uids), CHUNK):
        chunk = uids[start : start + CHUNK]
        incoming = [
            Incoming(
                _raw_message(_check(client.uid("FETCH", str(uid), "(BODY.PEEK[])"), f"fetch UID {uid}")),
                InboundMessage.Source.IMAP,
                f"{config.mailbox} UID {uid}",
            )
            for uid in chunk
        ]
        results = ingest_many(incoming, ocr=ocr)
        # Flagged only now that they are stored: a crash before this reads them again (and finds them stored).
        for uid in chunk:
            _check(client.uid("STORE", str(uid), "+FLAGS", f"({PROCESSED_FLAG} \\Seen)"), f"flag UID {uid}")
        cursor.last_uid = chunk[-1]
        cursor.save(update_fields=["uidvalidity", "last_uid"])
        for result in results:
            if result.created:
                report.stored += 1
                status = result.message.status
                report.statuses[status] = report.statuses.get(status, 0) + 1
            else:
                report.already += 1
    cursor.checked_at = timezone.now()
    cursor.save()
