"""Bounds on what one letter template may cost: time, loop steps, text sizes and output.

The Jinja2 sandbox stops templates reaching Python's internals, but not from running for
ever or filling memory: ``{{ 'a' * 10**9 }}``, nested ``range`` loops, recursive macros or
``'x'|center(10**10)`` are all allowed by it. Here every place where work can multiply is
given a bound, and each bound raises :class:`TemplateLimit` (a template error, so the
message reaches the person with the template line):

- a **budget** per render (a deadline and a number of steps), charged at every loop
  iteration (the code generator wraps each ``for``'s iterable) and every call, and checked
  for time wherever the sandbox gets control (attribute and item lookups, operators,
  filters, printed values, output chunks);
- **size checks before text is made**: ``*``, ``**``, ``%``, string methods and filters that
  widen text (``center``, ``indent``, ``join``, ``replace``, ``format``…) are refused when
  the text they would make is over :data:`MAX_TEXT`; anything about to become text
  (printed, joined with ``~``, passed to a filter) is measured first, counting shared
  references as often as they would be printed;
- every buffer Jinja joins (macro bodies, ``{% set %}`` blocks, the page) is measured
  before it is joined, and the whole letter's output is capped at :data:`MAX_OUTPUT`.

Measures are taken without a budget too (when Jinja folds constants at compile time).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import update_wrapper
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

MAX_TEXT = 1_000_000  # characters in any one value (a letter is some thousands)
MAX_OUTPUT = 1_000_000  # characters in the whole rendered letter
MAX_ITEMS = 100_000  # items in any one list, and numbers in one range()
MAX_STEPS = 20_000  # loop iterations and calls in one render
MAX_POWER_BITS = 4_096  # the size of a number ``**`` may make
MAX_SOURCE = 100_000  # characters of template source
DEFAULT_TIMEOUT = 2.0  # seconds one letter's template may run
# Digits in a %-format or format() spec (widths and precisions), and %-format's "*" width.
SPEC_NUMBER = re.compile(r"\d+")
PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


class TemplateLimit(jinja2.TemplateRuntimeError):
    """A template went past one of the bounds; the message says which, in plain words."""

    lineno: int | None = None  # set when the render was stopped between output chunks


@dataclass
class Budget:
    """What one render may still spend."""

    timeout: float
    deadline: float = 0.0
    steps: int = 0
    printed: int = 0
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.deadline = self.started + self.timeout

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimit(
                f"the template took longer than {self.timeout:g} seconds to run "
                "(a loop that repeats too often, or a macro that calls itself?)"
            )

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateLimit(
                f"the template repeated more than {MAX_STEPS:,} times (loop iterations and calls); "
                "a letter needs far fewer"
            )
        self.check_time()


CURRENT: ContextVar[Budget | None] = ContextVar("docket_template_budget", default=None)


def check_time() -> None:
    budget = CURRENT.get()
    if budget is not None:
        budget.check_time()


def step() -> None:
    budget = CURRENT.get()
    if budget is not None:
        budget.step()


def text_size(value: object, limit: int = MAX_TEXT) -> int:
    """About how many characters ``value`` makes as text; stops counting once past ``limit``.

    A list that holds one long text a million times is a million long texts once printed,
    so containers are walked (shared items counted every time), but never further than the
    limit, and a container inside itself is counted once.
    """
    total = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack and total <= limit:
        item, depth = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + (2 if depth else 0)  # quoted inside a list
        elif isinstance(item, list | tuple | set | frozenset | dict):
            total += 2
            if depth > 100:
                total += limit  # deeper than any letter's data: treat as too big
                break
            members: Iterable[object] = item.items() if isinstance(item, dict) else item
            for member in members:
                total += 2
                if total > limit:
                    break
                if member is not item:
                    stack.append((member, depth + 1))
        else:
            total += 24  # a number, a date, an object of the letter's data
    return total


def _too_big(what: str, size: int) -> TemplateLimit:
    return TemplateLimit(f"{what} would make a text of about {size:,} characters; the limit is {MAX_TEXT:,}")


def check_text(value: object, what: str) -> None:
    size = text_size(value)
    if size > MAX_TEXT:
        raise _too_big(what, size)


def check_result(value: Any, what: str) -> Any:
    """A made value's own length (cheap; its members were checked when they were made)."""
    if isinstance(value, str | bytes) and len(value) > MAX_TEXT:
        raise _too_big(what, len(value))
    if isinstance(value, list | tuple | set | frozenset | dict) and len(value) > MAX_ITEMS:
        raise TemplateLimit(f"{what} would make a list of {len(value):,} items; the limit is {MAX_ITEMS:,}")
    return value


