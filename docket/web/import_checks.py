"""What the directory's and a campaign's import pages share about a check that found problems.

The uploaded file is kept (its name in the session) between the check and "Import N rows". A check
with problems is shown once, with the upload field to send a corrected file: coming back to the page
later starts afresh instead of showing the old problems until someone presses Cancel. A file none of
whose rows can be imported (its columns are wrong, or every row has a problem) is not kept at all.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any


def failed_check_seen(session: MutableMapping[str, Any], key: str) -> bool:
    """Whether the failed check of the file kept under ``key`` was shown already; marks it shown."""
    kept = session.get(key)
    if not isinstance(kept, dict) or kept.get("shown"):
        return True
    session[key] = kept | {"shown": True}
    return False


def nothing_importable(rows_with_problems: set[int], good: int) -> bool:
    """Row 1 is the header row: a problem there (a column) stops the whole import, as does having no good row."""
    return 1 in rows_with_problems or not good
