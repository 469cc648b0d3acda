"""The Content-Disposition of a download whose name came from outside (a sender's attachment)."""

from __future__ import annotations

import unicodedata

from django.utils.http import content_disposition_header


def safe_filename(name: str, fallback: str = "attachment") -> str:
    """The name without control characters (CR/LF would break the header) or path separators."""
    kept = "".join(" " if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} else c for c in name)
    kept = " ".join(kept.replace("/", "_").replace("\\", "_").split())
    return kept or fallback


def attachment_disposition(name: str, fallback: str = "attachment") -> str:
    """A header value that makes the browser save the file, under a name that is safe to send."""
    header = content_disposition_header(as_attachment=True, filename=safe_filename(name, fallback))
    assert header is not None  # always a value when as_attachment is true
    return header
