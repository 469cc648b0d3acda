"""The hostile-input suite: PDFs, mail, spreadsheets, attachments and templates made to hurt.

Run alone with ``pytest tests/hostile`` (CI runs it within the whole suite). Every case must
finish quickly and within bounded memory: after each module, the peak resident memory of this
test process and of the largest child it waited for is checked against a ceiling far below
what the unbounded cases reached (3 to 24 GB).
"""

from __future__ import annotations

import resource
from collections.abc import Iterator

import pytest

# ru_maxrss is in kilobytes on Linux.
PEAK_LIMIT_KB = 1_500 * 1024


def peak_kb() -> tuple[int, int]:
    """(this process, the largest waited-for child), in kilobytes."""
    return (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )


@pytest.fixture(autouse=True, scope="module")
def _memory_stays_bounded() -> Iterator[None]:
    yield
    own, child = peak_kb()
    assert own < PEAK_LIMIT_KB, f"the test process peaked at {own // 1024} MB"
    assert child < PEAK_LIMIT_KB, f"a child process peaked at {child // 1024} MB"
