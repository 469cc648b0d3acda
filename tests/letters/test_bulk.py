import csv
import hashlib
import zipfile
from dataclasses import replace

import pytest

from docket.cli import main
from docket.letters import LetterError
from docket.letters.bulk import render_all
from tests.letters.data import campaign, recipient


def many(count: int):
    return [replace(recipient(), id=str(n), full_name=f"Person {n}", body=f"Body {n}") for n in range(1, count + 1)]


def test_it_renders_every_letter_on_several_processes_with_a_manifest(tmp_path):
    manifest = render_all(campaign(), many(40), ["txt", "pdf"], tmp_path / "out", workers=2)
    rows = list(csv.DictReader(manifest.open()))
    assert len(rows) == 80
    for row in rows:
        assert hashlib.sha256((tmp_path / "out" / row["file"]).read_bytes()).hexdigest() == row["sha256"]
    assert (tmp_path / "out" / "0040-body-40.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")) == []


def test_one_bad_letter_stops_the_run_and_leaves_nothing_behind(tmp_path):
    recipients = many(40)
    recipients[33] = replace(recipients[33], fields={})  # no "note" field
    with pytest.raises(LetterError, match=r"recipient 'Person 34' \(#34\), template line 4"):
        render_all(campaign(), recipients, ["txt", "pdf"], tmp_path / "out", workers=2)
    assert list((tmp_path / "out").iterdir()) == []


def test_the_zip_holds_the_letters_and_the_manifest(tmp_path):
    target = render_all(campaign(), many(3), ["docx", "html"], tmp_path, as_zip=True)
    with zipfile.ZipFile(target) as archive:
        names = sorted(archive.namelist())
    assert names == sorted(["manifest.csv"] + [f"000{n}-body-{n}.{ext}" for n in (1, 2, 3) for ext in ("docx", "html")])
    assert [p.name for p in tmp_path.iterdir()] == ["test-campaign-letters.zip"]


@pytest.mark.django_db
def test_the_render_command_renders_the_example_campaign(tmp_path, capsys):
    from docket.campaigns.examples import load_example

    campaign_model, _ = load_example("iasc-vru-2020")
    first = campaign_model.recipients.order_by("pk").first()
    assert main(["render", "iasc-vru-2020", "--format", "txt,md", "--out", str(tmp_path), "--quiet"]) == 0
    assert len(list(tmp_path.glob("*.txt"))) == 3
    assert main(["render", "iasc-vru-2020", "--recipient", str(first.pk), "--out", str(tmp_path / "one")]) == 0
    assert len(list((tmp_path / "one").glob("*.pdf"))) == 1
    assert main(["render", "iasc-vru-2020", "--recipient", "99999", "--out", str(tmp_path / "x")]) == 1
    assert "no recipient 99999" in capsys.readouterr().err


def test_the_manifest_does_not_hand_a_spreadsheet_a_formula(tmp_path):
    hostile = [
        replace(recipient(), id="1", full_name='=HYPERLINK("http://evil.example","x")', body="+cmd|' /C calc'!A0"),
        replace(recipient(), id="2", full_name="@SUM(1+1)", body="-2+3"),
    ]
    manifest = render_all(campaign(), hostile, ["txt"], tmp_path / "out", workers=1)
    rows = list(csv.DictReader(manifest.open()))
    cells = [value for row in rows for value in row.values()]
    assert not [cell for cell in cells if cell[:1] in "=+-@"]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
