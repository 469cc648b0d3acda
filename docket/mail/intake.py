"""Taking in replies: store the raw bytes first, then read, match and file them.

``ingest`` is what every source calls for one message (an uploaded .eml, a
reply entered by hand); ``ingest_many`` takes a chunk of them together (IMAP,
an .mbox), the same steps with the database work done for the chunk at once.
The same message arriving twice, by bytes or by Message-ID, is stored once.
Reading can be run again from the stored bytes (``process``).

A message is never left in between: its row is written, claimed by the process
that reads it, before it is read; filing or holding it is one transaction. If the
reader dies (SIGKILL, the OOM killer) the row stays "stored" with a claimant that
no longer runs, and ``take_in_stranded`` (called by every run of ``import-mail``
and ``fetch-mail``, and callable by a worker) reads it again, alone; one that has
stopped its reader ``MAX_READS`` times, or cannot be read, is held with the reason.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from docket.campaigns import actions as ledger_actions
from docket.campaigns.models import RecipientItem
from docket.documents import archives, blobstore
from docket.documents.models import Attachment, Blob, record_blobs, storable, store_file
from docket.documents.processing import Allowance, save_attachments, suggest_items, take_attachment
from docket.evidence.indexing import index_messages
from docket.mail import actions as mail_actions
from docket.mail.addresses import NO_SENDER, request_id_from_address
from docket.mail.bounces import handle_bounce
from docket.mail.classification import Read, classify
from docket.mail.matching import Match, match
from docket.mail.models import InboundMessage
from docket.mail.outbox import claimant_is_gone, worker_token
from docket.mail.parsing import ParsedMail, header, parse, quick_message_id
from docket.requests import actions
from docket.requests.actions import SYSTEM, Actor, TransitionError
from docket.requests.models import InfoRequest

log = logging.getLogger(__name__)
Status = InboundMessage.Status


@dataclass(frozen=True)
class Ingested:
    message: InboundMessage
    created: bool


# Messages taken in together by a large import (an .mbox, a busy mailbox).
CHUNK = 50
# A message whose reading stopped the process this many times is held, not read again.
MAX_READS = 3
# A reader on another machine is trusted this long (on this machine, whether it still runs is known).
READ_LEASE = datetime.timedelta(minutes=30)


@dataclass(frozen=True)
class Incoming:
    """A message to take in: its bytes, and where they came from."""

    raw: bytes
    source: str
    detail: str = ""


def ingest(
    raw: bytes,
    source: str,
    detail: str = "",
    *,
    request: InfoRequest | None = None,
    actor: Actor = SYSTEM,
    ocr: bool = True,
) -> Ingested:
    """Store ``raw`` (once) and process it; ``request`` files it there directly (manual entry)."""
    return ingest_many([Incoming(raw, source, detail)], request=request, actor=actor, ocr=ocr)[0]


def ingest_many(
    incoming: Sequence[Incoming], *, request: InfoRequest | None = None, actor: Actor = SYSTEM, ocr: bool = True
) -> list[Ingested]:
    """``ingest`` each message, with the database work done for all of them together.

    Every message's bytes are stored, and it gets its row, before anything reads
    it; then each is read, matched and its attachments read; then what was read
    is written in one transaction. A large import (an .mbox, a busy mailbox) is
    taken in a chunk at a time this way: a few statements a chunk, not a dozen a message.
    """
    blobs = [store_file(item.raw) for item in incoming]
    message_ids = [quick_message_id(item.raw)[:500] for item in incoming]
    plans = _sort_out(blobs, [item.raw for item in incoming], message_ids)
    fresh = [index for index, plan in enumerate(plans) if plan.is_new]
    token, now = _token(), timezone.now()
    try:
        # Rows before any reading, claimed by this process: a message whose reading fails or kills
        # the process is still listed, and the next run sees that its reader has gone.
        with transaction.atomic():
            record_blobs(list({blobs[index].pk: blobs[index] for index in fresh}.values()))
            rows = InboundMessage.objects.bulk_create(
                InboundMessage(
                    blob=blobs[index],
                    message_id=message_ids[index],
                    source=incoming[index].source,
                    source_detail=incoming[index].detail[:300],
                    claimed_by=token,
                    claimed_at=now,
                    read_attempts=1,
                )
                for index in fresh
            )
    except IntegrityError:  # some of the same bytes, stored at this moment by another worker
        if len(incoming) == 1:
            return [Ingested(InboundMessage.objects.get(blob=blobs[0]), False)]
        return [ingest_many([item], request=request, actor=actor, ocr=ocr)[0] for item in incoming]
    created = dict(zip(fresh, rows, strict=True))
    for index in fresh:
        plan = plans[index]
        plan.namesakes += [created[earlier].pk for earlier in plan.earlier_namesakes]
    batch = [(created[i], incoming[i].raw, plans[i].namesakes) for i in fresh]
    _take_in_or_hold(batch, request, actor, ocr, token=token)
    stored = InboundMessage.objects.in_bulk([plan.stored for plan in plans if plan.stored is not None])
    results = []
    for index, plan in enumerate(plans):
        if index in created:
            results.append(Ingested(created[index], True))
        elif plan.stored is not None:
            results.append(Ingested(stored[plan.stored], False))
        else:
            assert plan.same_as is not None
            results.append(Ingested(created[plan.same_as], False))
    return results


@dataclass
class _Plan:
    """What to do with one incoming message: nothing (it is ``stored`` already, or the ``same_as``
    an earlier one of the batch), or store it, noting the messages that share its Message-ID."""

    stored: int | None = None
    same_as: int | None = None
    namesakes: list[int] = field(default_factory=list)
    earlier_namesakes: list[int] = field(default_factory=list)  # indexes in the batch

    @property
    def is_new(self) -> bool:
        return self.stored is None and self.same_as is None


# Headers that mail systems add on the way; two copies of one message differ only in these.
TRACE_HEADERS = re.compile(
    rb"^(received|return-path|delivered-to|x-[\w-]+|envelope-to|dkim-signature|arc-[\w-]+|"
    rb"authentication-results|status|content-length|lines)$",
    re.I,
)


def _sort_out(blobs: list[Blob], raws: list[bytes], message_ids: list[str]) -> list[_Plan]:
    """Which messages are stored already, as the same bytes or as a copy that differs only in
    transport headers (fetched by IMAP once and uploaded as .eml once, say), here or earlier in the batch."""
    wanted = Q(blob__in=[blob.pk for blob in blobs]) | Q(message_id__in=[m for m in message_ids if m])
    known = list(InboundMessage.objects.filter(wanted).order_by("pk").values_list("pk", "blob_id", "message_id"))
    by_blob = {blob_id: pk for pk, blob_id, _ in known}
    known_by_id: dict[str, list[tuple[int, str]]] = {}
    for pk, blob_id, message_id in known:
        if message_id:
            known_by_id.setdefault(message_id, []).append((pk, blob_id))
    first_with_blob: dict[str, int] = {}
    new_by_id: dict[str, list[int]] = {}
    plans = []
    for index, (blob, raw, message_id) in enumerate(zip(blobs, raws, message_ids, strict=True)):
        if blob.pk in by_blob:
            plans.append(_Plan(stored=by_blob[blob.pk]))
            continue
        if blob.pk in first_with_blob:
            plans.append(_Plan(same_as=first_with_blob[blob.pk]))
            continue
        namesakes, earlier = known_by_id.get(message_id, []), new_by_id.get(message_id, [])
        if namesakes or earlier:
            key = content_key(raw)
            copy = next((pk for pk, blob_id in namesakes if content_key(blobstore.read(blob_id)) == key), None)
            twin = next((other for other in earlier if content_key(raws[other]) == key), None)
            if copy is not None or twin is not None:
                plans.append(_Plan(stored=copy) if copy is not None else _Plan(same_as=twin))
                continue
        plans.append(_Plan(namesakes=[pk for pk, _ in namesakes], earlier_namesakes=list(earlier)))
        first_with_blob[blob.pk] = index
        if message_id:
            new_by_id.setdefault(message_id, []).append(index)
    return plans


def content_key(raw: bytes) -> bytes:
    """A digest of the message without its transport headers, line endings evened out."""
    text = raw.replace(b"\r\n", b"\n")
    head, _, body = text.partition(b"\n\n")
    kept = [
        line
        for line in re.split(rb"\n(?![ \t])", head)  # one item per (unfolded) header
        if not TRACE_HEADERS.match(line.split(b":", 1)[0].strip())
    ]
    return hashlib.sha256(b"\n".join(kept) + b"\n\n" + body.rstrip()).digest()


def _take_in_or_hold(
    batch: list[tuple[InboundMessage, bytes, list[int]]],
    request: InfoRequest | None,
    actor: Actor,
    ocr: bool,
    *,
    token: str,
) -> None:
    """``_take_in`` the chunk; if that fails, each message alone, holding any that fails with the reason."""
    try:
        _take_in(batch, request, actor, ocr, fresh=True, token=token)
        return
    except Exception as error:  # whatever it is, the message must not be left in between
        if len(batch) == 1:
            log.exception("message %s cannot be taken in", batch[0][0].pk)
            _hold_unread(batch[0][0], token, f"reading it failed: {type(error).__name__}: {str(error)[:300]}")
            return
        log.exception("a chunk of %s messages cannot be taken in together: each is taken in alone", len(batch))
    for one in batch:
        _take_in_or_hold([one], request, actor, ocr, token=token)


def _hold_unread(message: InboundMessage, token: str, reason: str) -> bool:
    """Hold a message that could not be read, if this process still holds its claim; whether it did."""
    return mail_actions.hold_unread(message, token, storable(reason))


def take_in_stranded(*, ocr: bool = True, now: datetime.datetime | None = None) -> list[InboundMessage]:
    """Read again every message left "stored" by a reader that has stopped; the messages taken.

    Each is read alone, so that one message that kills its reader takes only itself
    down; after ``MAX_READS`` readings that never finished, it is held unread with the
    reason. Safe to run at any time, by any number of processes: each message is
    claimed (one winner) before it is read. Every intake run calls it; so can a worker.
    """
    now = now or timezone.now()
    token = _token()
    taken = []
    for message in _stranded(now):
        attempts = message.read_attempts
        claimed = InboundMessage.objects.filter(
            pk=message.pk, status=Status.STORED, claimed_by=message.claimed_by, read_attempts=attempts
        ).update(claimed_by=token, claimed_at=now, read_attempts=attempts + 1)
        if not claimed:
            continue  # another run took it first
        message.claimed_by, message.claimed_at, message.read_attempts = token, now, attempts + 1
        if attempts >= MAX_READS:
            _hold_unread(
                message,
                token,
                f"reading it stopped the process {attempts} times (killed, or out of memory): it is kept "
                "unread; its raw bytes can be downloaded and read by hand",
            )
        else:
            raw = message.blob.read()
            namesakes = _namesakes(message)
            _take_in_or_hold([(message, raw, namesakes)], None, SYSTEM, ocr, token=token)
        taken.append(message)
    return taken


_tokens: dict[int, str] = {}


def _token() -> str:
    """This process's name as a reader (read once a process: it is the same until a fork)."""
    pid = os.getpid()
    if pid not in _tokens:
        _tokens[pid] = worker_token()
    return _tokens[pid]


