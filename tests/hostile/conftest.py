"""The hostile-input suite: PDFs, mail, spreadsheets, attachments and templates made to hurt.

Run alone with ``pytest tests/hostile`` (CI runs it within the whole suite). Every case must
finish quickly and within bounded memory: each module's own peak resident memory, and that of
any child it waited for, is checked against a ceiling far below what the unbounded cases
reached (3 to 24 GB).

The test process's peak is this module's own: Linux resets the process's high-water mark
when "5" is written to ``/proc/self/clear_refs`` (proc(5)), so ``VmHWM`` afterwards is the most
this module held, not the most any earlier test of the whole suite held. A child's peak
(``RUSAGE_CHILDREN``) cannot be reset; it is checked when it rose during the module, which is
when a child of this module set it.
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from pathlib import Path

import pytest

PEAK_LIMIT_KB = 1_500 * 1024


def own_peak_kb() -> int:
    """This process's resident high-water mark since it was last reset, in kilobytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("/proc/self/status has no VmHWM line")


def reset_own_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def children_peak_kb() -> int:
    """The largest peak of any child this process waited for, ever, in kilobytes (Linux)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


@pytest.fixture(autouse=True, scope="module")
def _memory_stays_bounded() -> Iterator[None]:
    children_before = children_peak_kb()
    reset_own_peak()
    yield
    own = own_peak_kb()
    children = children_peak_kb()
    assert own < PEAK_LIMIT_KB, f"the test process peaked at {own // 1024} MB in this module"
    if children > children_before:
        assert children < PEAK_LIMIT_KB, f"a child process peaked at {children // 1024} MB"
