"""`docket export-site` writes only where it may: never over Docket's data or a folder of someone else's."""

from pathlib import Path

import pytest

from docket.publishing.export import MARKER, ExportRefused, export_site
from tests.isolated import migrated_sqlite
from tests.test_cli import docket

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_refuses_a_folder_that_holds_other_files_and_leaves_them(tmp_path: Path):
    theirs = tmp_path / "documents"
    theirs.mkdir()
    (theirs / "budget.xlsx").write_bytes(b"precious")
    with pytest.raises(ExportRefused, match="not empty and does not hold an earlier export"):
        export_site(theirs)
    assert (theirs / "budget.xlsx").read_bytes() == b"precious"


def test_it_refuses_the_data_folder_and_anything_around_it(tmp_path: Path, settings):
    settings.DATA_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "files"
    settings.MEDIA_ROOT.mkdir(parents=True)
    for target in (tmp_path / "var", tmp_path, tmp_path / "var" / "files", tmp_path / "var" / "site"):
        with pytest.raises(ExportRefused, match="Docket's"):
            export_site(target)
    assert settings.MEDIA_ROOT.is_dir()


def test_it_refuses_a_file_in_plain_words(tmp_path: Path):
    a_file = tmp_path / "site.txt"
    a_file.write_text("mine")
    with pytest.raises(ExportRefused, match="is a file, not a folder"):
        export_site(a_file)
    assert a_file.read_text() == "mine"


def test_it_replaces_an_earlier_export_and_writes_into_an_empty_folder(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    export_site(empty)
    assert (empty / MARKER).is_file()
    (empty / "stale.html").write_text("from last time")
    export_site(empty)
    assert not (empty / "stale.html").exists()
    assert (empty / "feed.atom").is_file()


def test_the_command_refuses_the_data_folder_and_keeps_the_database(tmp_path: Path):
    migrated_sqlite(tmp_path / "docket.sqlite3")
    assert docket(tmp_path, "init", "--no-input").returncode == 0
    result = docket(tmp_path, "export-site", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "data folder" in result.stderr
    assert (tmp_path / "docket.sqlite3").is_file()


def test_bodies_whose_names_differ_only_in_punctuation_have_pages_of_their_own(tmp_path: Path, published_in_part):
    from docket.directory.models import Body
    from docket.publishing import actions
    from docket.requests.actions import Actor
    from docket.requests.models import InfoRequest

    hampshire = published_in_part["hampshire"].recipient.contact.body
    thames = InfoRequest.objects.get(recipient__contact__body__area="Thames Valley")
    twin = Body.objects.create(name=hampshire.name.replace(" and ", ": and ") + ".")
    contact = thames.recipient.contact
    contact.body = twin
    contact.save()
    actions.set_embargo(actions.letter_publication(thames), None, Actor("test"))
    assert twin.slug == hampshire.slug + "-2"
    export_site(tmp_path / "site")
    pages = sorted(path.parent.name for path in (tmp_path / "site" / "iasc-vru-2020").glob("*/index.html"))
    assert pages == [hampshire.slug, twin.slug]
