"""Letter templates made to hang the server or fill its memory.

Each one must come back quickly as a template error naming its line: from the pure
renderer, from the editor's live preview (open to viewers), and from `docket render`.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from django.urls import reverse

from docket.cli import main
from docket.letters import LetterError, build_letter
from docket.letters.templating import render_markdown
from tests.isolated import migrated_sqlite
from tests.letters.data import campaign, recipient
from tests.test_cli import docket
from tests.web.conftest import person

QUICK = 5.0  # seconds; the bounds answer in well under one


def _nested(opening: str, closing: str, depth: int) -> str:
    return opening * depth + "x" + closing * depth


# name: (template, the line the error must name). Line 1 is harmless in each.
HOSTILE = {
    "nested range loops": (
        "Dear all,\n{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}"
        "{% endfor %}{% endfor %}{% endfor %}\n",
        2,
    ),
    "nested loops over literal text, no calls": (
        "Dear all,\n\n" + _nested("{% for a in 'abcdefghijklmnopqrstuvwxyz' %}", "{% endfor %}", 6) + "\n",
        3,
    ),
    "huge string multiplication": ("Dear all,\n{{ 'a' * 10**10 }}\n", 2),
    "range of a billion": ("Dear all,\n{{ range(10**9) | length }}\n", 2),
    "recursive macro": ("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\nDear all,\n{{ m(1) }}\n", 1),
    "macro recursing in a loop": (
        "Dear all,\n{% macro m() %}{% for i in [1, 2] %}{{ m() }}{% endfor %}{% endmacro %}{{ m() }}\n",
        2,
    ),
    "wordwrap with a number for wrapstring": ("Dear all,\n{{ 'a b c' | wordwrap(5, wrapstring=1) }}\n", 2),
    "wordwrap with a text for width": ("Dear all,\n{{ 'a b c' | wordwrap('wide') }}\n", 2),
    "wordwrap with width 0": ("Dear all,\n{{ 'a b c' | wordwrap(0) }}\n", 2),
    "huge join separator": ("Dear all,\n{{ ['a', 'b', 'c'] | join('x' * 999999) }}\n", 2),
    "join of one long text many times": (
        "Dear all,\n{% set s = 'x' * 900000 %}\n{{ ([s, s] * 50000) | join }}\n",
        3,
    ),
    "huge format width": ("Dear all,\n{{ '{:>1000000000}'.format(1) }}\n", 2),
    "huge %-format width": ("Dear all,\n{{ '%*s' % (1000000000, 'x') }}\n", 2),
    "huge format filter width": ("Dear all,\n{{ '%1000000000s' | format('x') }}\n", 2),
    "huge center width": ("Dear all,\n{{ 'x' | center(10**10) }}\n", 2),
    "huge center width, literal": ("Dear all,\n{{ 'x' | center(10000000000) }}\n", 2),
    "huge power": ("Dear all,\n{{ 7 ** 10000000 }}\n", 2),
    "doubling a list in a loop": (
        "Dear all,\n{% set l = [1] %}{% for i in range(40) %}{{ l.extend(l) or '' }}{% endfor %}\n",
        2,
    ),
    "doubling a text with ~": (
        "Dear all,\n{% set a = 'x' * 600000 %}\n{% set b = a ~ a %}{% set c = b ~ b %}{{ c }}\n",
        3,
    ),
    "a set block of repeated text": (
        "Dear all,\n{% set x %}{% for i in range(19000) %}" + "y" * 5000 + "{% endfor %}{% endset %}{{ x }}\n",
        2,
    ),
    "deep brackets": ("Dear all,\n{{ " + _nested("(", ")", 3000) + " }}\n", 2),
    "deeply nested loops": ("Dear all,\n" + _nested("{% for i in [1] %}", "{% endfor %}", 40) + "\n", 2),
}
IDS = [name.replace(",", "").replace(" ", "-") for name in HOSTILE]
CASES = pytest.mark.parametrize(("template", "line"), HOSTILE.values(), ids=IDS)


@CASES
def test_the_renderer_answers_a_template_error_with_its_line(template: str, line: int):
    started = time.monotonic()
    with pytest.raises(LetterError) as error:
        build_letter(campaign(template), recipient())
    assert time.monotonic() - started < QUICK
    assert error.value.line == line, error.value
    assert error.value.problem


def test_a_template_that_runs_past_its_time_stops_with_its_line():
    # Few steps, each slow: the deadline (not the step count) stops it.
    slow = "Dear all,\n{% for i in range(15000) %}{{ ('ab ' * 20000) | wordwrap(7) | length }}{% endfor %}\n"
    started = time.monotonic()
    with pytest.raises(LetterError, match=r"took longer than 0\.3 seconds") as error:
        render_markdown(campaign(slow), recipient(), timeout=0.3)
    assert time.monotonic() - started < QUICK
    assert error.value.line == 2


def test_an_ordinary_template_is_untouched_by_the_bounds():
    template = (
        "{% for item in items.all %}{{ loop.index }}. {{ item.name | center(20) | trim }}{% endfor %}\n"
        "{{ '{:>6}'.format(42) }} {{ '%05d' % 7 }} {{ 'ab' * 3 }} {{ 2 ** 10 }} {{ range(3) | join(',') }}\n"
    )
    markdown, _ = render_markdown(campaign(template), recipient())
    assert markdown == "1. Plan2. Strategy 2020\n    42 00007 ababab 1024 0\\,1\\,2\n"


@pytest.fixture
def viewer(example):
    return person("viewer@office.example", "viewer", example)


@CASES
@pytest.mark.django_db
def test_the_live_preview_shows_the_error_with_its_line_to_a_viewer(client, viewer, example, template, line):
    client.force_login(viewer)
    started = time.monotonic()
    response = client.post(
        reverse("web:editor", args=[example.slug]),
        {"template_source": template, "action": "preview"},
        headers={"HX-Request": "true"},
    )
    assert time.monotonic() - started < QUICK
    assert response.status_code == 200
    page = response.content.decode()
    assert "The letter cannot be made" in page
    assert f"Line {line}:" in page


@pytest.mark.parametrize(
    ("template", "problem"),
    [("Dear all,\n{{ 'a' * 10**10 }}\n", "too much memory"), (HOSTILE["nested range loops"][0], "more than 1 seconds")],
    ids=["memory", "time"],
)
def test_the_preview_process_holds_what_the_bounds_do_not_foresee(monkeypatch, template, problem):
    """With the in-process bounds switched off, the child process's own limits still hold."""
    import multiprocessing

    from docket.letters import render_process, template_limits

    monkeypatch.setattr(template_limits, "MAX_TEXT", 10**12)
    monkeypatch.setattr(template_limits, "MAX_STEPS", 10**12)
    monkeypatch.setattr(template_limits.Budget, "check_time", lambda self: None)
    monkeypatch.setattr(render_process, "_CONTEXT", multiprocessing.get_context("fork"))  # the child sees the patches
    started = time.monotonic()
    with pytest.raises(LetterError, match=problem):
        render_process.render_markdown_isolated(campaign(template), recipient(), timeout=1.0)
    assert time.monotonic() - started < QUICK


