"""Outlook's ``.msg`` files, read as the mail they hold.

A ``.msg`` (MS-OXMSG, an OLE compound file) is what Outlook saves when someone drags a message
out of it; a colleague forwards a body's reply that way. ``extract-msg`` (GPL-3.0, a well-kept
reader; olefile underneath) turns it into an RFC 5322 message with its attachments, and from
there it is taken in like any other message: the message's own transport headers (From, To,
Message-ID, In-Reply-To, Auto-Submitted…) come with it, so it is matched and classified as the
original would have been.

The file is untrusted, and an OLE file can claim sectors without end, so it is read in a child
process (``python -m docket.mail.outlook``) limited in memory and CPU time, and killed when its
wall-clock time is up; a file past a limit, or not an Outlook message, is refused in words that
name the file.
"""

from __future__ import annotations

import datetime
import importlib.util
import io
import os
import resource
import subprocess
import sys
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from typing import Any

from docket.errors import DocketError

MAX_BYTES = 60 * 1024 * 1024
MEMORY_BYTES = 1024 * 1024 * 1024
CPU_SECONDS = 30
WALL_SECONDS = 60
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERTED_HEADER = "X-Docket-Converted-From"


class NotAnOutlookMessage(DocketError):
    """The file is not an Outlook message Docket can read: a message for the person who uploaded it."""


def looks_like_msg(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC)


def _limits() -> None:  # pragma: no cover - runs in the child before it reads anything
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def msg_to_mail(data: bytes, name: str = "the file") -> bytes:
    """The ``.msg`` file's message as RFC 5322 bytes, read in a bounded child process."""
    if len(data) > MAX_BYTES:
        raise NotAnOutlookMessage(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB: it was not read.")
    if not looks_like_msg(data):
        raise NotAnOutlookMessage(f"{name} is not an Outlook message (.msg): it does not start as one does.")
    if importlib.util.find_spec("extract_msg") is None:
        raise NotAnOutlookMessage(
            f"{name} is an Outlook message, and this Docket cannot read those: the optional package extract-msg "
            "is not installed (pip install 'docket[outlook]'). Save the message from Outlook as .eml and upload that."
        )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "docket.mail.outlook"],
            input=data,
            capture_output=True,
            timeout=WALL_SECONDS,
            preexec_fn=_limits,
            check=False,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        raise NotAnOutlookMessage(f"{name} took more than {WALL_SECONDS} s to read: it was not read.") from None
    if done.returncode != 0 or not done.stdout:
        raise NotAnOutlookMessage(
            f"{name} cannot be read as an Outlook message (it is damaged, cut short or not one): it was not taken in."
        )
    return done.stdout


def convert(data: bytes) -> bytes:
    """In the child: the message, with a header saying it came from a .msg (never raises past ``main``)."""
    import extract_msg

    message = extract_msg.openMsg(io.BytesIO(data))
    try:
        if not isinstance(message, extract_msg.Message):
            raise ValueError(f"it holds an Outlook {type(message).__name__}, not a mail message")
        mail = message.asEmailMessage()
        _fill_in(mail, message)
        del mail[CONVERTED_HEADER]
        mail[CONVERTED_HEADER] = "Outlook .msg"
        return mail.as_bytes(policy=SMTP)
    finally:
        message.close()


def _fill_in(mail: Any, message: Any) -> None:
    """Headers the message's properties have and its transport headers lack (a .msg of a message saved
    from Sent Items, or by an Outlook that kept no headers): its subject, sender, date and thread."""
    date = message.date
    name = message.getStringStream("__substg1.0_0C1A") or ""  # PR_SENDER_NAME
    address = message.getStringStream("__substg1.0_0C1F") or message.getStringStream("__substg1.0_0065") or ""
    known = {
        "Subject": message.subject,
        "From": formataddr((name, address)) if "@" in address else message.sender,
        "To": message.to,
        "Date": format_datetime(date) if isinstance(date, datetime.datetime) else "",
        "Message-ID": message.messageId,
        "In-Reply-To": message.inReplyTo,
    }
    for name, value in known.items():
        value = " ".join(str(value or "").split())
        present = str(mail.get(name, "") or "").strip()
        if value and (not present or (name == "From" and "@" not in present)):
            del mail[name]
            mail[name] = value


def main() -> int:  # pragma: no cover - the child process
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    try:
        out = convert(data)
    except Exception as error:  # hostile bytes: any failure is "cannot be read", said in words
        print(f"{type(error).__name__}: {str(error)[:200]}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
