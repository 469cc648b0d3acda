"""Opening ZIP attachments with limits, so that a ZIP bomb costs nothing."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024  # all members together; of one message's ZIP files: DOCKET_READ_MAX_UNPACKED_MB
MAX_RATIO = 200  # uncompressed / compressed, of the whole ZIP and of each member, once larger than 1 MB
RATIO_FROM_BYTES = 1024 * 1024
MAX_DEPTH = 2  # a ZIP inside a ZIP is opened; one more level is not


class ArchiveRefused(ValueError):
    pass


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


def members(data: bytes, depth: int = 0, max_total_bytes: int = MAX_TOTAL_BYTES, already: int = 0) -> list[Member]:
    """The files in a ZIP, or ``ArchiveRefused`` saying which limit it breaks. ``max_total_bytes`` bounds
    all of them together with the ``already`` bytes unpacked from the message's other ZIP files."""
    if depth >= MAX_DEPTH:
        raise ArchiveRefused(f"a ZIP nested more than {MAX_DEPTH} deep is not opened")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ArchiveRefused(f"not a readable ZIP file: {error}") from None
    with archive:
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
        if len(entries) > MAX_MEMBERS:
            raise ArchiveRefused(f"{len(entries)} files inside; at most {MAX_MEMBERS} are opened")
        total = sum(entry.file_size for entry in entries)
        if already + total > max_total_bytes:
            others = f", with the message's other ZIP files {megabytes(already + total)}" if already else ""
            raise ArchiveRefused(
                f"its files unpack to {megabytes(total)}{others}, and Docket unpacks at most "
                f"{megabytes(max_total_bytes)} of one message's ZIP files (the setting DOCKET_READ_MAX_UNPACKED_MB)"
            )
        # Many members of 1 MB each pass the check of each member below: the whole ZIP is checked too.
        if total > RATIO_FROM_BYTES and total > MAX_RATIO * len(data):
            raise ArchiveRefused(f"its files unpack to {total // len(data):,}x the ZIP file's size: a ZIP bomb")
        found = []
        for entry in entries:
            if entry.file_size > RATIO_FROM_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                raise ArchiveRefused(
                    f"{entry.filename} unpacks {entry.file_size // max(entry.compress_size, 1)}x its size: a ZIP bomb"
                )
            if entry.file_size > MAX_MEMBER_BYTES:
                raise ArchiveRefused(
                    f"{entry.filename} is {entry.file_size} bytes unpacked; the limit is {MAX_MEMBER_BYTES}"
                )
            with archive.open(entry) as stream:
                content = stream.read(MAX_MEMBER_BYTES + 1)  # the header's size may lie
            if len(content) > MAX_MEMBER_BYTES:
                raise ArchiveRefused(f"{entry.filename} unpacks to more than {MAX_MEMBER_BYTES} bytes")
            found.append(Member(entry.filename, content))
        return found


def megabytes(size: int) -> str:
    """A size as a person reads it, rounded up (past a limit of 100 MB is "101 MB"): "0.4 MB", "12 MB"."""
    tenths = -(-size * 10 // (1024 * 1024))
    return f"{tenths / 10:.1f} MB" if tenths < 100 else f"{-(-tenths // 10):,} MB"
