"""A person's upload into the holding pen: an ``.eml``, an ``.mbox``, an Outlook ``.msg``, or any file with a note.

Mail (``.eml``, each message of an ``.mbox``, the message an Outlook ``.msg`` holds) is taken in
exactly as ``docket import-mail`` takes it: stored first, read, matched (our reply address, a
Message-ID of ours, the sender) and filed, or held with the reason; classified, so an
out-of-office moves nothing. A ``.msg`` file's own bytes are stored first too, and named in the
message's source. Any other file is not mail: it is kept as an attachment of a message "uploaded
by" the person, with their note as its text, held until a person files it; unless it has
readable text it is "not a reply" and moves nothing when filed.

What kind a file is, is read from its bytes (an OLE file, an mbox's "From " line, mail headers),
not only its name. Every upload is bounded: at most ``MAX_BYTES``, at most ``MAX_MESSAGES``
messages, a ``.msg`` read in a limited child process.
"""

from __future__ import annotations

import mailbox
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from django.utils import timezone

from docket.documents.models import store
from docket.errors import DocketError
from docket.mail.addresses import NO_SENDER
from docket.mail.intake import UPLOAD_HEADER, Incoming, Ingested, ingest_many
from docket.mail.models import InboundMessage
from docket.mail.outlook import looks_like_msg, msg_to_mail
from docket.requests.actions import Actor
from docket.requests.models import InfoRequest

MAX_BYTES = 60 * 1024 * 1024
MAX_MESSAGES = 5000
# The first line of a message: a header name, a colon (RFC 5322), as mail files start.
HEADER_LINE = re.compile(rb"^[!-9;-~]{1,76}:[ \t]?\S", re.M)
MAIL_HEADERS = (b"from:", b"to:", b"subject:", b"date:", b"message-id:", b"received:", b"return-path:")


class UploadRefused(DocketError):
    """An upload that cannot be taken in, in words for the person who uploaded it."""


@dataclass(frozen=True)
class Uploaded:
    kind: str  # "mail", "mailbox", "outlook" or "file"
    taken: list[Ingested]

    def summary(self) -> str:
        new = [item for item in self.taken if item.created]
        filed = sum(1 for item in new if item.message.status == InboundMessage.Status.FILED)
        held = sum(1 for item in new if item.message.status == InboundMessage.Status.HOLDING)
        again = len(self.taken) - len(new)
        count = f"{len(new)} new message{'s' if len(new) != 1 else ''}"
        parts = [count, f"{filed} filed to their request", f"{held} held here"]
        if again:
            parts.append(f"{again} already taken in before")
        return ", ".join(parts)


def too_large(name: str) -> str:
    """Why a file over ``MAX_BYTES`` is refused, and what a person can do (no command line)."""
    return (
        f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB, the most one upload takes: split it into smaller "
        "files (save fewer messages at a time from your mail program), or ask whoever runs Docket to take it in."
    )


def refuse_if_too_large(name: str, size: int | None) -> None:
    """Refuse a file over ``MAX_BYTES`` from its size alone: before anything reads it into memory."""
    if size is not None and size > MAX_BYTES:
        raise UploadRefused(too_large(name))


def kind_of(name: str, data: bytes) -> str:
    """What the file is, from its bytes first and its name second."""
    lowered = name.lower()
    if looks_like_msg(data):
        return "outlook" if lowered.endswith(".msg") or not lowered.endswith((".doc", ".xls", ".ppt")) else "file"
    if data.startswith(b"From ") and (lowered.endswith(".mbox") or b"\nFrom " in data or _is_mail(data[5:])):
        return "mailbox"
    if _is_mail(data):
        return "mail"
    return "file"


def _is_mail(data: bytes) -> bool:
    """Mail headers first: at least two known ones before the first blank line."""
    head = data[: 64 * 1024].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if not HEADER_LINE.match(head.lstrip(b"\r\n")):
        return False
    names = {line.split(b":", 1)[0].strip().lower() + b":" for line in head.splitlines() if b":" in line[:78]}
    return len(names & set(MAIL_HEADERS)) >= 2


def mbox_messages(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """Each message of an mbox, named; refused whole (nothing stored) if it holds more than ``MAX_MESSAGES``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.mbox"
        path.write_bytes(data)
        box = mailbox.mbox(str(path), create=False)
        try:
            messages = []
            for number, key in enumerate(box.keys(), 1):
                if number > MAX_MESSAGES:
                    raise UploadRefused(
                        f"{name} holds more than {MAX_MESSAGES:,} messages, the most one upload takes: split it "
                        "into smaller mailboxes, or ask whoever runs Docket to take it in for you."
                    )
                messages.append((f"{name} message {number}", box.get_bytes(key)))
            return messages
        finally:
            box.close()


def _file_with_note(name: str, data: bytes, note: str, actor: Actor) -> bytes:
    """A file that is not mail, as a message that says who uploaded it and why (no sender: it is nobody's reply)."""
    mail = EmailMessage(policy=SMTP)
    mail["From"] = formataddr((f"Uploaded by {actor.name}", NO_SENDER))
    mail["Subject"] = f"Uploaded file: {name}"
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = make_msgid(domain="upload.docket.invalid")
    mail["X-Docket-Entered-By"] = actor.name
    mail[UPLOAD_HEADER] = "file"
    mail.set_content(note)
    mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return mail.as_bytes()


def upload_to_holding_pen(
    name: str,
    data: bytes,
    actor: Actor,
    note: str = "",
    *,
    answers: Sequence[InfoRequest] = (),
    ocr: bool = True,
) -> Uploaded:
    """Take in a file a person uploaded on the holding pen's page (the named action of an upload).

    ``answers``: the requests what is held may answer (those of the campaign the person uploaded it
    for): the campaign's team sees it in the holding pen, as it sees mail the matcher could not settle.
    """
    name = Path(name.replace("\\", "/")).name[:200] or "upload"
    note = note.strip()
    if not data:
        raise UploadRefused(f"{name} is empty: choose the file again.")
    refuse_if_too_large(name, len(data))
    kind = kind_of(name, data)
    detail = f"uploaded by {actor.name} to the holding pen: {name}"
    if kind == "outlook":
        original = store(data)  # the file's own bytes first, then what was read from them
        raw = msg_to_mail(data, name)
        incoming = [Incoming(raw, InboundMessage.Source.UPLOAD, f"{detail} (Outlook file, blob {original.pk})")]
    elif kind == "mailbox":
        incoming = [
            Incoming(raw, InboundMessage.Source.UPLOAD, f"{detail}, {where}")
            for where, raw in mbox_messages(name, data)
        ]
    elif kind == "mail":
        incoming = [Incoming(data, InboundMessage.Source.UPLOAD, detail)]
    else:
        if not note:
            raise UploadRefused(
                f"{name} is not mail (.eml, .mbox or Outlook .msg): say in the note what it is and where it came from."
            )
        incoming = [Incoming(_file_with_note(name, data, note, actor), InboundMessage.Source.MANUAL, detail)]
    taken = ingest_many(incoming, actor=actor, ocr=ocr)
    held = [item.message for item in taken if item.created and item.message.status == InboundMessage.Status.HOLDING]
    through = InboundMessage.candidates.through
    through.objects.bulk_create(
        [through(inboundmessage_id=message.pk, inforequest_id=request.pk) for message in held for request in answers],
        ignore_conflicts=True,
    )
    return Uploaded(kind, taken)
