""" "Start a campaign from letters" (and `docket learn-campaign`) is bounded before any learning: too
many letters, too long a letter or too much text in all is refused in words; the page's hint says the
limits; and Django's count of files one form may send agrees with the page's."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from docket.campaigns.models import Campaign
from docket.cli import main
from docket.letters import learning
from docket.web import learning_pages
from tests.letters.test_learning import SEEDS
from tests.web.conftest import person

pytestmark = pytest.mark.django_db
URL = "/campaigns/new/from-letters/"


def _files():
    return [SimpleUploadedFile(path.name, path.read_bytes()) for path in SEEDS]


@pytest.fixture
def editor(db):
    return person("editor@office.example", "editor")


def _refused(client, editor, files=None) -> str:
    client.force_login(editor)
    response = client.post(URL, {"slug": "vru", "title": "VRU", "letters": files or _files()})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert not Campaign.objects.exists()
    return str(page)


def test_too_much_text_in_all_is_refused_before_learning(client, editor, monkeypatch):
    monkeypatch.setattr(learning, "MAX_TEXT_CHARS", 3_000_000)
    monkeypatch.setattr(learning_pages, "learn", lambda *a: pytest.fail("learnt from too much text"))
    big = [SimpleUploadedFile(f"{n}.txt", b"Dear Sir,\n\n" + b"word " * 200_000) for n in range(4)]
    monkeypatch.setattr(learning, "MAX_LETTER_WORDS", 1_000_000)
    page = _refused(client, editor, big)
    assert "The letters hold more than 3 MB of text: Docket learns from at most 200 letters" in page


def test_a_letter_too_long_is_named_and_refused(client, editor, monkeypatch):
    monkeypatch.setattr(learning, "MAX_LETTER_WORDS", 50)
    page = _refused(client, editor)
    assert f"{SEEDS[0].name}: the letter has" in page
    assert "each of at most 50 words" in page


def test_too_many_letters_are_refused_with_the_limit(client, editor, monkeypatch):
    monkeypatch.setattr(learning, "MAX_LETTERS", 2)
    page = _refused(client, editor)
    assert f"{len(SEEDS)} files: Docket learns from at most 2 letters" in page


def test_the_hint_says_the_limits(client, editor):
    client.force_login(editor)
    page = client.get(URL).content.decode()
    assert "Docket learns from at most 200 letters, each of at most 5,000 words, and about 2 MB of text in all" in page


def test_djangos_limit_on_files_is_the_pages(client, editor):
    assert django_settings.DATA_UPLOAD_MAX_NUMBER_FILES == learning.MAX_LETTERS


def test_more_files_than_django_takes_is_a_plain_page(client, editor, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client.force_login(editor)
    response = client.post(URL, {"slug": "vru", "title": "VRU", "letters": _files()[:3]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "You chose more files than Docket takes in one upload (at most 2)." in page
    assert "Go back and choose fewer files." in page


def test_the_command_is_bounded_the_same_way(db, capsys, monkeypatch):
    monkeypatch.setattr(learning, "MAX_LETTER_WORDS", 50)
    assert main(["learn-campaign", *map(str, SEEDS), "--slug", "vru-learned"]) == 1
    assert "each of at most 50 words" in capsys.readouterr().err
    assert not Campaign.objects.exists()
