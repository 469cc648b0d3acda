"""Reading real-world mail: broken MIME, unknown charsets, missing headers, HTML-only bodies.

Nothing here raises for a bad message: what cannot be read is noted in
``problems`` and the rest is still read. The raw bytes are kept elsewhere, so
parsing can always be run again. Headers in raw 8-bit (RFC 6532) are read as
UTF-8; parts nested too deep for the parser leave the headers read; address
headers are read up to a size; attachment names lose line breaks and folders.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.errors import HeaderParseError
from email.header import Header, decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3
from django.conf import settings

from docket.documents.extraction import decode_text, html_text

QUOTE_MARKERS = [
    re.compile(r"^On .{5,200} wrote:\s*$", re.M),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.M | re.I),
    re.compile(r"^From: .+\n(Sent|Date): .+", re.M),
    re.compile(r"^_{10,}\s*$", re.M),
]


# An address header longer than this (characters) is read only this far: its addresses are
# for matching, and a megabyte of them would take seconds to parse.
ADDRESS_HEADER_LIMIT = 64 * 1024
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


class _Utf8Headers(Compat32):
    """compat32 (lenient and fast), but a header in raw 8-bit is read as UTF-8 (RFC 6532),
    else by the shared rule for text of unknown encoding, rather than left undecodable."""

    # Compat32's own signature, which typeshed also marks as overriding Policy's narrower one.
    def header_fetch_parse(self, name: str, value: str) -> str | Header:  # type: ignore[override]
        if value.isascii():
            return super().header_fetch_parse(name, value)
        raw = value.encode("ascii", "surrogateescape")
        return decode_text(raw).replace("\r", "").replace("\n", "")


POLICY = _Utf8Headers()


@dataclass
class Part:
    filename: str
    declared_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str = ""
    from_name: str = ""
    from_address: str = ""
    recipients: list[str] = field(default_factory=list)  # To, Cc and delivery headers
    to: str = ""
    subject: str = ""
    sent_at: datetime.datetime | None = None
    in_reply_to: list[str] = field(default_factory=list)  # In-Reply-To and References
    text: str = ""
    html: str = ""
    attachments: list[Part] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    message: Message = field(default_factory=Message)  # the parsed message, for bounce handling

    @property
    def reply_text(self) -> str:
        return fold_quoted(self.text)


def message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def quick_message_id(raw: bytes) -> str:
    """The Message-ID from the headers alone, without parsing the body."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0][:65536]
    match = re.search(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", head, re.I | re.M)
    if not match:
        return ""
    ids = message_ids(match[1].decode("ascii", "replace"))
    return ids[0] if ids else ""


def _header(message: Message, name: str, problems: list[str]) -> str:
    """A header as text, RFC 2047 encoded words decoded; the raw value where they are malformed."""
    try:
        value = message.get(name)
    except Exception as error:  # the email package raises many types for malformed headers
        problems.append(f"the {name} header is malformed ({type(error).__name__})")
        return ""
    if value is None:
        return ""
    if isinstance(value, Header):
        value = str(value)
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeDecodeError, ValueError) as error:
        problems.append(f"the {name} header's encoding is malformed ({type(error).__name__})")
        return value


