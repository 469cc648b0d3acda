"""Delivery channels. Each takes a stored message and hands it on, or says why not.

A channel raises ``DeliveryError`` with ``permanent`` (do not try again: the
address or the message is refused) or not (try later), and ``uncertain`` when
the message may have gone: the connection failed while the server was taking
it, so sending again could deliver it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

# How a channel's error begins when the server could not be reached at all (nothing was said to it): the outbox
# and the dashboard explain these words to a person.
UNREACHABLE = "cannot reach the mail server"


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, uncertain: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.uncertain = uncertain


class Channel(Protocol):
    @property
    def server(self) -> str:
        """The server it sends through (``host:port``), whose limits (``ServerLimit``) apply."""
        ...

    def deliver(
        self, envelope_from: str, envelope_to: str, raw: bytes, before_data: Callable[[], None] | None = None
    ) -> str:
        """Hand the message on; return the server's words of acceptance.

        ``before_data`` is called once nothing but the message data is left: from
        then on a failure may have delivered it. If it raises, the transaction is
        abandoned (nothing was delivered) and its exception propagates.
        """
        ...

    def close(self) -> None: ...
