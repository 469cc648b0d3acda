"""`docket import-mail` killed with SIGKILL in the middle of a chunk: the next run takes in what it stranded.

The rows of a chunk are written before its messages are read; a process killed
between the two (SIGKILL, the kernel's OOM killer) leaves them "stored". The next
run reads them again, so every message ends filed or held, and nothing twice.
"""

from __future__ import annotations

import mailbox
import os
import signal
import subprocess
import time

import pytest

from tests.conftest import REPO
from tests.isolated import isolated_database, query
from tests.samples import reply, text_pdf

DOCKET = str(REPO / ".venv" / "bin" / "docket")
MESSAGES = 120


def docket(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([DOCKET, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def kill_mid_chunk(env: dict[str, str], mbox: str) -> bool:
    """Start an import and SIGKILL it while a chunk's rows are written but not yet read; False if it finished first."""
    process = subprocess.Popen(
        [DOCKET, "import-mail", "--no-ocr", "--workers", "1", mbox],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            try:
                stranded = query(env, "select count(*) from mail_inboundmessage where status = 'stored'")[0][0]
            except Exception:  # the table is not there yet, or the database is busy: look again
                stranded = 0
            if stranded:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.002)
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_a_chunk_stranded_by_sigkill_is_taken_in_by_the_next_run_once(tmp_path):
    pdf = text_pdf("Strategic Needs Assessment for the area")
    box = mailbox.mbox(str(tmp_path / "replies.mbox"))
    for n in range(MESSAGES):
        box.add(
            reply(
                sender=f"office{n % 7}@unknown{n % 3}.example",
                to="commissioner@iasc.example",
                subject=f"Update {n}",
                attachments=[("assessment.pdf", "application/pdf", pdf)] if n % 2 else None,
                message_id=f"<update-{n}@unknown.example>",
            )
        )
    box.close()
    mbox = str(tmp_path / "replies.mbox")
    with isolated_database(tmp_path) as database:
        env = dict(os.environ) | database
        env.pop("DJANGO_SETTINGS_MODULE", None)
        docket(env, "init", "--no-input")
        assert any(kill_mid_chunk(env, mbox) for _ in range(5)), "the import always finished before it was killed"
        stranded = query(env, "select count(*) from mail_inboundmessage where status = 'stored'")[0][0]
        assert stranded > 0

        output = docket(env, "import-mail", "--no-ocr", "--workers", "1", mbox)
        assert f"{stranded} stranded message{'' if stranded == 1 else 's'} read again" in output
        rows = query(env, "select message_id, status, holding_reason from mail_inboundmessage")
        assert sorted(message_id for message_id, _, _ in rows) == sorted(
            f"<update-{n}@unknown.example>" for n in range(MESSAGES)
        )  # every message, each once
        assert {status for _, status, _ in rows} == {"holding"}
        assert all(reason for _, _, reason in rows)
        attachments = query(env, "select message_id from documents_attachment")
        assert len(attachments) == MESSAGES // 2  # read again, not added again
        assert len({message for (message,) in attachments}) == MESSAGES // 2
        again = docket(env, "import-mail", "--no-ocr", "--workers", "1", mbox)
        assert f"0 new messages stored (none); {MESSAGES} already stored" in again
