"""Where the office's mailbox is: read from DOCKET_IMAP_URL by the settings (no Django here)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit


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
        parts = urlsplit(url)
        if parts.scheme not in {"imap", "imaps"} or not parts.hostname or not parts.username:
            raise ValueError(f"{url!r} is not an imap:// or imaps:// URL with a user and a host")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"starttls", "timeout"}
        if unknown:
            raise ValueError(f"unknown option(s) {', '.join(sorted(unknown))} in the IMAP URL")
        implicit = parts.scheme == "imaps"
        return cls(
            host=parts.hostname,
            port=parts.port or (993 if implicit else 143),
            username=unquote(parts.username),
            password=unquote(parts.password or ""),
            mailbox=unquote(parts.path.strip("/")) or "INBOX",
            implicit_tls=implicit,
            starttls=query.get("starttls", "0") in {"1", "true", "yes"},
            timeout=float(query.get("timeout", "60")),
        )

    @property
    def name(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.mailbox}"