@CASES
@pytest.mark.django_db
def test_docket_render_exits_1_with_a_one_line_error(example, tmp_path, capsys, template, line):
    example.template_source = template
    example.save(update_fields=["template_source"])
    started = time.monotonic()
    status = main(["render", example.slug, "--out", str(tmp_path), "--format", "txt", "--quiet", "--workers", "1"])
    assert time.monotonic() - started < QUICK
    assert status == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1, error
    assert error.startswith("docket render: campaign 'iasc-vru-2020'")
    assert f"template line {line}:" in error
    assert not list(tmp_path.glob("*.txt"))


def test_docket_render_in_a_real_process_prints_no_traceback(tmp_path: Path):
    migrated_sqlite(tmp_path / "docket.sqlite3")
    assert docket(tmp_path, "init", "--no-input").returncode == 0
    assert docket(tmp_path, "load-example", "iasc-vru-2020").returncode == 0
    template, line = HOSTILE["nested loops over literal text, no calls"]
    with sqlite3.connect(tmp_path / "docket.sqlite3") as connection:
        connection.execute("update campaigns_campaign set template_source = ?", (template,))
    result = docket(tmp_path, "render", "iasc-vru-2020", "--out", str(tmp_path / "out"), "--quiet", "--workers", "2")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"template line {line}: the template repeated more than" in result.stderr


@pytest.mark.parametrize(
    ("line", "tags_only"),
    [("{%%}" * 5_000 + "x", False), ("{%" * 20_000, False), ("{#" * 20_000 + "#}", True), ("{% if %} " * 5_000, True)],
)
def test_the_editors_greeting_check_reads_a_line_of_many_tags_quickly(line: str, tags_only: bool):
    """The editor looks for a greeting or sign-off the template writes itself, past lines of tags only; a line
    of tags and then a word took a pattern of lazy repeats 1.8 s at 24 tags, doubling with each one more."""
    from docket.letters.compose import doubled_lines

    started = time.monotonic()
    warnings = doubled_lines(f"{line}\nDear Sir,\nWe write.\n")
    assert time.monotonic() - started < QUICK
    # A line of tags only is passed over, so "Dear Sir" is the first line of words; any other line is the first.
    assert [warning[:22] for warning in warnings] == (['Line 2 starts "Dear Si'] if tags_only else [])
