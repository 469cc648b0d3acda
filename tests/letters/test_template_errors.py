"""Template mistakes in plain English: the line, the recipient, what is wrong and what would fix it."""

from __future__ import annotations

import pytest

from docket.letters import LetterError, build_letter
from tests.letters.data import campaign, recipient

SOUTHBRIDGE = {"body": "Southbridge", "fields": {"area_sentence": "works well", "budget_year": "2020"}}


def problem(template: str, **overrides: object) -> LetterError:
    with pytest.raises(LetterError) as error:
        build_letter(campaign(template, **overrides.pop("campaign", {})), recipient(**overrides))  # type: ignore[arg-type]  # overrides are the test's keyword arguments
    return error.value


def test_a_missing_field_names_the_recipient_and_lists_the_campaigns_fields():
    template = "\n" * 11 + "Your budget: {{ fields.budget }}.\n"
    error = problem(template, **SOUTHBRIDGE)
    assert error.line == 12
    assert error.problem == (
        'Southbridge has no value for the field "budget". This campaign\'s fields are: area_sentence, budget_year.'
        ' Did you mean "budget_year"?'
    )


def test_the_campaigns_fields_come_from_all_its_recipients_and_the_nearest_is_suggested():
    fields = {"campaign": {"field_names": ("area_sentence", "budget_year", "vru_work")}}
    error = problem("{{ fields.vru_wrk }}", **SOUTHBRIDGE, **fields)
    assert "This campaign's fields are: area_sentence, budget_year, vru_work." in error.problem
    assert error.problem.endswith('Did you mean "vru_work"?')


def test_a_field_other_recipients_have_says_where_to_fill_it_in():
    error = problem("{{ fields.vru_work }}", **SOUTHBRIDGE, campaign={"field_names": ("vru_work",)})
    assert error.problem.startswith(
        'Southbridge has no value for the field "vru_work": give it one (under “Fields for the letter”, or on its'
    )


def test_a_misspelt_attribute_suggests_the_nearest():
    error = problem("Dear {{ contact.nmae }}")
    assert (error.line, error.problem) == (
        1,
        '"contact.nmae" is not something a letter can print; did you mean "contact.full_name"?',
    )
    assert "RecipientData" not in str(error)
    assert '"office.coordinator_emial"' in problem("{{ office.coordinator_emial }}").problem
    assert 'did you mean "office.coordinator_email"?' in problem("{{ office.coordinator_emial }}").problem


def test_a_misspelt_name_filter_or_item_attribute_suggests_the_nearest():
    assert (
        problem("{{ contcat.area }}").problem
        == '"contcat" is not something a letter can print; did you mean "contact"?'
    )
    assert problem("{{ cites('report') }}").problem.endswith('did you mean "cite"?')
    assert problem("{{ contact.area | uper }}").problem == 'there is no filter called "uper"; did you mean "upper"?'
    message = problem("{% for item in items.asked %}{{ item.nmae }}{% endfor %}").problem
    assert message == 'an item has nothing called "nmae"; did you mean "name"?'
    assert problem("{{ cite('reprot') }}").problem.endswith('did you mean cite("report")?')


def test_a_blank_field_is_an_error_like_a_missing_one():
    error = problem("In your area {{ fields.area_sentence }}. The…", body="Southbridge", fields={"area_sentence": " "})
    assert error.problem.startswith('Southbridge\'s field "area_sentence" is blank: fill it in (under “Fields for the')
    assert 'fields.area_sentence | default("")' in error.problem


def test_a_template_that_says_blank_is_fine_makes_the_letter():
    template = (
        'A{{ fields.note | default("") }}B {{ fields.note | default("none") }}'
        '{% if fields.note %} yes{% endif %}{% if fields.note == "" %} empty{% endif %}'
        '{% if fields.note is defined %} defined{% endif %}{% if fields.note != "x" %} not-x{% endif %}'
    )
    letter = build_letter(campaign(template), recipient(fields={"note": ""}))
    text = "".join(run.text for block in letter.blocks for run in block.runs)
    assert text == "AB none empty not-x"


def test_a_filled_field_still_prints_and_compares():
    letter = build_letter(campaign('{{ fields.note }}{% if fields.note == "A note" %}!{% endif %}'), recipient())
    assert "".join(run.text for block in letter.blocks for run in block.runs) == "A note!"


def test_a_letter_prints_its_reply_by_date_and_a_misspelt_one_is_suggested():
    import datetime

    from docket.letters.text import to_text

    dated = campaign("Reply by {{ due_date | long_date }}.\n", due_date=datetime.date(2020, 11, 10))
    assert "Reply by 10 November 2020." in to_text(build_letter(dated, recipient())).decode()
    assert (
        problem("Reply by {{ due_dat | long_date }}.\n").problem
        == '"due_dat" is not something a letter can print; did you mean "due_date"?'
    )


@pytest.mark.parametrize(
    "written",
    [
        "{{ campaign.due_date | long_date }}",
        "{{ campaign['due_date'] }}",
        "{{ campaign | attr('due_date') }}",
        "{% if campaign.due_date %}soon{% endif %}",
    ],
)
def test_the_reply_by_date_is_printed_by_its_own_name_only(written: str):
    """A letter that prints its reply-by date makes it the request's due date: that is known from the name
    ``due_date``, so the campaign's copy of it is not printed (a letter reached it and promised a date the
    request did not keep)."""
    import datetime

    error = problem(f"Please reply by {written}.\n", campaign={"due_date": datetime.date(2020, 1, 30)})
    assert error.problem == (
        '"campaign.due_date" is not something a letter can print: write {{ due_date | long_date }}'
    )


def test_a_filters_own_check_is_a_template_mistake_in_words():
    """Jinja checks some filters' arguments with assert: truncate(-5) raised AssertionError, a 500 on every
    page that made the letter."""
    error = problem('{{ "abcdefgh" | truncate(-5) }}\n')
    assert error.problem == "expected length >= 3, got -5"
    assert error.line == 1


@pytest.mark.parametrize("written", ["{{ campaign }}", "{{ campaign | string }}", "{{ campaign ~ '' }}"])
def test_printing_the_whole_campaign_does_not_print_its_reply_by_date(written: str):
    """An attacker printed ``{{ campaign }}``: its text (the dataclass's repr) carried ``due_date=…``, a reply-by
    date the letter printed without Docket knowing it did."""
    import datetime

    data = campaign(f"Hello {written}.\n", due_date=datetime.date(2031, 7, 17))
    text = str(build_letter(data, recipient()).blocks)
    assert "2031" not in text
    assert "due_date" not in text