def _stranded(now: datetime.datetime) -> list[InboundMessage]:
    """Messages still "stored" whose reader no longer runs (or, on another machine, is past its lease)."""
    stored = InboundMessage.objects.filter(status=Status.STORED).select_related("blob").order_by("pk")
    return [message for message in stored if _reader_is_gone(message, now)]


def _reader_is_gone(message: InboundMessage, now: datetime.datetime) -> bool:
    if message.claimed_by.partition(":")[0] == socket.gethostname():
        return claimant_is_gone(message.claimed_by, message.claimed_at, now)
    return message.claimed_at is None or now - message.claimed_at > READ_LEASE


def _namesakes(message: InboundMessage) -> list[int]:
    if not message.message_id:
        return []
    same = InboundMessage.objects.filter(message_id=message.message_id).exclude(pk=message.pk)
    return list(same.values_list("pk", flat=True))


def process(
    message: InboundMessage,
    raw: bytes | None = None,
    *,
    request: InfoRequest | None = None,
    actor: Actor = SYSTEM,
    ocr: bool = True,
) -> InboundMessage:
    """Read a stored message again from its bytes: headers, bodies, attachments; then bounce, file or hold."""
    raw = message.blob.read() if raw is None else raw
    _take_in([(message, raw, _namesakes(message))], request, actor, ocr, fresh=False)
    return message


