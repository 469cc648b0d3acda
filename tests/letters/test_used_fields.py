"""The fields a template cannot do without are those a blank stops when the letter is made."""

from __future__ import annotations

import itertools

import pytest

from docket.letters.templating import LetterError, render_markdown
from docket.letters.used_fields import fields_a_blank_stops
from tests.letters import data

NAMES = ("a", "b", "c")
CASES = {
    "{{ fields.a }}": {"a"},
    '{{ fields["a"] }} and {{ fields.b | default("") }}': {"a"},
    "{{ fields.a | upper }}": {"a"},
    "{% if fields.a %}{{ fields.a }}{% else %}{{ fields.b }}{% endif %}": {"b"},
    "{% if fields.a %}{{ fields.c }}{% elif fields.b %}{{ fields.b }}{% endif %}": {"c"},
    '{{ fields.a or "none" }} {{ fields.b if fields.b else "none" }}': set(),
    '{% if fields.a is defined and fields.b != "no" %}yes{% endif %}': set(),
    "{% set x = fields.a %}{{ x }}{{ fields.b ~ '.' }}": {"a", "b"},
    "{% for n in range(2) %}{{ fields.c }}{% endfor %}": {"c"},
    "{{ fields.a if fields.b == '' else fields.c | default('') }}": {"a"},
}


def stopped_by(template: str) -> set[str]:
    """The fields whose blank stops the letter, with the others blank or filled in every way."""
    stopped = set()
    for blanks in itertools.product([True, False], repeat=len(NAMES)):
        fields = {name: "" if blank else "filled" for name, blank in zip(NAMES, blanks, strict=True)}
        try:
            render_markdown(data.campaign(template), data.recipient(fields=fields))
        except LetterError as error:
            stopped |= {name for name in NAMES if f'"{name}" is blank' in error.problem}
    return stopped


@pytest.mark.parametrize(("template", "needed"), CASES.items())
def test_the_fields_found_are_those_a_blank_stops_the_letter_for(template: str, needed: set[str]):
    assert set(fields_a_blank_stops(template)) == needed
    assert stopped_by(template) == needed


def test_a_field_printed_under_a_condition_on_other_data_counts_as_needed():
    """Read from the syntax alone: the letter may need it, for some recipient."""
    template = '{% if contact.full_name == "Nobody" %}{{ fields.b }}{% endif %}'
    assert fields_a_blank_stops(template) == {"b"}
    assert stopped_by(template) == set()


def test_a_template_that_cannot_be_read_needs_no_field():
    assert fields_a_blank_stops("{{ fields.a ") == frozenset()
    assert fields_a_blank_stops("") == frozenset()
