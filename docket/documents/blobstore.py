"""Content-addressed storage: a file is named by the sha256 of its bytes and written once.

Files live under ``DATA_DIR/blobs/ab/cd/<sha256>``. Writing goes through a
temporary file and an atomic rename, so a crash never leaves half a file under
a real name, and storing the same bytes twice stores them once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return Path(settings.DATA_DIR) / "blobs"


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"{sha256!r} is not a sha256 digest")
    return root() / sha256[:2] / sha256[2:4] / sha256


def write(data: bytes) -> str:
    """Store ``data``; returns its sha256. Idempotent."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def read(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()
