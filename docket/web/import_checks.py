"""What the directory's and a campaign's import pages share about a check that found problems.

The uploaded file is kept (its name in the session) between the check and "Import N rows". A check
with problems is shown once, with the upload field to send a corrected file: coming back to the page
later starts afresh instead of showing the old problems until someone presses Cancel. A file none of
whose rows can be imported (its columns are wrong, or every row has a problem) is not kept at all.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from docket.importing import CellError

HEADER_ROW = 1


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


def problems_summary(errors: Sequence[CellError]) -> dict[str, Any]:
    """The error summary's parts: the header row's problems named as the columns' (``column_problems``, each
    reason), and the problems of the other rows counted (``row_problems``) with their rows (``bad_rows``)."""
    rows = [error for error in errors if error.row != HEADER_ROW]
    return {
        "column_problems": [error.reason for error in errors if error.row == HEADER_ROW],
        "row_problems": len(rows),
        "bad_rows": len({error.row for error in rows}),
    }
