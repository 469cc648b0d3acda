"""A real IMAP server for the tests: Debian's Dovecot, started on its own port with its own config.

The test command installs dovecot-imapd. Run as root, mail is owned by
"nobody" (Dovecot never serves mail as root); run as anyone else, everything
runs as that user.
"""

from __future__ import annotations

import getpass
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from docket.mail.imap_settings import ImapSettings
from tests.mailserver import free_port

USER, PASSWORD = "office", "imap-test-password"


@dataclass
class Dovecot:
    config: ImapSettings
    folder: Path

    def append(self, raw: bytes, mailbox: str = "INBOX") -> None:
        import imaplib

        with imaplib.IMAP4("127.0.0.1", self.config.port) as client:
            client.login(USER, PASSWORD)
            status, data = client.append(mailbox, None, None, raw)
            assert status == "OK", data

    def flags(self, mailbox: str = "INBOX") -> list[str]:
        import imaplib

        with imaplib.IMAP4("127.0.0.1", self.config.port) as client:
            client.login(USER, PASSWORD)
            client.select(mailbox)
            _, data = client.fetch("1:*", "(FLAGS)")
            return [item.decode() for item in data if isinstance(item, bytes)]


def _config(folder: Path, port: int) -> str:
    if os.geteuid() == 0:
        mail_user, login_user, internal_user = "nobody", "dovenull", "dovecot"
    else:
        mail_user = login_user = internal_user = getpass.getuser()
    account = pwd.getpwnam(mail_user)
    home = folder / "home"
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, account.pw_uid, account.pw_gid)
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={home}/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    assert Path(binary).exists(), "Dovecot is not installed: ./setup.sh test installs dovecot-imapd"
    # Dovecot's own users must reach the folder, so not under pytest's private (0700) one.
    folder = Path(tempfile.mkdtemp(prefix="docket-dovecot-"))
    os.chmod(folder, 0o755)  # noqa: S103 - Dovecot's own users must reach it
    port = free_port()
    conf = folder / "dovecot.conf"
    conf.write_text(_config(folder, port))
    server = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
                output = server.stdout.read().decode() if server.stdout else ""
                raise RuntimeError(f"Dovecot did not start:\n{output}\n{log}") from None
            time.sleep(0.1)
    try:
        yield Dovecot(ImapSettings("127.0.0.1", port, USER, PASSWORD, timeout=10), folder)
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)
