"""Where the office's mailbox is: read from DOCKET_IMAP_URL by the settings (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass

from docket.mail.server_urls import parse_server_url


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    username: str
    password: str
    mailbox: str = "INBOX"
    implicit_tls: bool = False
    starttls: bool = False
    timeout: float = 60.0

    @classmethod
    def from_url(cls, url: str) -> ImapSettings:
        """``imap://user:pass@host:143/INBOX?starttls=1`` or ``imaps://user:pass@host/INBOX``."""
        server = parse_server_url(url, "imap", (143, 993), user_required=True)
        return cls(
            server.host,
            server.port,
            server.username,
            server.password,
            server.path or "INBOX",
            server.implicit_tls,
            server.starttls,
            server.timeout,
        )

    @property
    def name(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.mailbox}"
