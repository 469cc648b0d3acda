"""The office's logo and signature in a letter's PDF: one that is not a PNG or JPEG picture stops the
letter with words a person can act on (an UnreadablePicture, a LetterError), not Typst's "failed to decode image"."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PIL import Image

from docket.letters import Letter, LetterError, build_letter
from docket.letters.images import picture_problem
from docket.letters.pdf import to_pdf
from tests.letters.data import OFFICE, campaign, recipient


def with_pictures(logo: Path | None = None, signature: Path | None = None) -> Letter:
    office = dataclasses.replace(
        OFFICE, logo=str(logo) if logo else None, signature=str(signature) if signature else None
    )
    return build_letter(campaign(office=office), recipient())


def test_a_text_file_as_the_logo_stops_the_letter_in_plain_words(tmp_path: Path):
    fake = tmp_path / "fake.png"
    fake.write_text("this is not a picture\n")
    with pytest.raises(LetterError) as raised:
        to_pdf(with_pictures(logo=fake))
    assert str(raised.value) == (
        "The office's logo cannot be read as a picture (it is not a PNG or JPEG picture): "
        "upload it again on the Office page, or remove it."
    )


def test_a_missing_signature_file_is_named(tmp_path: Path):
    with pytest.raises(LetterError, match="The office's signature picture cannot be read as a picture"):
        to_pdf(with_pictures(signature=tmp_path / "gone.png"))


def test_real_pictures_are_printed(tmp_path: Path):
    logo, signature = tmp_path / "logo.png", tmp_path / "signature.jpg"
    Image.new("RGB", (60, 30), "navy").save(logo)
    Image.new("L", (60, 20), 255).save(signature)
    assert to_pdf(with_pictures(logo=logo, signature=signature)).startswith(b"%PDF")


def test_a_picture_of_too_many_pixels_is_refused(tmp_path: Path):
    huge = tmp_path / "huge.png"
    Image.new("1", (6000, 6000)).save(huge)
    assert picture_problem(str(huge)).startswith("is too large (6000 by 6000 pixels")