def _as_count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def check_repeat(sequence: object, times: object) -> None:
    """``sequence * times`` (either way round), and numbers multiplied into huge ones."""
    if isinstance(sequence, int) and isinstance(times, int):
        if abs(sequence).bit_length() + abs(times).bit_length() > MAX_POWER_BITS:
            raise TemplateLimit("multiplying these numbers makes a number too large to work with")
        return
    if isinstance(times, str | list | tuple):
        sequence, times = times, sequence
    count = _as_count(times)
    if isinstance(sequence, str | list | tuple) and count > 0:
        if isinstance(sequence, list | tuple) and len(sequence) * count > MAX_ITEMS:
            raise TemplateLimit(
                f"repeating a list {count:,} times would make {len(sequence) * count:,} items; "
                f"the limit is {MAX_ITEMS:,}"
            )
        size = text_size(sequence, MAX_TEXT // count + 1) * count
        if size > MAX_TEXT:
            raise _too_big(f"repeating a text {count:,} times", size)


def check_power(base: object, exponent: object) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        bits = exponent * math.log2(abs(base))
        if bits > MAX_POWER_BITS:
            raise TemplateLimit(f"{base} ** {exponent} is a number too large to work with")


def check_spec_numbers(spec: str, what: str) -> None:
    """Widths and precisions in a format spec (``{:>1000000}``, ``%.9999999f``)."""
    for digits in SPEC_NUMBER.findall(spec):
        if len(digits) > 7 or int(digits) > MAX_TEXT:
            raise TemplateLimit(f"{what}: the width or precision {digits} is more than the limit of {MAX_TEXT:,}")


def check_percent(template: object, values: object) -> None:
    """``text % values`` and the ``format`` filter."""
    if not isinstance(template, str):
        return
    for match in PERCENT_SPEC.finditer(template):
        if "*" in (match.group(1), match.group(2)):
            raise TemplateLimit("a '*' width in a %-format is not allowed in letters; write the width")
        check_spec_numbers(match.group(0), "a %-format")
    check_text(values, "the values of a %-format")


def bounded_range(*args: int) -> range:
    """``range()`` for templates: at most :data:`MAX_ITEMS` numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_ITEMS:
        raise TemplateLimit(f"range() of {len(numbers):,} numbers is more than the limit of {MAX_ITEMS:,}")
    return numbers


def counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """A ``for`` loop's items, each one charged to the render's budget."""
    for item in iterable:
        step()
        yield item


# Filters whose extra arguments can widen text (a width, a separator, a filler), with the
# size of what they would make.
def _width(value: object) -> int:
    if not isinstance(value, int | float | str):
        return 0
    try:
        return int(value)
    except (ValueError, OverflowError):
        return 0


def _center_size(value: object, width: object = 80, *_: object, **__: object) -> int:
    return max(text_size(value), _width(width))


def _indent_size(value: object, width: object = 4, *_: object, **__: object) -> int:
    pad = len(width) if isinstance(width, str) else _width(width)
    lines = str(value).count("\n") + 1 if isinstance(value, str) else 1
    return text_size(value) + pad * lines


def _join_size(value: object, d: object = "", *_: object, **__: object) -> int:
    count = len(value) if isinstance(value, list | tuple | set | dict | str) else 1
    return text_size(value) + text_size(d, MAX_TEXT // max(count, 1) + 1) * count


def _replace_size(value: object, old: object = "", new: object = "", *_: object, **__: object) -> int:
    if not isinstance(value, str) or not isinstance(old, str):
        return text_size(value)
    hits = len(value) + 1 if old == "" else value.count(old)
    return len(value) + hits * text_size(new, MAX_TEXT // max(hits, 1) + 1)


def _wordwrap_size(value: object, width: object = 79, *args: object, **kwargs: object) -> int:
    wrapstring = kwargs.get("wrapstring", args[1] if len(args) > 1 else None)
    if wrapstring is not None and not isinstance(wrapstring, str):
        raise TemplateLimit("wordwrap(): the wrapstring must be a text, such as '\\n'")
    size = text_size(value)
    return size + size * len(wrapstring or "\n")


def _fill_size(value: object, count: object = 1, fill_with: object = None, *_: object, **__: object) -> int:
    if _width(count) > MAX_ITEMS:
        raise TemplateLimit(f"{_width(count):,} groups is more than the limit of {MAX_ITEMS:,}")
    return text_size(value) + text_size(fill_with) * _width(count)


def _format_size(value: object, *args: object, **kwargs: object) -> int:
    check_percent(value, (args, kwargs))
    return text_size(value)


WIDENING: Mapping[str, Callable[..., int]] = {
    "center": _center_size,
    "indent": _indent_size,
    "join": _join_size,
    "replace": _replace_size,
    "wordwrap": _wordwrap_size,
    "batch": _fill_size,
    "slice": _fill_size,
    "format": _format_size,
    "truncate": lambda value, length=255, killwords=False, end="...", *_, **__: text_size(value) + text_size(end),
}
# The same for str methods called from a template.
WIDENING_METHODS: Mapping[str, Callable[..., int]] = {
    "center": _center_size,
    "ljust": _center_size,
    "rjust": _center_size,
    "zfill": _center_size,
    "expandtabs": lambda value, tabsize=8, *_, **__: len(value) * max(_width(tabsize), 1),
    "join": lambda separator, items=(), *_, **__: _join_size(items, separator),
    "replace": _replace_size,
}


def bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (a Jinja filter) refusing to make text over the limit, and charged for time."""
    value_at = 1 if hasattr(function, "jinja_pass_arg") else 0
    size_of = WIDENING.get(name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_time()
        value, rest = args[value_at], args[value_at + 1 :]
        size = size_of(value, *rest, **kwargs) if size_of else text_size(value)
        if size > MAX_TEXT:
            raise _too_big(f"the {name} filter", size)
        return check_result(function(*args, **kwargs), f"the {name} filter")

    return update_wrapper(wrapper, function)


def bounded_sum(iterable: Iterable[Any], attribute: str | int | None = None, start: Any = 0) -> Any:
    """The ``sum`` filter, one item at a time (adding lists together can take long in one step)."""
    total = start
    for item in iterable:
        step()
        total = total + (item[attribute] if attribute is not None else item)
        check_result(total, "the sum filter")
    return total


class CountingCodeGenerator(CodeGenerator):
    """Jinja's code generator, with each ``for`` loop's items counted and each ``~`` measured.

    A loop over a literal text or list calls no hook of the sandbox, so without this five
    nested loops run for hours with nothing to stop them.
    """

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        counter = nodes.EnvironmentAttribute("counted", lineno=node.iter.lineno)
        iterable = nodes.Call(counter, [node.iter], [], None, None, lineno=node.iter.lineno)
        iterable.set_environment(self.environment)
        loop = nodes.For(node.target, iterable, node.body, node.else_, node.test, node.recursive, lineno=node.lineno)
        loop.set_environment(self.environment)
        super().visit_For(loop, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined((")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")
