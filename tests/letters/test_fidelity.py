"""The example campaign reproduces the seed letters word for word.

Every seed in tests/letters/seeds/ and in ../shared/seeds/ is matched to the
example recipient whose name it contains. Only the differences listed in
KNOWN_DIFFERENCES, each a defect of the seed's conversion, may remain.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from docket.campaigns.examples import load_example
from docket.campaigns.letters import campaign_data, recipient_data, recipients_for_rendering
from docket.letters import render
from tests.conftest import REPO
from tests.letters.normalise import strip_markup, words

SEED_DIRS = [Path(__file__).parent / "seeds", REPO.parent / "shared" / "seeds"]
SEEDS = sorted({path.name: path for d in SEED_DIRS if d.is_dir() for path in d.glob("*.txt")}.values())

LETTERHEAD = (
    "Dame Sara Thornton DBE QPM Independent Anti-Slavery Commissioner 5th Floor, Globe House "
    "89 Eccleston Square London, SW1V 1PN Tel: +44 (0) 20 3513 0477 Email: shelley.perera@iasc.independent.gov.uk"
)
# (what the seed has, what the letter has): defects of the seeds' own conversions, not of the letters.
KNOWN_DIFFERENCES: dict[str, list[tuple[str, str]]] = {}  # none left: a stray "(" for a space is normalised


def without_missing_letterhead(seed: list[str], ours: list[str]) -> list[str]:
    """Most conversions dropped the letterhead (it is page design, not text): when the seed has
    none, compare from the date on. A seed that has one is compared with it."""
    letterhead = LETTERHEAD.split()
    if ours[: len(letterhead)] == letterhead and seed[: len(letterhead)] != letterhead:
        return ours[len(letterhead) :]
    return ours


def differences(seed: list[str], ours: list[str]) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(a=seed, b=ours, autojunk=False)
    return [
        (" ".join(seed[i1:i2]), " ".join(ours[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


@pytest.fixture
def example_letters(db):
    campaign, _ = load_example("iasc-vru-2020")
    data = campaign_data(campaign)
    return {
        recipient.contact.full_name: render(data, recipient_data(recipient), "txt").decode()
        for recipient in recipients_for_rendering(campaign)
    }


def test_there_are_seeds_to_compare():
    assert len(SEEDS) >= 3


@pytest.mark.parametrize("seed_path", SEEDS, ids=[path.name for path in SEEDS])
def test_the_letter_matches_its_seed(seed_path: Path, example_letters: dict[str, str]):
    seed_text = seed_path.read_text(encoding="utf-8")
    matches = [name for name in example_letters if name in strip_markup(seed_text)]
    assert len(matches) == 1, f"{seed_path.name}: no single example recipient named in it ({matches})"
    seed, ours = words(seed_text), words(example_letters[matches[0]])
    ours.body = without_missing_letterhead(seed.body, ours.body)
    assert differences(seed.body, ours.body) == KNOWN_DIFFERENCES.get(seed_path.name, [])
    assert seed.footnotes == ours.footnotes
    assert len(ours.footnotes) == 5


def test_the_normalisation_treats_every_marker_alike():
    variants = [
        "the announcement¹ in late 2019\n\n¹ Home Office (2019) [Funding](#)",
        "the announcement<sup>1</sup> in late 2019\n\n<sup>&</sup>lt;sup>1</sup> Home Office (2019) <u>Funding</u>",
        "the announcement[1] in late 2019\n\n[1] Home Office (2019) Funding <https://www.gov.uk/x>",
        "the announcement[^1] in late 2019\n\n[^1]: Home Office (2019) [Funding](<https://www.gov.uk/x>)",
    ]
    expected = words(variants[0])
    assert expected.body == ["the", "announcement^1", "in", "late", "2019"]
    assert expected.footnotes == {1: ["Home", "Office", "(2019)", "Funding"]}
    for variant in variants[1:]:
        assert words(variant) == expected


def test_a_change_of_one_word_is_caught(example_letters):
    letter = example_letters["Michael Lane"]
    seed = (Path(__file__).parent / "seeds" / "002_9240e55838eabc01.txt").read_text()
    altered = letter.replace("knife crime", "car crime")
    seed_words = words(seed).body
    assert differences(seed_words, without_missing_letterhead(seed_words, words(altered).body)) == [("knife", "car")]


def test_each_example_letter_has_five_word_footnotes_and_a_tagged_pdf(db, tmp_path):
    import io
    import subprocess

    import docx
    from lxml import etree

    campaign, _ = load_example("iasc-vru-2020")
    data = campaign_data(campaign)
    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for recipient in recipients_for_rendering(campaign):
        document = docx.Document(io.BytesIO(render(data, recipient_data(recipient), "docx")))
        part = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/footnotes"))
        notes = [n for n in etree.fromstring(part.blob) if int(n.get(f"{namespace}id")) > 0]
        assert len(notes) == 5
        pdf = tmp_path / f"{recipient.pk}.pdf"
        pdf.write_bytes(render(data, recipient_data(recipient), "pdf"))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "Tagged:          yes" in info


def test_the_normalisation_reads_a_format_it_was_not_written_for(db):
    """Docket's own Markdown (footnotes as [^1], escapes, bold) normalises to the same words as its text."""
    campaign, _ = load_example("iasc-vru-2020")
    data = campaign_data(campaign)
    for recipient in recipients_for_rendering(campaign):
        markdown = words(render(data, recipient_data(recipient), "md").decode())
        text = words(render(data, recipient_data(recipient), "txt").decode())
        assert markdown.body == text.body
        assert markdown.footnotes == text.footnotes
