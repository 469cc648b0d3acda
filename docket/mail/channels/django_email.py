"""Django's own email (a password reset link from the Users page) through the mail server at DOCKET_SMTP_URL.

Letters go through the outbox and :mod:`docket.mail.channels.smtp`; these few messages to staff
are sent at once by Django's SMTP backend, given the same server, port, login and TLS.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend


class DocketSmtpBackend(EmailBackend):
    def __init__(self, **options: Any) -> None:
        server = settings.DOCKET_SMTP
        options.setdefault("host", server.host)
        options.setdefault("port", server.port)
        options.setdefault("username", server.username or None)
        options.setdefault("password", server.password or None)
        options.setdefault("use_tls", server.starttls)
        options.setdefault("use_ssl", server.implicit_tls)
        options.setdefault("timeout", server.timeout)
        super().__init__(**options)
