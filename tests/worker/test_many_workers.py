"""Several `docket worker` processes share one outbox, and one of them killed with SIGKILL (twice) costs nothing.

On PostgreSQL three workers, on SQLite two, drain 300 letters to the test's SMTP server (aiosmtpd, in this
process). One worker is killed with SIGKILL while letters are going, started again, and killed again. In
the end every letter was received once and is recorded sent, or is marked uncertain (the server may have
it: a person decides), and none was received twice, none is left queued or half-sent, none is lost.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO
from tests.isolated import isolated_database, query

DOCKET = str(REPO / ".venv" / "bin" / "docket")
LETTERS = 300
# Long on SQLite (two workers and the kills take half a minute on a busy machine): marked slow there, so that
# CI's slow run (SQLite) has it; on PostgreSQL, where it is the proof that claims hold, it runs every time.
ON_POSTGRES = os.environ.get("DOCKET_DATABASE_URL", "").startswith("postgres")
pytestmark = [pytest.mark.django_db(transaction=True), *([] if ON_POSTGRES else [pytest.mark.slow])]


def docket(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([DOCKET, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr


def start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [DOCKET, "worker", "--poll", "0.2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_workers_share_the_outbox_and_one_killed_twice_sends_nothing_twice_and_loses_nothing(tmp_path, smtp_server):
    recorder, config = smtp_server
    recorder.delay = 0.005  # a server that takes a moment: kills land while letters are going
    with isolated_database(tmp_path) as database:
        env = (
            dict(os.environ)
            | database
            | {
                "DOCKET_SMTP_URL": f"smtp://{config.host}:{config.port}?timeout=10",
                "DOCKET_SEND_RATE": "0",
                "DOCKET_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
                "DJANGO_SETTINGS_MODULE": "docket.settings",
                "PYTHONPATH": str(REPO),
            }
        )
        docket(env, "init", "--no-input")
        filled = subprocess.run(
            [sys.executable, "-m", "tests.letters_in_outbox", str(LETTERS)],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert filled.returncode == 0, filled.stderr
        assert query(env, "select count(*) from mail_outboxmessage where state = 'queued'")[0][0] == LETTERS

        workers = [start_worker(env) for _ in range(3 if ON_POSTGRES else 2)]
        killed_while_sending = []
        try:
            for after in (LETTERS // 5, LETTERS // 2):
                victim = workers[0]
                its = f"from mail_outboxmessage where claimed_by like '%:{victim.pid}:%'"

                def sending(its: str = its, after: int = after) -> bool:  # mid-way, and the victim holds letters
                    held = query(env, f"select count(*) {its} and state = 'sending'")[0][0]
                    return len(recorder.received) >= after and held > 0

                wait_until(sending, 120, f"{after} letters to arrive and worker {victim.pid} to be sending")
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                holding = query(env, f"select count(*) {its} and state = 'sending'")[0][0]
                killed_while_sending.append(
                    (len(recorder.received), query(env, f"select count(*) {its}")[0][0], holding)
                )
                workers[0] = start_worker(env)

            def settled() -> bool:
                return bool(
                    query(env, "select count(*) from mail_outboxmessage where state in ('queued', 'sending')")[0][0]
                    == 0
                )

            wait_until(settled, 120, "the outbox to be settled")
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()

        states = dict(query(env, "select message_id, state from mail_outboxmessage"))
        received = collections.Counter(recorder.message_ids())
        counts = collections.Counter(states.values())
        print(
            f"\n{len(workers)} workers, one killed at (letters received, letters it claimed, still sending): "
            f"{killed_while_sending}; "
            f"{len(received)} letters received, outbox: {dict(counts)}"
        )
        assert len(states) == LETTERS
        assert max(received.values()) == 1, "a letter was received twice"
        assert set(counts) <= {"sent", "uncertain"}, "a letter was left neither sent nor flagged"
        for message_id, state in states.items():
            if state == "sent":
                assert received[message_id] == 1, f"{message_id} is marked sent but never arrived"
            else:
                assert received[message_id] <= 1
        assert set(received) <= set(states)
        # A worker killed leaves at most one letter uncertain: the one whose data was going.
        assert counts["uncertain"] <= len(killed_while_sending)
        requests = dict(query(env, "select state, count(*) from requests_inforequest group by state"))
        assert requests.get("sent", 0) == counts["sent"]
        assert requests.get("queued", 0) == counts["uncertain"]
        assert all(claimed > 0 for _, claimed, _ in killed_while_sending), "a worker was killed before it sent"