def _take_in(
    batch: list[tuple[InboundMessage, bytes, list[int]]],
    request: InfoRequest | None,
    actor: Actor,
    ocr: bool,
    *,
    fresh: bool,
    token: str = "",
) -> None:
    """Read each (message, bytes, namesakes), then bounce, hold or file them all in one transaction.

    ``request`` files them there directly (manual entry); ``fresh``: nothing of an earlier
    reading was saved, so there is nothing to clear; ``token``: only the messages this
    process still has claimed are written (a reader elsewhere may have taken one over).
    """
    if not batch:
        return
    readable = []
    for message, raw, namesakes in batch:
        mail = _read(message, raw, namesakes)
        if mail is None:
            continue
        bounced = handle_bounce(raw, mail.message)  # a bounce of ours is dealt with there, never filed
        if bounced is not None:
            mail_actions.read_as_bounce(message, bounced.request)
        else:
            readable.append((message, mail))
    addressed = {
        request_id
        for _, mail in readable
        for address in mail.recipients
        if (request_id := request_id_from_address(address)) is not None
    }
    known = InfoRequest.objects.in_bulk(addressed) if request is None else {}
    found = {
        message.pk: Match(request, "by hand") if request is not None else match(mail, known)
        for message, mail in readable
    }
    asked = _items_asked([m.request for m in found.values() if m.request is not None])
    attachments: list[Attachment] = []
    replies: dict[int, tuple[InfoRequest, str, actions.ReplyKind]] = {}
    candidates: list[tuple[int, int]] = []
    for message, mail in readable:
        matched = found[message.pk]
        items = asked.get(matched.request.recipient_id, []) if matched.request is not None else []
        read = []
        allowance = Allowance.of_a_message()  # shared by the message's attachments
        for part in mail.attachments:
            read += take_attachment(
                message.pk, part.filename, part.declared_type, part.data, ocr=ocr, items=items, allowance=allowance
            )
        attachments += read
        mail_actions.classify_as(message, *classify(_what_was_read(mail, read)))
        if matched.request is None:
            mail_actions.read_as_held(message, _held_reason(message, mail, matched.reason))
            candidates += [(message.pk, candidate.pk) for candidate in matched.candidates]
        else:
            mail_actions.read_as_filed(message, matched.request, matched.method)
            note = mail_actions.reply_note(message, matched.method)
            replies[message.pk] = (matched.request, note, mail_actions.reply_kind(message))
    with transaction.atomic():
        written = [message for message, _, _ in batch]
        if token and _may_be_taken_over(written):  # then write only what this process still has claimed
            mine = _still_claimed([message.pk for message in written], token)
            if len(mine) < len(written):
                log.warning("another reader took over messages %s", [m.pk for m in written if m.pk not in mine])
            written = [message for message in written if message.pk in mine]
            attachments = [attachment for attachment in attachments if attachment.message_id in mine]
            replies = {pk: reply for pk, reply in replies.items() if pk in mine}
            candidates = [pair for pair in candidates if pair[0] in mine]
        if not fresh:  # processing again starts afresh (the blobs stay)
            Attachment.objects.filter(message__in=written).delete()
            InboundMessage.candidates.through.objects.filter(inboundmessage__in=written).delete()
        mail_actions.record_readings(written)
        save_attachments(attachments)
        index_messages(written)
        _save_candidates(candidates)
        actions.record_replies(list(replies.values()), actor)


