"""A real SMTP server (aiosmtpd) for the tests, recording what it accepts, and the one way they send through it.

Recipients can be made to fail: an address starting "reject" gets 550 at RCPT,
one starting "later" gets 451 until ``later_until`` attempts have been made.
The data itself can be refused: once ``refuse_data_after`` messages have been
taken, every further message gets the reply ``refuse_data_with`` to its data
(for example "452 4.3.1 Insufficient system storage") and is not kept.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from docket.campaigns.models import Campaign
from docket.mail import outbox
from docket.mail.channels.smtp import SmtpChannel, SmtpSettings
from docket.requests.actions import Actor
from docket.requests.letters import queue_campaign
from docket.requests.models import InfoRequest


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    at: float

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    received: list[Received] = field(default_factory=list)
    delay: float = 0.0
    later_until: int = 1
    attempts: dict[str, int] = field(default_factory=dict)
    refuse_data_with: str = ""
    refuse_data_after: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("reject"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if address.startswith("later"):
            count = self.attempts[address] = self.attempts.get(address, 0) + 1
            if count <= self.later_until:
                return "451 4.7.1 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            time.sleep(self.delay)  # hold the transaction open, as a slow server would
        with self.lock:
            if self.refuse_data_with and len(self.received) >= self.refuse_data_after:
                return self.refuse_data_with
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, time.time()))
        return "250 2.0.0 Ok: queued as TEST"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(item.message["Message-ID"]) for item in self.received]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings) -> Iterator[tuple[Recorder, SmtpSettings]]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, data_size_limit=50_000_000)
    controller.start()
    config = SmtpSettings.from_url(f"smtp://127.0.0.1:{port}?timeout=10")
    settings.DOCKET_SMTP = config
    settings.DOCKET_SEND_RATE = 0
    try:
        yield recorder, config
    finally:
        controller.stop()


def send_all(config: SmtpSettings, **options: Any) -> outbox.Tally:
    """Send everything due through the test server, as the worker does, until the outbox is empty."""
    return outbox.run(SmtpChannel(config), until_empty=True, poll_seconds=0.05, **options)


def sent_example(example: Campaign, config: SmtpSettings) -> dict[str, InfoRequest]:
    """Every letter of the campaign queued and sent over SMTP: its requests by their contact's full name."""
    queue_campaign(list(example.recipients.order_by("pk")), Actor("test"))
    send_all(config)
    found = InfoRequest.objects.filter(campaign=example).select_related("recipient__contact__body")
    return {request.recipient.contact.full_name: request for request in found.order_by("recipient__pk")}
