"""Outlook .msg files as Outlook writes them (MS-OXMSG): an OLE compound file of property streams.

Written with extract-msg's own OLE writer: the message class, subject, sender, plain body and the
transport headers Outlook keeps from the mail it received (PR_TRANSPORT_MESSAGE_HEADERS, 0x007D),
and each attachment in its own storage (data 0x3701, long file name 0x3707, MIME type 0x370E,
attached by value). Built here, like tests/real_mail.py, so that each property is visible.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence

from extract_msg.ole_writer import OleWriter


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _properties(entries: list[tuple[int, bytes]], *, top: bool = False, attachments: int = 0) -> bytes:
    """A property stream: its header (32 bytes for the message, 8 for an attachment), then 16 bytes a property."""
    head = b"\0" * 8 + struct.pack("<IIII", 0, attachments, 0, attachments) + b"\0" * 8 if top else b"\0" * 8
    return head + b"".join(struct.pack("<II", tag, 6) + value for tag, value in entries)


def outlook_msg(
    *,
    subject: str,
    sender_name: str,
    sender: str,
    headers: str,
    body: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> bytes:
    """A received message saved from Outlook as .msg."""
    writer = OleWriter()
    strings = {
        "001A": "IPM.Note",
        "0037": subject,
        "0C1A": sender_name,
        "0C1F": sender,
        "0065": sender,
        "1000": body,
        "007D": headers,
    }
    top = []
    for tag, text in strings.items():
        writer.addEntry([f"__substg1.0_{tag}001F"], _utf16(text))
        top.append((int(tag + "001F", 16), struct.pack("<II", len(_utf16(text)) + 2, 0)))
    top.append((0x0E070003, struct.pack("<II", 0x11 if attachments else 0x01, 0)))  # read, has attachments
    for number, (name, mime, data) in enumerate(attachments):
        storage = [f"__attach_version1.0_#{number:08X}"]
        writer.addEntry(storage, storage=True)
        writer.addEntry([*storage, "__substg1.0_37010102"], data)
        for tag, text in (("3707", name), ("3704", name), ("370E", mime)):
            writer.addEntry([*storage, f"__substg1.0_{tag}001F"], _utf16(text))
        fields = [
            (0x37050003, struct.pack("<II", 1, 0)),  # attached by value
            (0x0E200003, struct.pack("<II", len(data), 0)),
            (0x37010102, struct.pack("<II", len(data), 0)),
            (0x3707001F, struct.pack("<II", len(_utf16(name)) + 2, 0)),
        ]
        writer.addEntry([*storage, "__properties_version1.0"], _properties(fields))
    writer.addEntry(["__nameid_version1.0"], storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(["__nameid_version1.0", f"__substg1.0_{stream}"], b"")
    writer.addEntry(["__properties_version1.0"], _properties(top, top=True, attachments=len(attachments)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def reply_with_pdf_msg(*, sender: str, to: str, pdf: bytes) -> bytes:
    """A body's reply with its document, as a colleague saved it from Outlook."""
    headers = (
        f"From: Information Requests <{sender}>\r\nTo: {to}\r\n"
        "Subject: RE: Request for information: Violence Reduction Units\r\n"
        "Message-ID: <DB7PR05MB5528C0FFEE@DB7PR05MB5528.eurprd05.prod.outlook.com>\r\n"
        "In-Reply-To: <letter@docket.example>\r\nDate: Tue, 03 Nov 2020 09:12:00 +0000\r\n"
        "Thread-Topic: Request for information: Violence Reduction Units\r\nMIME-Version: 1.0\r\n\r\n"
    )
    return outlook_msg(
        subject="RE: Request for information: Violence Reduction Units",
        sender_name="Information Requests",
        sender=sender,
        headers=headers,
        body="Dear Commissioner,\r\n\r\nPlease find attached our Response Strategy, as requested.\r\n",
        attachments=[("Response Strategy 2020.pdf", "application/pdf", pdf)],
    )