def _may_be_taken_over(messages: list[InboundMessage]) -> bool:
    """Whether another reader may have taken any of these over: not while this process runs
    on this machine, nor on another within its lease (half of it, for clocks that differ)."""
    now = timezone.now()
    return any(message.claimed_at is None or now - message.claimed_at > READ_LEASE / 2 for message in messages)


def _still_claimed(pks: list[int], token: str) -> set[int]:
    """Which of these messages this process still has claimed, locked until the transaction ends."""
    claimed = InboundMessage.objects.select_for_update().filter(pk__in=pks, status=Status.STORED, claimed_by=token)
    return set(claimed.values_list("pk", flat=True))


def _save_candidates(pairs: list[tuple[int, int]]) -> None:
    """(held message, request it may answer): who may see the held message follows from these."""
    if pairs:
        through = InboundMessage.candidates.through
        through.objects.bulk_create(through(inboundmessage_id=held, inforequest_id=request) for held, request in pairs)


def _read(message: InboundMessage, raw: bytes, namesakes: list[int]) -> ParsedMail | None:
    """Parse the bytes onto the message's fields; None (and the message held, with why) if they cannot be."""
    try:
        mail = parse(raw)
    except Exception as error:  # the parser is tolerant; this is the last line of defence
        log.exception("message %s cannot be parsed", message.pk)
        reason = storable(f"it cannot be read: {type(error).__name__}: {str(error)[:300]}")
        mail_actions.read_as_held(message, reason, unreadable=True)
        return None
    message.message_id = storable(mail.message_id or message.message_id)[:500]
    message.from_name, message.from_address = storable(mail.from_name)[:300], storable(mail.from_address)[:300]
    message.to_addresses, message.subject = storable(mail.to), storable(mail.subject)
    message.sent_at = mail.sent_at
    message.in_reply_to = storable(" ".join(mail.in_reply_to))
    cut: list[str] = []
    message.body_text = storable(_within(mail.text, "text", cut))
    # The reply without what it quotes, kept only when it differs from the whole body.
    quoted = mail.reply_text.strip() != mail.text.strip()
    message.reply_text = storable(_within(mail.reply_text, "reply", cut)) if quoted else ""
    message.body_html = storable(_within(mail.html, "HTML", cut))
    others = sorted(pk for pk in namesakes if pk != message.pk)[:5]
    numbers = ", ".join(map(str, others))
    which = f"message{'' if len(others) == 1 else 's'} {numbers}"
    shares = f"shares its Message-ID with {which} but differs" if others else ""
    problems = [*mail.problems, shares, *cut]
    message.problems = storable("; ".join(dict.fromkeys(problem for problem in problems if problem)))
    return mail


