"""A mailbox connection that breaks off mid-fetch: one plain error, and what was stored stays stored."""

from __future__ import annotations

import imaplib

import pytest

from docket.cli import main
from docket.mail import imap
from docket.mail.imap_settings import ImapSettings
from docket.mail.models import InboundMessage
from tests.samples import reply

pytestmark = pytest.mark.django_db
CONFIG = ImapSettings("imap.office.example", 143, "office", "secret")


class BreaksOff:
    """An IMAP server that lists 120 messages and hangs up while the 61st is fetched."""

    def __init__(self) -> None:
        self.flagged: list[str] = []

    def select(self, mailbox: str) -> tuple[str, list[bytes]]:
        return "OK", [b"120"]

    def response(self, code: str) -> tuple[str, list[bytes]]:
        return code, [b"7"]

    def uid(self, command: str, uid: str, *args: str) -> tuple[str, list[object]]:
        if command == "SEARCH":
            return "OK", [" ".join(str(n) for n in range(1, 121)).encode()]
        if command == "FETCH":
            if int(uid) > 60:
                raise imaplib.IMAP4.abort("socket error: EOF occurred in violation of protocol")
            raw = reply(sender="x@unknown.example", to="office@unknown.example", message_id=f"<m{uid}@x.example>")
            return "OK", [(f"{uid} (UID {uid} BODY[] {{{len(raw)}}}".encode(), raw), b")"]
        self.flagged.append(uid)
        return "OK", [b""]

    def logout(self) -> None:
        raise OSError("the connection is closed")


def test_an_imap_abort_is_one_plain_line_and_the_stored_messages_stay(settings, monkeypatch, capsys):
    server = BreaksOff()
    monkeypatch.setattr(imap, "_connect", lambda config: server)
    settings.DOCKET_IMAP = CONFIG
    assert main(["fetch-mail", "--no-ocr"]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "Traceback" not in error
    assert error.startswith("docket fetch-mail: the connection to the mailbox office@imap.office.example:143/INBOX")
    assert "broke off (abort: socket error: EOF" in error
    assert "the 50 new messages stored before that stay stored: run fetch-mail again" in error
    assert InboundMessage.objects.count() == 50
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {"holding"}
    assert server.flagged == [str(n) for n in range(1, 51)]  # the next run fetches the rest
