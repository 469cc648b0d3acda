"""Fast, deterministic test settings and the factories every test uses."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# A naive datetime is a bug in an application that runs in UK time: fail on it.
warnings.filterwarnings("error", r"DateTimeField .* received a naive datetime", RuntimeWarning)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def office(db):
    from tests.factories import make_office

    return make_office()


@pytest.fixture
def campaign(office):
    from tests.factories import make_campaign

    return make_campaign(office)
