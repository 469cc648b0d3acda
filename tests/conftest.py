"""Fast, deterministic test settings and the factories every test uses."""

from __future__ import annotations

import os
import socket
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Playwright's synchronous API runs an event loop in the test's thread; the ORM calls the
# tests make beside it are still synchronous, so Django's guard against async misuse is off.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# A naive datetime is a bug in an application that runs in UK time: fail on it.
warnings.filterwarnings("error", r"DateTimeField .* received a naive datetime", RuntimeWarning)

# A port held for the whole run and never listened on: mail a test sends without a mail server of its own
# is refused there, whatever the machine runs on port 25 (a real MTA, or someone's aiosmtpd).
NO_MAIL_SERVER = socket.socket()
NO_MAIL_SERVER.bind(("127.0.0.1", 0))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"
    # A data folder of its own per test: what one test leaves there (an import waiting for its
    # confirmation) is not seen by another, nor by the same test on the other database.
    settings.DATA_DIR = tmp_path_factory.mktemp("data")  # beside tmp_path, which some tests list
    # Tasks run at once, in the test (production queues them in the database for `docket worker`).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    from docket.mail.channels.smtp import SmtpSettings

    settings.DOCKET_SMTP = SmtpSettings.from_url(f"smtp://127.0.0.1:{NO_MAIL_SERVER.getsockname()[1]}")


@pytest.fixture
def office(db):
    from tests.factories import make_office

    return make_office()


@pytest.fixture
def campaign(office):
    from tests.factories import make_campaign

    return make_campaign(office)


@pytest.fixture
def example(db):
    """The shipped example campaign, loaded."""
    from docket.campaigns.examples import load_example

    return load_example("iasc-vru-2020")[0]


@pytest.fixture
def coordinator(db):
    from django.contrib.auth.models import User

    return User.objects.create_user("coordinator@office.example", "coordinator@office.example", "pw")
