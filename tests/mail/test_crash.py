"""`docket send` killed with SIGKILL at random moments never sends a letter twice nor loses one.

The default run kills the sender a few times at moments drawn from a fixed seed, so that a
failure can be replayed and the run stays short; the long run (``-m slow``, run by CI on SQLite)
kills it fifty times with a new seed each time (printed; replay one with DOCKET_CRASH_SEED).
"""

from __future__ import annotations

import collections
import csv
import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.isolated import isolated_database, query

DOCKET = str(REPO / ".venv" / "bin" / "docket")
LETTERS = 20
FIXED_SEED = 20261124


def docket(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([DOCKET, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return result


def twenty_recipients(path: Path) -> Path:
    with (REPO / "examples" / "iasc-vru-2020" / "recipients.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    extra = []
    for number in range(LETTERS - len(rows)):
        row = dict(rows[number % len(rows)])
        row["body"] = f"Area {number} Police and Crime Commissioner"
        row["full_name"] = f"Commissioner {number}"
        row["email"] = f"pcc{number}@area{number}.example"
        extra.append(row)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(extra)
    return path


def test_killing_the_sender_a_few_times_never_duplicates_nor_loses_a_letter(tmp_path, smtp_server):
    kill_and_check(tmp_path, smtp_server, seed=FIXED_SEED, kills=5, pause=(0.0, 0.25), mid_sending=True)


@pytest.mark.slow
def test_killing_the_sender_fifty_times_at_random_never_duplicates_nor_loses_a_letter(tmp_path, smtp_server):
    seed = int(os.environ.get("DOCKET_CRASH_SEED", random.randrange(1_000_000)))
    kill_and_check(tmp_path, smtp_server, seed=seed, kills=50, pause=(0.2, 1.4))


def kill_and_check(
    tmp_path: Path, smtp_server, *, seed: int, kills: int, pause: tuple[float, float], mid_sending: bool = False
) -> None:
    recorder, config = smtp_server
    recorder.delay = 0.1  # a slow server: kills often land while a letter is being taken
    chance = random.Random(seed)
    with isolated_database(tmp_path) as database:
        env = (
            dict(os.environ)
            | database
            | {
                "DOCKET_SMTP_URL": f"smtp://{config.host}:{config.port}?timeout=10",
                "DOCKET_SEND_RATE": "0",
            }
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        docket(env, "init", "--no-input")
        docket(env, "load-example", "iasc-vru-2020")
        docket(env, "import-recipients", "iasc-vru-2020", str(twenty_recipients(tmp_path / "more.csv")))
        docket(env, "queue", "iasc-vru-2020")

        kills_during_sending = 0
        for _ in range(kills):
            before = len(recorder.received)
            sender = subprocess.Popen(
                [DOCKET, "send", "--until-empty"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if mid_sending:  # wait for letters to start arriving, whatever the machine's speed, then kill
                deadline = time.monotonic() + 20
                while len(recorder.received) == before and sender.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.01)
            time.sleep(chance.uniform(*pause))
            sender.kill()
            sender.wait()
            kills_during_sending += len(recorder.received) > before and sender.returncode == -9
        docket(env, "send", "--until-empty")

        outbox = query(env, "select message_id, state from mail_outboxmessage where kind = 'letter'")
        states = dict(outbox)
        received = collections.Counter(recorder.message_ids())
        counts = collections.Counter(states.values())
        print(
            f"\ncrash test (seed {seed}): {kills} kills, {kills_during_sending} while letters were going; "
            f"{len(received)} letters received, outbox: {dict(counts)}"
        )
        assert len(outbox) == LETTERS
        assert max(received.values()) == 1, "a letter was received twice"
        assert set(states.values()) <= {"sent", "uncertain", "failed"}, "a letter was left neither sent nor flagged"
        for message_id, state in states.items():
            if state == "sent":
                assert received[message_id] == 1, f"{message_id} is marked sent but never arrived"
        assert set(received) <= {m for m, s in states.items() if s in {"sent", "uncertain"}}
        requests = dict(query(env, "select state, count(*) from requests_inforequest group by state"))
        assert requests.get("sent", 0) == counts["sent"]