def _payload_text(part: Message, problems: list[str]) -> str:
    """A text part's content, whatever its declared charset says."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        problems.append(f"a {part.get_content_type()} part declares charset {charset!r}, which does not fit")
        return decode_text(payload)


def _filename(part: Message, problems: list[str]) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        problems.append("an attachment's file name is malformed")
        return ""
    return safe_filename(name, problems)


def safe_filename(name: str, problems: list[str]) -> str:
    """The name without control characters (a line break would split a header) and without
    folders (the last part of a path is the file's name), noting the change."""
    kept = re.split(r"[/\\]", re.sub(r"[\x00-\x1f\x7f]+", " ", name))[-1].strip()
    if kept in {".", ".."}:
        kept = ""
    if kept != name:
        problems.append(f"an attachment's file name {name[:200]!r} held line breaks or folders: kept as {kept!r}")
    return kept


def _leaves(part: Message) -> list[Message]:
    """The parts that hold content, not descending into attached messages (they are attachments)."""
    if part.get_content_maintype() == "message" or not part.is_multipart():
        return [part]
    payload = part.get_payload()
    return (
        [leaf for sub in payload if isinstance(sub, Message) for leaf in _leaves(sub)]
        if isinstance(payload, list)
        else []
    )


def _attached_bytes(part: Message) -> bytes:
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        try:
            return inner[0].as_bytes()
        except Exception:  # an attached message too broken to serialise: keep its undecoded text
            return str(inner[0]).encode("utf-8", "replace")
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _walk(message: Message, parsed: ParsedMail, most: int) -> None:
    """The message's text, HTML and attachments: at most ``most`` attachments, the rest counted, not decoded."""
    left_out = 0
    for part in _leaves(message):
        content_type = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        if len(parsed.attachments) >= most and (
            disposition == "attachment"
            or content_type.startswith("message/")
            or not content_type.startswith(("text/", "multipart/"))
            or _filename(part, [])
        ):
            left_out += 1
            continue
        _take_part(part, content_type, parsed)
    if left_out:
        parsed.problems.append(
            f"it has {len(parsed.attachments) + left_out:,} attachments: the first {most:,} are kept as attachments; "
            f"the other {left_out:,} are only in the original message file, which is kept"
        )


def _take_part(part: Message, content_type: str, parsed: ParsedMail) -> None:
    filename = _filename(part, parsed.problems)
    disposition = (part.get_content_disposition() or "").lower()
    if content_type == "message/rfc822" or (content_type.startswith("message/") and disposition == "attachment"):
        parsed.attachments.append(Part(filename or "attached message.eml", content_type, _attached_bytes(part)))
        return
    if disposition != "attachment" and not filename and content_type == "text/plain" and not parsed.text:
        parsed.text = _payload_text(part, parsed.problems)
    elif disposition != "attachment" and not filename and content_type == "text/html" and not parsed.html:
        parsed.html = _payload_text(part, parsed.problems)
    elif disposition == "attachment" or filename or not content_type.startswith(("text/", "multipart/")):
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            parsed.attachments.append(Part(filename, content_type, data))
        else:
            parsed.problems.append(f"an attachment ({filename or content_type}) has no content")


def _message(raw: bytes, problems: list[str]) -> Message:
    """The parsed message; its headers alone when its parts are nested too deep to parse."""
    try:
        return message_from_bytes(raw, policy=POLICY)
    except RecursionError:
        problems.append("its parts are nested too deep to read: only its headers were read")
        return BytesParser(policy=POLICY).parsebytes(raw, headersonly=True)


def _addresses(message: Message, problems: list[str]) -> list[str]:
    """Every address the message was delivered to, from the first ADDRESS_HEADER_LIMIT characters of each header."""
    headers = []
    for name in ADDRESS_HEADERS:
        value = _header(message, name, problems)
        if len(value) > ADDRESS_HEADER_LIMIT:
            problems.append(f"the {name} header is {len(value) // 1024} kB long: only its first 64 kB were read")
            value = value[:ADDRESS_HEADER_LIMIT].rpartition(",")[0]
        if value:
            headers.append(value)
    return [address.lower() for _, address in getaddresses(headers) if address]


def parse(raw: bytes) -> ParsedMail:
    # compat32: the lenient parser, several times faster than the modern policy; headers
    # are decoded by hand above, so nothing of the modern API is missed.
    problems: list[str] = []
    message = _message(raw, problems)
    parsed = ParsedMail(message=message, problems=problems)
    parsed.message_id = (message_ids(_header(message, "Message-ID", problems)) or [""])[0]
    if not parsed.message_id:
        problems.append("no Message-ID")
    parsed.from_name, parsed.from_address = parseaddr(_header(message, "From", problems))
    parsed.from_address = parsed.from_address.lower()
    if not parsed.from_address:
        problems.append("no sender address")
    parsed.to = _header(message, "To", problems)
    parsed.recipients = _addresses(message, problems)
    parsed.subject = " ".join(_header(message, "Subject", problems).split())[:500]
    date = _header(message, "Date", problems)
    try:
        parsed.sent_at = parsedate_to_datetime(date) if date else None
        if parsed.sent_at and parsed.sent_at.tzinfo is None:
            parsed.sent_at = parsed.sent_at.replace(tzinfo=datetime.UTC)
    except (TypeError, ValueError, IndexError):
        problems.append(f"the Date header {date[:60]!r} is not a date")
    parsed.in_reply_to = message_ids(_header(message, "In-Reply-To", problems)) + message_ids(
        _header(message, "References", problems)
    )
    try:
        _walk(message, parsed, settings.DOCKET_MAIL_MAX_ATTACHMENTS)
    except Exception as error:  # a structure too broken to walk: keep what we have
        problems.append(f"the MIME structure cannot be read fully ({type(error).__name__}: {error})")
    try:
        problems.extend(sorted({type(defect).__name__ for part in message.walk() for defect in part.defects}))
    except RecursionError:
        problems.append("its parts are nested too deep to list their defects")
    if parsed.html:
        parsed.html = nh3.clean(parsed.html)
        if not parsed.text.strip():
            parsed.text = html_text(parsed.html)
    return parsed


def header(message: Message, name: str) -> str:
    """A header as text ("" when absent or malformed): what classification reads (mail.classification)."""
    return _header(message, name, [])


def fold_quoted(text: str) -> str:
    """The reply without the earlier messages it quotes (kept in full in storage)."""
    cut = len(text)
    for marker in QUOTE_MARKERS:
        found = marker.search(text)
        if found and found.start() > 0:
            cut = min(cut, found.start())
    lines = [line for line in text[:cut].splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()