def _within(text: str, what: str, cut: list[str]) -> str:
    """The message's body (its text, or its HTML) within the text Docket keeps of one message, as its attachments
    are (DOCKET_READ_MAX_MESSAGE_TEXT_MB): a 31 MB body made a 31 MB request page. The message as received is kept
    whole, and ``cut`` says what was cut."""
    limit = Allowance.of_a_message().text_chars
    if len(text) <= limit:
        return text
    cut.append(
        f"its {what} is {archives.megabytes(len(text))}: only the first {archives.megabytes(limit)} is kept to read "
        "and search (the setting DOCKET_READ_MAX_MESSAGE_TEXT_MB); the message as received is kept whole"
    )
    return text[:limit]


# Set on a file a person uploaded that is not mail (``enter_by_hand``): it is classified by what it holds.
UPLOAD_HEADER = "X-Docket-Upload"


def _what_was_read(mail: ParsedMail, attachments: list[Attachment]) -> Read:
    """What the classifier needs: headers, subject, the reply's text, and whether any file came with text."""
    return Read(
        header=lambda name: header(mail.message, name),
        subject=mail.subject,
        text=mail.reply_text,
        has_files=bool(attachments),
        files_readable=not attachments or any(attachment.text.strip() for attachment in attachments),
        upload=bool(header(mail.message, UPLOAD_HEADER)),
    )


