"""Per-request reply addresses: ``PREFIX+<request id>-<code>@DOMAIN``.

The code is an HMAC of the request id keyed with the secret key, so an address
cannot be guessed for another request, and a mistyped one is refused rather
than filed against the wrong body. Codes are lower-case base32, since mail
systems may change the case of a local part.
"""

from __future__ import annotations

import base64
import hmac
import re

from django.conf import settings
from django.utils.crypto import salted_hmac

CODE_LENGTH = 12  # 60 bits
# The From address of a message whose sender is not known (a file a person uploaded, not mail).
NO_SENDER = "unknown@invalid"


def _code(request_id: int) -> str:
    digest = salted_hmac("docket.mail.reply-address", str(request_id), algorithm="sha256").digest()
    return base64.b32encode(digest).decode().lower()[:CODE_LENGTH]


def reply_address(request_id: int) -> str:
    return f"{settings.DOCKET_REPLY_PREFIX}+{request_id}-{_code(request_id)}@{settings.DOCKET_REPLY_DOMAIN}"


def request_id_from_address(address: str) -> int | None:
    """The request an address of ours belongs to, or None if it is not one (or its code is wrong)."""
    pattern = rf"{re.escape(settings.DOCKET_REPLY_PREFIX)}\+(\d+)-([a-z2-7]+)@{re.escape(settings.DOCKET_REPLY_DOMAIN)}"
    match = re.fullmatch(pattern, address.strip().strip("<>"), flags=re.IGNORECASE)
    if not match:
        return None
    request_id = int(match[1])
    return request_id if hmac.compare_digest(match[2].lower(), _code(request_id)) else None
