"""Running a template in a child process with hard limits, for templates nobody has saved yet.

The bounds in :mod:`docket.letters.template_limits` stop every construct we know of, but
they are checks in Python at the places the sandbox gets control; an operation of Python's
own that we did not foresee could still run long or grow large in one step. The editor's
live preview runs whatever any viewer types, so there the template runs in a child
process with an address-space and CPU-time limit, killed when its time is up: whatever it
does, the server's process keeps its memory and its thread comes back.

Children start from a fork server (a small process started once, with the letters package
loaded), not from the server process itself: forking a threaded server can copy a lock
held by another thread.
"""

from __future__ import annotations

import math
import multiprocessing
import resource
from multiprocessing.connection import Connection
from typing import Any

from docket.letters.inputs import CampaignData, RecipientData, ReferenceData
from docket.letters.template_limits import DEFAULT_TIMEOUT
from docket.letters.templating import LetterError, render_markdown

MEMORY_LIMIT = 768 * 1024 * 1024  # bytes of address space (Python and the letters package use ~100 MB)
GRACE = 1.0  # seconds beyond the template's own deadline before the child is killed

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["docket.letters.templating"])


def _child(connection: Connection, campaign: CampaignData, recipient: RecipientData, timeout: float) -> None:
    """Runs in the child: limits first, then the render; the answer (or the LetterError) goes back."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    cpu = math.ceil(timeout + GRACE)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    answer: tuple[str, Any]
    try:
        answer = ("ok", render_markdown(campaign, recipient, timeout=timeout))
    except LetterError as error:
        answer = ("error", error)
    connection.send(answer)
    connection.close()


def render_markdown_isolated(
    campaign: CampaignData, recipient: RecipientData, timeout: float = DEFAULT_TIMEOUT
) -> tuple[str, list[ReferenceData]]:
    """:func:`render_markdown` in a bounded child process; anything that kills it is a LetterError."""
    receiving, sending = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=_child, args=(sending, campaign, recipient, timeout), daemon=True)
    child.start()
    sending.close()
    try:
        if receiving.poll(timeout + GRACE):
            status, value = receiving.recv()
            if status == "error":
                raise value
            markdown, cited = value
            return markdown, cited
    except (EOFError, OSError):
        pass  # the child died before answering: over its memory or CPU limit
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()
    raise LetterError(
        campaign.slug,
        f"{recipient.full_name!r} (#{recipient.id})",
        None,
        f"the template needed more than {timeout:g} seconds or {MEMORY_LIMIT // 2**20} MB to run",
    )
