"""Outlook .msg files made to hurt: read in a child process with limits, refused in words that name the file.

Nothing half-written: a refused file leaves no message behind.
"""

from __future__ import annotations

import importlib.util
import struct
import time

import pytest

from docket.mail import outlook
from docket.mail.models import InboundMessage
from docket.mail.outlook import OLE_MAGIC, NotAnOutlookMessage, msg_to_mail
from docket.mail.uploads import UploadRefused, upload_to_holding_pen
from docket.requests.actions import Actor
from tests.outlook_msg import outlook_msg

pytestmark = pytest.mark.django_db
SOMEONE = Actor("Case worker")


def a_msg() -> bytes:
    return outlook_msg(subject="Hi", sender_name="A", sender="a@b.example", headers="", body="Hello")


def test_a_msg_whose_sectors_loop_is_refused_quickly():
    data = bytearray(a_msg())
    # The header's first directory sector and its FAT chain point at themselves: a reader that follows
    # them without checking would go round for ever.
    struct.pack_into("<I", data, 0x30, 0)
    struct.pack_into("<I", data, 0x4C, 0)
    start = time.perf_counter()
    with pytest.raises(NotAnOutlookMessage, match=r"loop\.msg"):
        upload_to_holding_pen("loop.msg", bytes(data), SOMEONE)
    assert time.perf_counter() - start < outlook.WALL_SECONDS
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize(
    "data",
    [OLE_MAGIC + b"\xff" * 4096, OLE_MAGIC + bytes(512) * 20, a_msg()[:700]],
    ids=["garbage", "zeros", "cut-short"],
)
def test_a_damaged_msg_is_refused_and_nothing_is_stored(data):
    with pytest.raises(NotAnOutlookMessage, match="cannot be read as an Outlook message"):
        upload_to_holding_pen("bad.msg", data, SOMEONE)
    assert not InboundMessage.objects.exists()


def test_the_child_s_memory_limit_holds(monkeypatch):
    """With a limit too small for the reader to start, a good file is refused, not read in Docket's own process."""
    monkeypatch.setattr(outlook, "MEMORY_BYTES", 64 * 1024 * 1024)
    with pytest.raises(NotAnOutlookMessage):
        msg_to_mail(a_msg(), "big.msg")
    monkeypatch.undo()
    read = msg_to_mail(a_msg(), "big.msg")
    assert b"Subject: Hi\r\n" in read  # no transport headers: taken from the message's properties
    assert b"From: A <a@b.example>\r\n" in read


def test_an_upload_over_the_size_limit_is_not_read(monkeypatch):
    import docket.mail.uploads as uploads

    monkeypatch.setattr(uploads, "MAX_BYTES", 1000)
    with pytest.raises(UploadRefused, match="larger than"):
        upload_to_holding_pen("huge.msg", a_msg(), SOMEONE)


def test_without_the_optional_reader_a_msg_is_refused_in_words(monkeypatch):
    """extract-msg (GPL-3.0) is the optional extra docket[outlook]: without it, the person is told what to do."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *rest: None if name == "extract_msg" else real_find_spec(name, *rest)
    )
    with pytest.raises(NotAnOutlookMessage, match=r"extract-msg is not installed.*as \.eml"):
        upload_to_holding_pen("reply.msg", a_msg(), SOMEONE)
    assert not InboundMessage.objects.exists()
