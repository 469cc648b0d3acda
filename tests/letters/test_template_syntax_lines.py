"""A template's syntax mistake names the line where it is (the tag, block or quotation mark left open),
in words a policy officer can act on, not Jinja's (which names the line where its parser gave up)."""

from __future__ import annotations

import pytest

from docket.letters import LetterError, compile_template


def mistake(source: str) -> tuple[int | None, str]:
    with pytest.raises(LetterError) as raised:
        compile_template(source, "test")
    return raised.value.line, raised.value.problem


@pytest.mark.parametrize(
    ("source", "line", "problem"),
    [
        ("Dear all,\n\nHello {{ unclosed\n\nThanks\nBye", 3, "a {{ is not closed with }}"),
        ("Hello {{ unclosed", 1, "a {{ is not closed with }}"),
        ("One\nTwo {{ name\nDear {{ other }}", 2, "a {{ is not closed with }}"),
        ("One\n{% if fields.x\nThree\nFour", 2, "a {% is not closed with %}"),
        ("a\n{% for x in items.all %}\n{% if x %}\n{% endfor %}", 3, "a {% if %} is not closed with {% endif %}"),
        ("a\n{% if x %}\nb\n", 2, "a {% if %} is not closed with {% endif %}"),
        ("{% if a %}\n{% if b %}{% set n = 1 %}\n{% endif %}", 1, "a {% if %} is not closed with {% endif %}"),
        ('{{ "abc }}\nx\ny', 1, 'a quotation mark (") is not closed'),
        ("a\n{{ x y }}", 2, '"y" is not expected here: Docket was looking for }} (is it missing before "y"?)'),
        ("a {{ x + }} b", 1, '"}}" is not expected here'),
        ("a\n{% for %}\nb", 2, 'something is missing before "%}"'),
        ("a\n\n{% iff x %}", 3, '"iff" is not something that can follow {%'),
        ("{{ x | upperr }}", 1, 'there is no filter called "upperr"; did you mean "upper"?'),
    ],
)
def test_it_names_the_line_and_the_mistake_in_plain_words(source: str, line: int, problem: str) -> None:
    found_line, found_problem = mistake(source)
    assert found_line == line
    assert found_problem.startswith(problem), found_problem
    assert "token" not in found_problem
    assert "Jinja" not in found_problem
