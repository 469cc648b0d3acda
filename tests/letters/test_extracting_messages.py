"""Reading a letter back against a template it cannot read: messages a policy officer can act on."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pytest

from docket.letters.extracting import ExtractionError, extract
from docket.letters.inputs import CampaignData
from docket.letters.learning import learn
from docket.letters.reading import parse_letter, read_letter
from tests.letters.test_learning import SEEDS

INSTEAD = "Add this recipient with “Add recipients from the directory” on the campaign's page instead"


@cache
def _campaign() -> CampaignData:
    return learn([read_letter(path.name, path.read_bytes()) for path in SEEDS]).campaign_data("vru", "VRU")


def _text(path: Path = SEEDS[0]) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("Yours, {{ fields.vru | upper }} and {{ fields.vru }}.", "prints {{ fields.vru | upper }}, which Docket"),
        ("{% for item in items.asked %}{{ item.name }}{% endfor %}", "uses {% for item in items.asked %}, which"),
        ("{% set greeting = 'Hello' %}", "uses {% set greeting = 'Hello' %}, which Docket"),
        (
            "{% if contact.area == 'Hampshire' %}Hi{% endif %}",
            "chooses its words with {% if contact.area == 'Hampshire' %}",
        ),
        ("{{ fields.vru", "has a mistake (a {{ is not closed with }}), so Docket cannot read a letter"),
    ],
)
def test_a_template_line_it_cannot_read_back_is_named_in_plain_words(line, says):
    campaign = dataclasses.replace(_campaign(), template=f"Dear all,\n\n{line}\n" + _campaign().template)
    with pytest.raises(ExtractionError) as raised:
        extract(campaign, parse_letter("letter.txt", _text()))
    message = str(raised.value)
    assert message.startswith("Line 3 of the campaign's template ")  # the template's line, and said so
    assert says in message
    assert not any(jargon in message for jargon in ("extraction", "expression", "cite()"))
    if "mistake" in message:
        assert "Correct the template with “Edit the letter” on the campaign's page." in message
    else:
        assert message.endswith(f"{INSTEAD}, or simplify that line of the template.")


def test_the_letters_date_printed_by_the_template_is_read_back():
    """{{ letter_date | long_date }} prints the same in every letter: a letter that has it is read, not refused."""
    campaign = dataclasses.replace(
        _campaign(), template="Written on {{ letter_date | long_date }}.\n\n" + _campaign().template
    )
    text = _text().replace("Dear Anthony,\n", "Dear Anthony,\n\nWritten on 13 October 2020.\n", 1)
    values = extract(campaign, parse_letter("letter.txt", text))
    assert values.matched
    assert values.full_name == "Anthony Stansfeld"
