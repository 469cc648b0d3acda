"""A large .mbox shared among worker processes: every message stored and read once, nothing twice."""

from __future__ import annotations

import mailbox
import os
import subprocess

from tests.conftest import REPO
from tests.isolated import isolated_database, query
from tests.samples import reply, text_pdf

DOCKET = str(REPO / ".venv" / "bin" / "docket")


def docket(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([DOCKET, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_large_mbox_is_shared_among_workers_and_taken_in_once(tmp_path):
    pdf = text_pdf("Strategic Needs Assessment for the area")
    messages = [
        reply(
            sender=f"office{n % 7}@unknown{n % 3}.example",
            to="commissioner@iasc.example",
            subject=f"Update {n}",
            attachments=[("assessment.pdf", "application/pdf", pdf)] if n % 2 else None,
            message_id=f"<update-{n}@unknown.example>",
        )
        for n in range(130)
    ]
    box = mailbox.mbox(str(tmp_path / "replies.mbox"))
    for raw in [*messages, messages[5], messages[77]]:  # two sent twice
        box.add(raw)
    box.close()
    with isolated_database(tmp_path) as database:
        env = dict(os.environ) | database
        env.pop("DJANGO_SETTINGS_MODULE", None)
        docket(env, "init", "--no-input")
        output = docket(env, "import-mail", "--no-ocr", "--workers", "2", str(tmp_path / "replies.mbox"))
        assert "130 new messages stored (130 holding); 2 already stored; by 2 processes" in output
        rows = query(env, "select message_id, status from mail_inboundmessage")
        expected = sorted(f"<update-{n}@unknown.example>" for n in range(130))
        assert sorted(message_id for message_id, _ in rows) == expected
        assert {status for _, status in rows} == {"holding"}
        texts = query(env, "select text from documents_attachment")
        assert len(texts) == 65
        assert all("Strategic Needs Assessment" in text for (text,) in texts)
        again = docket(env, "import-mail", "--no-ocr", "--workers", "2", str(tmp_path / "replies.mbox"))
        assert "0 new messages stored (none); 132 already stored" in again
