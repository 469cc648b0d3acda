"""`docket worker` as a user runs it: a real process, on its own database (SQLite, or PostgreSQL on that run)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.conftest import REPO
from tests.isolated import isolated_database, query

DOCKET = str(REPO / ".venv" / "bin" / "docket")

# The outbox's fixture server runs in this process; the worker reaches it over TCP.
pytestmark = pytest.mark.django_db(transaction=True)


def docket(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([DOCKET, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr


def test_the_worker_drains_the_outbox_and_stops_cleanly_on_sigterm(tmp_path, smtp_server):
    recorder, config = smtp_server
    with isolated_database(tmp_path) as database:
        env = (
            dict(os.environ)
            | database
            | {
                "DOCKET_SMTP_URL": f"smtp://{config.host}:{config.port}?timeout=10",
                "DOCKET_SEND_RATE": "0",
                "DOCKET_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
            }
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        docket(env, "init", "--no-input")
        docket(env, "load-example", "iasc-vru-2020")
        docket(env, "queue", "iasc-vru-2020")
        queued = query(env, "select count(*) from mail_outboxmessage")[0][0]
        assert queued >= 3

        worker = subprocess.Popen(
            [DOCKET, "worker", "--poll", "0.2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            deadline = time.monotonic() + 60
            while len(recorder.received) < queued and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(recorder.received) == queued
            assert query(env, "select count(*) from worker_workerbeat")[0][0] == 1  # its heartbeat
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

        assert worker.returncode == 0, err
        assert "Docket worker is up" in out
        assert out.rstrip().endswith("docket worker: stopped.")
        assert "Traceback" not in err
        assert query(env, "select state, count(*) from mail_outboxmessage group by state") == [("sent", queued)]
        assert query(env, "select count(*) from worker_workerbeat where stopped_at is not null")[0][0] == 1
        assert len({r.message["Message-ID"] for r in recorder.received}) == queued  # each letter once
