"""Reading untrusted files in a separate process bounded in memory, CPU time and wall-clock time.

Anyone can send Docket an attachment, and a file of a few kilobytes can ask a reader for
gigabytes or for hours (a PDF with a huge page, a compressed stream that inflates without
end, a spreadsheet claiming a cell at XFD1048576). So files are read in a *reading process*
(``python -m docket.documents.bounded``) that Docket starts on first use: before each file
it sets its own ``RLIMIT_AS`` (memory) and ``RLIMIT_CPU``, and Docket kills it, and all it
started (Tesseract too), when the file's wall-clock time is up. A file past a limit is
reported as "too large to read"; Docket itself is never at risk.

Why one process for many files, not a process per file: forking costs 10 to 30 ms a file on
a busy two-core machine (even a fork that does nothing), against 1 to 3 ms to read a
one-page PDF, so intake would run at half speed. The reading process is recycled instead:
after any file that hits a limit, fails, or leaves it large, it ends and the next file
starts a fresh one. Its answers come back as JSON, never pickle: it has parsed hostile bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import IO, Any

from docket.documents.extraction import Caps

HEADER = struct.Struct(">Q")  # every frame on the pipes: its length, then its bytes
MAX_FRAME_BYTES = 256 * 1024 * 1024  # no request or answer is larger (attachments read are at most 60 MB)
MAX_FILES = 500  # files one reading process reads before a fresh one takes over
RETIRE_FRACTION = 0.5  # a reading process left using more than this share of its memory limit ends


@dataclass(frozen=True)
class Budget:
    """What reading one file may use."""

    memory_mb: int = 1024
    cpu_seconds: int = 60
    wall_seconds: int = 120


@dataclass(frozen=True)
class Outcome:
    """What reading one file gave: ``kind`` is text, too_large, not_readable or failed."""

    kind: str
    text: str = ""
    pages: int = 0
    ocr_pages: int = 0
    reason: str = ""
    retire: bool = False  # the reading process ends after this answer
    page_starts: tuple[int, ...] = ()  # where each page after the first begins in ``text``


class Reader:
    """This Docket process's reading process, started on first use and again after it ends."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one file at a time through the pipes (web threads share it)

    def read(self, data: bytes, content_type: str, *, ocr: bool, caps: Caps, budget: Budget) -> Outcome:
        request = {"content_type": content_type, "ocr": ocr, "caps": asdict(caps), "budget": asdict(budget)}
        with self._lock:
            process = self._running()
            assert process.stdin is not None
            assert process.stdout is not None
            try:
                _write_frame(process.stdin, json.dumps(request).encode())
                _write_frame(process.stdin, data)
                outcome = _outcome(_read_frame(process.stdout, time.monotonic() + budget.wall_seconds))
            except TimeoutError:
                self._end()
                return Outcome("too_large", reason=_took_too_long(budget))
            except (OSError, EOFError):  # it died on this file: the kernel or a limit stopped it
                return Outcome("too_large", reason=_why_it_died(self._end(), budget))
            if outcome.retire:
                self._end()
            return outcome

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            path = os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
            self._process = subprocess.Popen(
                [sys.executable, "-P", "-m", "docket.documents.bounded"],  # -P: not the working folder's modules
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,  # its own process group: killing it kills a Tesseract it started
                env={**os.environ, "PYTHONPATH": path, "OMP_THREAD_LIMIT": "1"},
            )
        return self._process

    def _end(self) -> int:
        """Kill the reading process and all it started; its exit status (negative: the signal)."""
        process, self._process = self._process, None
        if process is None:
            return 0
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return process.wait()

    def close(self) -> None:
        """End the reading process (it also ends by itself when this process does)."""
        with self._lock:
            self._end()


READER = Reader()


def read_bounded(data: bytes, content_type: str, *, ocr: bool, caps: Caps, budget: Budget) -> Outcome:
    """Read ``data`` in the reading process within ``budget`` (and the readers' ``caps``)."""
    return READER.read(data, content_type, ocr=ocr, caps=caps, budget=budget)


def _took_too_long(budget: Budget) -> str:
    return f"reading it took longer than the {budget.wall_seconds} seconds allowed for one file"


def _needed_too_much(budget: Budget) -> str:
    return f"reading it needed more than the {budget.memory_mb:,} MB of memory allowed for one file"


