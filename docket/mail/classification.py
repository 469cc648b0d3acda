"""What an inbound message is: a reply, an acknowledgement, an automatic reply, a bounce, or not a reply.

A pure function of what was read from the message (headers, subject, text, whether
files came with it), so that it can be tested on real messages without a database
and run again from the stored bytes. Only a reply can move a request towards
answered, and an acknowledgement only from sent to acknowledged: an out-of-office
note, a newsletter or an unreadable upload is kept and shown, and moves nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Classification(StrEnum):
    REPLY = "reply"
    ACKNOWLEDGEMENT = "acknowledgement"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    NOT_A_REPLY = "not_a_reply"


LABELS = {
    Classification.REPLY: "Reply",
    Classification.ACKNOWLEDGEMENT: "Acknowledgement",
    Classification.AUTO_REPLY: "Automatic reply",
    Classification.BOUNCE: "Bounce",
    Classification.NOT_A_REPLY: "Not a reply",
}
CHOICES = [(kind.value, LABELS[kind]) for kind in Classification]
# What a person may set it to: a bounce is decided by the bounce handler alone.
CORRECTABLE = [kind for kind in Classification if kind != Classification.BOUNCE]

# RFC 3834 and the headers mail systems use in its place.
AUTO_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk"})
AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|autoreply|out of (the )?office|abwesenheit|"
    r"away from (the |my )?office)",
    re.I,
)
AUTO_BODY = re.compile(
    r"\b(i am|i'm|i will be) (currently )?(out of (the )?office|away from (the |my )?(office|desk)|on (annual )?leave"
    r"|on holiday|on vacation)|\bthis is an automatic(ally generated)? (reply|response|message)",
    re.I,
)
ACK_SUBJECT = re.compile(r"\b(acknowledge?ment|receipt|received your (request|email))\b", re.I)
ACK_BODY = re.compile(
    r"\b(acknowledge (the )?receipt|we (have|'ve) received your|your (request|email|message|letter) (has been|was) "
    r"(received|logged|passed)|we will (reply|respond|be in touch) (shortly|soon|within)|"
    r"(aim|expect) to (reply|respond) within|will be dealt with)",
    re.I,
)
# Mailing lists and newsletters say so; a reply to a letter never does.
LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post")


@dataclass(frozen=True)
class Read:
    """What the classifier looks at, as read from the message."""

    header: Callable[[str], str]  # a header's value by name, "" when absent
    subject: str
    text: str  # the reply without what it quotes
    has_files: bool  # attachments came with it
    files_readable: bool = True  # at least one attachment has text (or none came)
    upload: bool = False  # a file a person uploaded, not a message


def classify(read: Read) -> tuple[Classification, str]:
    """The message's classification and why (for the timeline and the page)."""
    automatic = _automatic(read)
    if automatic:
        return Classification.AUTO_REPLY, automatic
    if read.upload and not read.files_readable:
        return Classification.NOT_A_REPLY, "an uploaded file with no readable text: not a reply until a person says so"
    for name in LIST_HEADERS:
        if read.header(name).strip():
            return Classification.NOT_A_REPLY, f"sent to a mailing list ({name})"
    if not read.has_files and (ACK_SUBJECT.search(read.subject) or ACK_BODY.search(read.text[:3000])):
        return Classification.ACKNOWLEDGEMENT, "it acknowledges the request, with nothing attached"
    return Classification.REPLY, ""


def _automatic(read: Read) -> str:
    """Why the message was sent by a machine rather than a person ("" if it was not)."""
    submitted = read.header("Auto-Submitted").strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted[:40]}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if read.header(name).strip():
            return f"{name} header"
    precedence = read.header("Precedence").strip().lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    if AUTO_SUBJECT.match(read.subject):
        return "an out-of-office subject"
    if not read.has_files and AUTO_BODY.search(read.text[:2000]):
        return "an out-of-office text"
    return ""
