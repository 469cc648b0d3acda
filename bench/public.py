"""Benchmark: the public campaign page under load, against a static file from the same server.

    .venv/bin/python bench/public.py [--seconds 10] [--connections 32] [--workers 2]

Sets up the example campaign with its three letters published, starts `docket serve`
(Granian) on localhost, and loads it from a second process with wrk (Debian's `wrk`
package; `apt-get install wrk`) for a bounded time: first the public campaign page,
then GOV.UK Frontend's stylesheet served by the same server as the ceiling.
Targets: at least 300 requests/s and p99 under 100 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKET = str(ROOT / ".venv" / "bin" / "docket")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(env: dict[str, str]) -> None:
    """The example campaign, its letters frozen as if sent, and published."""
    script = """
import django; django.setup()
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0); call_command("collectstatic", interactive=False, verbosity=0)
from docket.campaigns.examples import load_example
from docket.requests.letters import queue_campaign
from docket.publishing import actions as publishing
from docket.requests import actions
from docket.requests.actions import Actor
campaign, _ = load_example("iasc-vru-2020")
actor = Actor("bench")
queue_campaign(list(campaign.recipients.all()), actor)
for request in campaign.requests.all():
    request = actions.mark_sent(request, actor, timezone.now())
    publishing.publish(publishing.approve(publishing.letter_publication(request), actor), actor)
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT)


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p99, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    return rate, float(p99) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--threads", type=int, default=4, help="Python threads per server worker (docket serve's default)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    folder = tempfile.mkdtemp(prefix="docket-bench-public-")
    port = free_port()
    env = os.environ | {
        "DOCKET_DATA_DIR": folder,
        "DOCKET_DATABASE_URL": os.environ.get("DOCKET_BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "docket.settings",
    }
    prepare(env)
    server = subprocess.Popen(
        [DOCKET, "serve", "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/public/iasc-vru-2020/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        page = wrk(f"{base}/public/iasc-vru-2020/", args.seconds, args.connections)
        static = wrk(f"{base}/static/docket/vendor/govuk-frontend.min.css", args.seconds, args.connections)
    finally:
        server.terminate()
        server.wait()
    print(f"{args.workers} server worker(s); wrk: 2 threads, {args.connections} connections, {args.seconds} s each")
    print(
        f"  public campaign page   {page[0]:8.1f} requests/s, p99 {page[1]:6.1f} ms (targets: >= 300/s, p99 < 100 ms)"
    )
    print(f"  static file (ceiling)  {static[0]:8.1f} requests/s, p99 {static[1]:6.1f} ms")
    print(f"  page / static: {page[0] / static[0]:.2f}")


if __name__ == "__main__":
    main()
