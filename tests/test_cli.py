"""The docket command as a user runs it: a real process on its own SQLite database."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.factories import contact_row, write_csv
from tests.isolated import migrated_sqlite

DOCKET = str(REPO / ".venv" / "bin" / "docket")


def docket(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = (
        os.environ
        | {
            "DOCKET_DATA_DIR": str(data_dir),
            "DOCKET_DATABASE_URL": f"sqlite:///{data_dir / 'docket.sqlite3'}",
        }
        | (env or {})
    )
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([DOCKET, *args], capture_output=True, text=True, env=environment, timeout=120, check=False)


def count_contacts(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "docket.sqlite3") as connection:
        return int(connection.execute("select count(*) from directory_contact").fetchone()[0])


def test_import_contacts_names_the_bad_row_and_changes_nothing(tmp_path: Path):
    migrated_sqlite(tmp_path / "docket.sqlite3")
    assert docket(tmp_path, "init", "--no-input").returncode == 0
    rows = [contact_row(n) for n in range(1, 11)]
    bad = write_csv(tmp_path / "contacts.csv", [*rows[:4], rows[4] | {"website": "not a url"}, *rows[5:]])
    result = docket(tmp_path, "import-contacts", str(bad))
    assert result.returncode == 1
    assert "row 6, column 'website'" in result.stderr
    assert count_contacts(tmp_path) == 0

    fixed = write_csv(tmp_path / "contacts.csv", rows)
    assert docket(tmp_path, "import-contacts", str(fixed)).returncode == 0
    assert count_contacts(tmp_path) == 10
    again = docket(tmp_path, "import-contacts", str(fixed))
    assert "0 contacts created, 0 updated, 10 unchanged" in again.stdout
    assert count_contacts(tmp_path) == 10


def test_import_contacts_says_which_column_to_rename_full_name(tmp_path: Path):
    migrated_sqlite(tmp_path / "docket.sqlite3")
    row = {("contact name" if key == "full_name" else key): value for key, value in contact_row(1).items()}
    result = docket(tmp_path, "import-contacts", str(write_csv(tmp_path / "people.csv", [row])))
    assert result.returncode == 1
    assert (
        "people.csv: row 1, column 'full_name': the file has no full_name column;"
        ' its column "contact name" looks like it: rename it to full_name' in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert count_contacts(tmp_path) == 0


def test_import_contacts_reads_a_csv_separated_by_semicolons(tmp_path: Path):
    migrated_sqlite(tmp_path / "docket.sqlite3")
    rows = [contact_row(n) for n in (1, 2)]
    result = docket(tmp_path, "import-contacts", str(write_csv(tmp_path / "people.csv", rows, delimiter=";")))
    assert result.returncode == 0, result.stderr
    assert "2 contacts created" in result.stdout
    assert count_contacts(tmp_path) == 2


def test_import_contacts_explains_a_header_it_cannot_split(tmp_path: Path):
    migrated_sqlite(tmp_path / "docket.sqlite3")
    path = tmp_path / "people.csv"
    path.write_text('"body;full_name;email"\n"Kent PCC;Ann Bell;ann@kent.example"\n')
    result = docket(tmp_path, "import-contacts", str(path))
    assert result.returncode == 1
    assert f"The columns of {path} seem to be separated by semicolons" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_stops_the_command_with_its_name(tmp_path: Path):
    result = docket(tmp_path, "init", "--no-input", env={"DOCKET_DEBUG": "maybe"})
    assert result.returncode == 1
    assert "DOCKET_DEBUG='maybe' is not a yes/no value" in result.stderr


def test_import_recipients_needs_a_known_campaign(tmp_path: Path):
    migrated_sqlite(tmp_path / "docket.sqlite3")
    docket(tmp_path, "init", "--no-input")
    result = docket(tmp_path, "import-recipients", "nope", str(tmp_path / "x.csv"))
    assert result.returncode == 1
    assert "no campaign 'nope'" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_demo_serves_the_example_and_prints_a_working_login(tmp_path: Path):
    port = free_port()
    environment = os.environ | {
        "DOCKET_DATA_DIR": str(tmp_path),
        "DOCKET_DATABASE_URL": f"sqlite:///{tmp_path / 'docket.sqlite3'}",
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [DOCKET, "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    try:
        assert server.stdout is not None
        lines = []
        for line in server.stdout:
            lines.append(line)
            if "Docket is running" in line:
                break
        output = "".join(lines)
        login = next(line for line in lines if line.startswith("Sign in at"))
        email, password = login.split(" as ")[1].split(" with password ")
        password = password.strip()
        assert email == "admin@docket.example"
        assert "3 recipients created" in output
        assert "Docket worker is up" in output  # the demo's worker, started before the server
        page = wait_for(f"http://127.0.0.1:{port}/admin/login/")
        assert "Log in" in page
        static = wait_for(f"http://127.0.0.1:{port}/static/admin/css/base.css")
        assert "body" in static
        recipients = sign_in_and_get(port, email, password, "/admin/campaigns/recipient/")
        for name in ("Anthony Stansfeld", "Paddy Tipping", "Michael Lane"):
            assert name in recipients
        assert "3 recipients" in recipients
    finally:
        server.terminate()
        server.wait(timeout=20)


def sign_in_and_get(port: int, email: str, password: str, path: str) -> str:
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login_page = opener.open(f"{base}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
    assert token
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token[1], "username": email, "password": password, "next": path}
    ).encode()
    request = urllib.request.Request(f"{base}/admin/login/", data=form, headers={"Referer": f"{base}/admin/login/"})
    with opener.open(request) as response:
        assert response.url.endswith(path), "the login was refused"
        return str(response.read().decode())


def wait_for(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