def _held_reason(message: InboundMessage, mail: ParsedMail, unmatched: str) -> str:
    """Why a message waits in the holding pen: a person's upload says so, not "unknown sender"."""
    # Only a file a person uploaded here (source MANUAL, made by docket.mail.uploads): headers of
    # mail from outside are not believed.
    if message.source != InboundMessage.Source.MANUAL or not header(mail.message, UPLOAD_HEADER):
        return unmatched
    who = header(mail.message, "X-Docket-Entered-By") or "a person"
    note = " ".join(mail.text.split())
    shown = note[:HELD_NOTE_SHOWN] + ("…" if len(note) > HELD_NOTE_SHOWN else "")
    return f"Uploaded by {who} with the note “{shown}”; not filed to a request yet"


HELD_NOTE_SHOWN = 300


def _items_asked(requests: list[InfoRequest]) -> dict[int, list[RecipientItem]]:
    """The items each request's recipient was asked for, by recipient."""
    asked = RecipientItem.objects.filter(
        recipient_id__in={request.recipient_id for request in requests}, state=RecipientItem.State.ASK
    )
    by_recipient: dict[int, list[RecipientItem]] = {}
    # Ordered by the item alone: the model's ordering would join the recipient, campaign and body.
    for item in asked.select_related("item").order_by("item__position", "item__key"):
        by_recipient.setdefault(item.recipient_id, []).append(item)
    return by_recipient


def file_message(message: InboundMessage, request: InfoRequest, actor: Actor) -> InboundMessage:
    """Move a message from the holding pen to a request (a person's decision)."""
    mail_actions.file_held(message, request, actor)
    # Its attachments were read before it had a request: suggest their items now.
    suggest_items(list(message.attachments.all()), _items_asked([request]).get(request.recipient_id, []))
    return message


def suggest_for(message: InboundMessage) -> None:
    """Suggest, for a message just filed or moved, which of its request's items its attachments are."""
    if message.request is not None:
        request = message.request
        suggest_items(list(message.attachments.all()), _items_asked([request]).get(request.recipient_id, []))


def mark_attachment_fulfils(
    attachment: Attachment, item_key: str, actor: Actor, note: str = "", page: int | None = None
) -> InfoRequest:
    """This attachment (from ``page``, if given) is the requested item: the ledger records it received."""
    message = attachment.message
    if message.request is None:
        raise TransitionError(f"attachment {attachment.pk} is not filed to a request")
    evidence = ledger_actions.Evidence(note=note, attachment=attachment, page=page)
    return ledger_actions.set_item_status(message.request, item_key, RecipientItem.Status.RECEIVED, actor, evidence)


def enter_by_hand(
    request: InfoRequest,
    actor: Actor,
    *,
    sender: str,
    subject: str,
    note: str,
    files: list[tuple[str, bytes]],
    received: str = "",
    upload: bool = False,
) -> Ingested:
    """A reply that came by post or by hand: recorded as a message like any other, then filed.

    ``upload``: a file a person uploaded, not mail; unless it has readable text it is kept as an
    attachment that is not a reply (it moves nothing) until a person says what it is.
    """
    contact = request.recipient.contact
    mail = EmailMessage(policy=SMTP)
    if upload and not sender:  # a file a person uploaded: its sender is not known, so none is invented
        mail["From"] = formataddr((f"Uploaded by {actor.name}", NO_SENDER))
    else:
        mail["From"] = formataddr((contact.full_name, sender or contact.email or NO_SENDER))
    mail["Subject"] = subject or f"Reply from {contact.body.name}"
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = make_msgid(domain="manual.docket.invalid")
    mail["X-Docket-Entered-By"] = actor.name
    if upload:
        mail[UPLOAD_HEADER] = "file"
    mail.set_content(note or "(entered by hand)")
    for filename, data in files:
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    detail = f"entered by {actor.name}" + (f", received {received}" if received else "")
    return ingest(mail.as_bytes(), InboundMessage.Source.MANUAL, detail, request=request, actor=actor)
