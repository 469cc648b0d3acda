"""The hostile-input suite: PDFs, mail, spreadsheets, attachments and templates made to hurt.

Run alone with ``pytest tests/hostile`` (CI runs it within the whole suite). Every case must
finish quickly and within bounded memory: each module's own peak resident memory, and that of
any child it waited for, is checked against a ceiling far below what the unbounded cases
reached (3 to 24 GB).

The test process's peak is this module's own: Linux resets the process's high-water mark
when "5" is written to ``/proc/self/clear_refs`` (proc(5)), so ``VmHWM`` afterwards is the most
the process held during this module, not the most any earlier test of the whole suite held; what
is checked is how far that rose above what the process held when the module began (``VmRSS``
then), since in the whole suite that is itself over a gigabyte, which no hostile case put there. A child's peak
(``RUSAGE_CHILDREN``) cannot be reset; it is checked when it rose during the module, which is
when a child of this module set it, and against the same starting point: Linux counts in a child's peak the
test process's memory it was forked with, recorded when it runs another program (``exec``), so a reader
started from a test process holding 1.5 GB "peaks" at 1.5 GB before it reads anything. The readers also
hold themselves to their own ``RLIMIT_AS`` (``docket/documents/bounded.py``), which these tests reach.
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from pathlib import Path

import pytest

PEAK_LIMIT_KB = 1_500 * 1024


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"/proc/self/status has no {field} line")


def own_peak_kb() -> int:
    """This process's resident high-water mark since it was last reset, in kilobytes."""
    return _status_kb("VmHWM")


def resident_kb() -> int:
    """What this process holds in memory now, in kilobytes."""
    return _status_kb("VmRSS")


def reset_own_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def children_peak_kb() -> int:
    """The largest peak of any child this process waited for, ever, in kilobytes (Linux)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


@pytest.fixture(autouse=True, scope="module")
def _memory_stays_bounded() -> Iterator[None]:
    children_before = children_peak_kb()
    reset_own_peak()
    held_before = resident_kb()
    yield
    own = own_peak_kb() - held_before
    children = children_peak_kb()
    assert own < PEAK_LIMIT_KB, f"the test process rose {own // 1024} MB above what it held before this module"
    if children > children_before:
        rose = children - held_before
        assert rose < PEAK_LIMIT_KB, f"a child process peaked {rose // 1024} MB above what the test process held"