def _why_it_died(status: int, budget: Budget) -> str:
    if status in {-signal.SIGXCPU, -signal.SIGKILL}:
        return _took_too_long(budget)
    # A reader that dies without a word under a memory limit has, in practice, been refused
    # memory: PDFium and libxml2 abort on a failed allocation rather than raise.
    return _needed_too_much(budget)


def _outcome(reply: bytes) -> Outcome:
    """The reading process's answer, or a failure if it is not one (it has parsed hostile bytes)."""
    try:
        found = json.loads(reply)
        return Outcome(
            str(found["kind"]),
            str(found["text"]),
            int(found["pages"]),
            int(found["ocr_pages"]),
            str(found["reason"]),
            bool(found["retire"]),
            tuple(int(start) for start in found["page_starts"]),
        )
    except (ValueError, KeyError, TypeError):
        return Outcome("failed", reason="the reader gave no usable answer", retire=True)


# The reading process. ----------------------------------------------------------------------


def serve() -> None:
    """Answer requests on stdin, one file at a time, until stdin closes or it should retire."""
    from docket.documents import extraction

    extraction.load_readers()
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 0)  # the pipes are for requests and answers alone: no library may print on them
    os.dup2(quiet, 1)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for _ in range(MAX_FILES):
        try:
            request = json.loads(_read_frame(requests, None))
            data = _read_frame(requests, None)
        except EOFError:
            return
        budget = Budget(**request["budget"])
        _limit(budget)
        outcome = _extract(data, request, budget)
        del data
        _write_frame(answers, json.dumps(asdict(outcome)).encode())
        if outcome.retire:
            return
    _write_frame(answers, b"")  # never read: the next request finds the pipe closed and starts afresh


def _limit(budget: Budget) -> None:
    """Limits for the next file: memory as a whole, CPU time from now (each Tesseract gets its own)."""
    memory = budget.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, resource.RLIM_INFINITY))
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = int(used.ru_utime + used.ru_stime) + 1 + budget.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, resource.RLIM_INFINITY))


def _extract(data: bytes, request: dict[str, Any], budget: Budget) -> Outcome:
    from docket.documents import extraction
    from docket.documents.ocr import OcrUnavailable

    caps = Caps(**request["caps"])
    try:
        result = extraction.extract(data, request["content_type"], ocr=request["ocr"], caps=caps)
    except extraction.TooLarge as reason:
        return Outcome("too_large", reason=str(reason))
    except MemoryError:
        return Outcome("too_large", reason=_needed_too_much(budget), retire=True)
    except extraction.NotReadable as reason:
        return Outcome("not_readable", reason=str(reason))
    except (extraction.ExtractionError, OcrUnavailable) as error:
        return Outcome("failed", reason=str(error), retire=True)
    except Exception as error:  # one file must never stop the rest
        return Outcome("failed", reason=f"{type(error).__name__}: {error}", retire=True)
    text = result.text[: caps.max_text_chars]
    starts = tuple(start for start in result.page_starts if start < len(text))
    return Outcome("text", text, result.pages, result.ocr_pages, retire=_grown(budget), page_starts=starts)


def _grown(budget: Budget) -> bool:
    """Whether this process now holds so much memory that a fresh one should read the next file."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        size = int(statm.read().split()[0]) * resource.getpagesize()
    return size > RETIRE_FRACTION * budget.memory_mb * 1024 * 1024


# Frames on the pipes. ---------------------------------------------------------------------


def _write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read_frame(stream: IO[bytes], deadline: float | None) -> bytes:
    (length,) = HEADER.unpack(_read_exactly(stream, HEADER.size, deadline))
    if length > MAX_FRAME_BYTES:
        raise EOFError(f"a frame of {length} bytes is not expected")
    return _read_exactly(stream, length, deadline)


def _read_exactly(stream: IO[bytes], size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    wanted = size
    fd = stream.fileno()
    while wanted:
        if deadline is not None:
            _wait_readable(fd, deadline)
        chunk = os.read(fd, min(wanted, 1024 * 1024))
        if not chunk:
            raise EOFError("the other end closed the pipe")
        chunks.append(chunk)
        wanted -= len(chunk)
    return b"".join(chunks)


def _wait_readable(fd: int, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
        raise TimeoutError


if __name__ == "__main__":
    serve()
