"""Reading a mail server's address from one URL: ``smtp://``, ``smtps://``, ``imap://``, ``imaps://``.

``scheme://user:password@host:port/path?starttls=1&timeout=30``; the "s" scheme means TLS
from the start, ``starttls=1`` upgrades a plain connection. No Django here: the settings use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class ServerUrl:
    host: str
    port: int
    username: str
    password: str
    path: str
    implicit_tls: bool
    starttls: bool
    timeout: float


def parse_server_url(url: str, protocol: str, ports: tuple[int, int], *, user_required: bool = False) -> ServerUrl:
    """``protocol`` is "smtp" or "imap"; ``ports`` are the defaults without and with implicit TLS."""
    parts = urlsplit(url)
    if parts.scheme not in {protocol, f"{protocol}s"} or not parts.hostname or (user_required and not parts.username):
        who = "a user and a host" if user_required else "a host"
        raise ValueError(f"{url!r} is not a {protocol}:// or {protocol}s:// URL with {who}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"starttls", "timeout"}
    if unknown:
        options = f"option{'s' if len(unknown) > 1 else ''} {', '.join(sorted(unknown))}"
        raise ValueError(f"unknown {options} in the {protocol.upper()} URL")
    implicit = parts.scheme == f"{protocol}s"
    try:
        timeout = float(query.get("timeout", "60"))
    except ValueError:
        raise ValueError(
            f"timeout={query['timeout']!r} in the {protocol.upper()} URL is not a number of seconds"
        ) from None
    return ServerUrl(
        host=parts.hostname,
        port=parts.port or ports[implicit],
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        path=unquote(parts.path.strip("/")),
        implicit_tls=implicit,
        starttls=query.get("starttls", "0") in {"1", "true", "yes"},
        timeout=timeout,
    )
