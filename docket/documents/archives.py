"""Opening ZIP attachments with limits, so that a ZIP bomb costs nothing."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members larger than 1 MB
MAX_DEPTH = 2  # a ZIP inside a ZIP is opened; one more level is not


class ArchiveRefused(ValueError):
    pass


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


def members(data: bytes, depth: int = 0) -> list[Member]:
    """The files in a ZIP, or ``ArchiveRefused`` saying which limit it breaks."""
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
        if total > MAX_TOTAL_BYTES:
            raise ArchiveRefused(f"{total} bytes once unpacked; at most {MAX_TOTAL_BYTES} are unpacked")
        found = []
        for entry in entries:
            if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
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
