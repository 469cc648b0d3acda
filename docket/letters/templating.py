"""The letter template language: Markdown inside a sandboxed, strict Jinja2.

Recipient data can never run code or read files (the sandbox), a missing field
is an error rather than a blank (and so is a blank field: see template_errors), and every value a template
prints is escaped as Markdown, so "<script>" or "**" in a recipient's data is
printed literally. ``cite("key")`` returns a footnote marker that the Markdown
step turns into a footnote reference. Every render is bounded in time, repetitions and
size (:mod:`docket.letters.template_limits`): a template that goes past a bound is a
template error with its line, like any other.
"""

from __future__ import annotations

import difflib
import functools
import re
import string
import traceback
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.meta
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SandboxedFormatter

from docket.letters import template_limits as limits
from docket.letters.inputs import CampaignData, ItemData, RecipientData, ReferenceData
from docket.letters.template_errors import (
    LetterUndefined,
    MissingValue,
    data_names,
    missing_message,
    syntax_problem,
    template_fields,
)
from docket.letters.template_limits import MAX_OUTPUT, MAX_SOURCE, MAX_TEXT, TemplateLimit
from docket.letters.wording import english_list, long_date

TEMPLATE_NAME = "letter"
NOTE_OPEN, NOTE_CLOSE = "\ue000", "\ue001"  # private-use characters: no recipient data contains them
NOTE_MARKER = re.compile(f"{NOTE_OPEN}(\\d+){NOTE_CLOSE}")
MARKDOWN_SPECIAL = frozenset(string.punctuation)


class LetterError(ValueError):
    """A letter could not be made; the message names the campaign, recipient and template line."""

    def __init__(self, campaign: str, recipient: str, line: int | None, problem: str) -> None:
        self.campaign, self.recipient, self.line, self.problem = campaign, recipient, line, problem
        where = f", template line {line}" if line else ""
        super().__init__(f"campaign {campaign!r}, recipient {recipient}{where}: {problem}")

    def __reduce__(self) -> tuple[type[LetterError], tuple[str, str, int | None, str]]:
        # Crosses process boundaries in bulk rendering.
        return (type(self), (self.campaign, self.recipient, self.line, self.problem))


class Verbatim(str):
    """Markdown written by Docket itself (a footnote marker), printed without escaping."""

    __slots__ = ()


def escape_markdown(value: object) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark allows it for all of them)."""
    if isinstance(value, Verbatim):
        return value
    text = str(value).replace(NOTE_OPEN, "").replace(NOTE_CLOSE, "")
    text = " ".join(text.splitlines())  # a value is inline text: it never starts a new block
    return "".join(f"\\{char}" if char in MARKDOWN_SPECIAL else char for char in text)


@dataclass(frozen=True)
class Items:
    """A recipient's requested items, grouped by what the letter should say about them."""

    all: tuple[ItemData, ...]

    @property
    def asked(self) -> list[ItemData]:
        return [item for item in self.all if item.state == "ask"]

    @property
    def published(self) -> list[ItemData]:
        return [item for item in self.all if item.state == "published"]

    @property
    def outstanding(self) -> list[ItemData]:
        """Asked for and not received yet."""
        return [item for item in self.all if item.state == "ask" and not item.received]

    @property
    def not_applicable(self) -> list[ItemData]:
        return [item for item in self.all if item.state == "n/a"]


class Citations:
    """Numbers references in order of first citation."""

    def __init__(self, references: Iterable[ReferenceData]) -> None:
        self.references = {reference.key: reference for reference in references}
        self.order: list[ReferenceData] = []

    def cite(self, key: str) -> Verbatim:
        reference = self.references.get(key)
        if reference is None:
            known = ", ".join(sorted(self.references)) or "none"
            near = difflib.get_close_matches(str(key), list(self.references), n=1)
            hint = f'; did you mean cite("{near[0]}")?' if near else ""
            raise UnknownCitation(f"cite({key!r}): no reference with that key (the keys are: {known}){hint}")
        if reference not in self.order:
            self.order.append(reference)
        return Verbatim(f"{NOTE_OPEN}{self.order.index(reference) + 1}{NOTE_CLOSE}")


class UnknownCitation(LookupError):
    pass


class BoundedFormatter(SandboxedFormatter):
    """``str.format`` for templates: no huge widths, and no more than the text limit in all."""

    made = 0

    def vformat(self, format_string: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        self.made = 0
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        limits.check_time()
        limits.check_spec_numbers(format_spec, "format()")
        limits.check_text(value, "a value given to format()")
        text = super().format_field(value, format_spec)
        self.made += len(text)
        if self.made > MAX_TEXT:
            raise TemplateLimit(f"format() would make more than {MAX_TEXT:,} characters")
        return text


def _measured_concat(parts: Iterable[str]) -> str:
    """Every buffer Jinja joins (macro bodies, set blocks), measured before it is joined."""
    pieces = list(parts)
    size = sum(map(len, pieces))
    if size > MAX_OUTPUT:
        raise TemplateLimit(f"a block of the template made {size:,} characters; the limit is {MAX_OUTPUT:,}")
    return "".join(pieces)


# Fields of the campaign's data a template reads under their own names only (see is_safe_attribute).
HIDDEN_CAMPAIGN_ATTRIBUTES = frozenset({"due_date"})


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with a budget: see :mod:`docket.letters.template_limits`."""

    code_generator_class = limits.CountingCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        limits.check_time()
        if operator == "*":
            limits.check_repeat(left, right)
        elif operator == "**":
            limits.check_power(left, right)
        elif operator == "%":
            limits.check_percent(left, right)
        return limits.check_result(super().call_binop(context, operator, left, right), f"'{operator}'")

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # (Jinja's own signature: the odd names keep template keyword arguments from clashing.)
        limits.step()
        name, owner = getattr(__obj, "__name__", ""), getattr(__obj, "__self__", None)
        widening = limits.WIDENING_METHODS.get(name) if isinstance(owner, str) else None
        if widening is not None and widening(owner, *args, **kwargs) > MAX_TEXT:
            raise TemplateLimit(f"{name}() would make a text over the limit of {MAX_TEXT:,} characters")
        for value in (*args, *kwargs.values()):
            limits.check_text(value, f"a value given to {name or 'a function'}()")
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(owner, list | dict | set):
            limits.check_result(owner, f"{name}()")  # append, extend, update… grow their owner
        return limits.check_result(result, f"{name or 'a function'}()")

    def getattr(self, obj: Any, attribute: str) -> Any:
        limits.check_time()
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """The campaign's reply-by date is printed as ``due_date`` only: that name is how a letter is known to
        print it (``uses_due_date``), so that the date printed becomes the request's due date when it is sent."""
        if isinstance(obj, CampaignData) and attr in HIDDEN_CAMPAIGN_ATTRIBUTES:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        if isinstance(obj, CampaignData) and attribute in HIDDEN_CAMPAIGN_ATTRIBUTES:
            hint = (
                f'"campaign.{attribute}" is not something a letter can print: write {{{{ {attribute} | long_date }}}}'
            )
            return self.undefined(hint, obj=obj, name=attribute, exc=jinja2.exceptions.SecurityError)
        return super().unsafe_undefined(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        limits.check_time()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``text.format(…)`` and ``text.format_map(…)`` through :class:`BoundedFormatter`."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        owner = value.__self__
        if not isinstance(owner, str):
            return None
        formatter, is_map = BoundedFormatter(self), value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if not is_map:
                return type(owner)(formatter.vformat(owner, args, kwargs))
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one argument")
            return type(owner)(formatter.vformat(owner, (), args[0]))

        return wrapper

    concat = staticmethod(_measured_concat)
    counted = staticmethod(limits.counted)  # each for loop's items, see CountingCodeGenerator

    def joined(self, parts: Sequence[Any]) -> str:
        """``a ~ b``: measured before the texts are made."""
        size = sum(limits.text_size(part) for part in parts)
        if size > MAX_TEXT:
            raise TemplateLimit(f"joining with '~' would make about {size:,} characters; the limit is {MAX_TEXT:,}")
        return "".join(map(str, parts))


def _finalize(value: object) -> str:
    """A printed value: measured before it becomes text, and counted towards the letter's size."""
    limits.check_text(value, "a printed value")
    text = escape_markdown(value)
    budget = limits.CURRENT.get()
    if budget is not None:
        budget.printed += len(text)
        if budget.printed > MAX_OUTPUT:
            raise TemplateLimit(f"the letter would be more than {MAX_OUTPUT:,} characters long")
    return text


def _environment() -> BoundedEnvironment:
    environment = BoundedEnvironment(
        undefined=LetterUndefined,
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    environment.filters["english_list"] = english_list
    environment.filters["long_date"] = long_date
    environment.filters["sum"] = limits.bounded_sum
    environment.filters = {name: limits.bounded_filter(name, f) for name, f in environment.filters.items()}
    environment.globals["range"] = limits.bounded_range
    environment.globals.pop("lipsum", None)  # lorem ipsum of any length: not for letters
    return environment


ENVIRONMENT = _environment()
# What a template can do wrong: Jinja's errors and the bounds', and Python's own raised by
# the operations a template runs (1/0, a bad argument, a macro calling itself for ever).
TEMPLATE_FAILURES = (
    jinja2.TemplateError,
    AssertionError,  # Jinja's own checks of a filter's arguments: truncate(-5)
    UnknownCitation,
    ArithmeticError,
    LookupError,
    TypeError,
    ValueError,
    AttributeError,
    RecursionError,
    MemoryError,
)


def _failure_message(error: BaseException) -> str:
    """The problem in words (a name the data lacks is put in words by :func:`missing_message`)."""
    if isinstance(error, RecursionError):
        return "the template nests or calls itself too deeply (a macro that calls itself?)"
    if isinstance(error, MemoryError):
        return "the template needs too much memory"
    message = error.message if isinstance(error, jinja2.TemplateError) else str(error)
    return message or type(error).__name__


def compile_template(source: str, campaign: str) -> jinja2.Template:
    if len(source) > MAX_SOURCE:
        raise LetterError(campaign, "(any)", None, f"the template is over {MAX_SOURCE:,} characters long")
    try:
        return ENVIRONMENT.from_string(source)
    except jinja2.TemplateSyntaxError as error:
        line, problem = syntax_problem(error.message or "syntax error", error.lineno, source, ENVIRONMENT)
        raise LetterError(campaign, "(any)", line, problem) from None
    except (RecursionError, MemoryError, SyntaxError):
        # Python's own limits on nesting, met while parsing or compiling the template.
        problem = "the template nests too deeply (brackets, or blocks inside blocks)"
        raise LetterError(campaign, "(any)", _deepest_line(source), problem) from None


@functools.lru_cache(maxsize=64)  # asked once a letter when a campaign is queued: the same source
def uses_due_date(source: str) -> bool:
    """Whether the template uses ``due_date`` (the reply-by date it prints becomes the request's due date).

    Read from the template's text, not from one render: a template that prints it for some recipients
    only (inside an ``{% if %}``) counts as using it for all, so a campaign's due dates follow one rule.
    """
    if "due_date" not in source or len(source) > MAX_SOURCE:
        return False
    try:
        return "due_date" in jinja2.meta.find_undeclared_variables(ENVIRONMENT.parse(source))
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError):
        return False


OPENING, CLOSING = frozenset("([{"), frozenset(")]}")
BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "block", "with", "autoescape"})


def _deepest_line(source: str) -> int | None:
    """The line where brackets and blocks nest deepest (the lexer does not recurse, unlike the parser)."""
    depth, deepest, line, previous = 0, 0, None, ""
    try:
        for lineno, kind, value in ENVIRONMENT.lex(source):
            opens = value in OPENING if kind == "operator" else kind == "name" and value in BLOCKS
            closes = value in CLOSING if kind == "operator" else kind == "name" and value.startswith("end")
            # A name counts only as a block's tag, right after "{%".
            if (opens or closes) and (kind == "operator" or previous == "block_begin"):
                depth += 1 if opens else -1
                if depth > deepest:
                    deepest, line = depth, lineno
            previous = kind if kind != "whitespace" else previous
    except jinja2.TemplateSyntaxError:
        pass  # unbalanced further on: the deepest point so far is still the place to look
    return line


def render_markdown(
    campaign: CampaignData,
    recipient: RecipientData,
    template: jinja2.Template | None = None,
    extra: Mapping[str, Any] | None = None,
    timeout: float = limits.DEFAULT_TIMEOUT,
    *,
    blanks_print: bool = False,
) -> tuple[str, list[ReferenceData]]:
    """The recipient's letter body as Markdown, and the references it cites in footnote order.

    A blank field is an error (see :mod:`docket.letters.template_errors`) unless ``blanks_print``:
    reading back a letter already written (learning, add-letter), where a blank printed nothing.

    The template runs for at most ``timeout`` seconds, and within the bounds of
    :mod:`docket.letters.template_limits`.
    """
    template = template or compile_template(campaign.template, campaign.slug)
    citations = Citations(campaign.references)
    context: dict[str, Any] = {
        "office": campaign.office,
        "campaign": campaign,
        "contact": recipient,
        "recipient": recipient,
        "fields": dict(recipient.fields) if blanks_print else template_fields(recipient.fields),
        "items": Items(recipient.items),
        "cite": citations.cite,
        "letter_date": campaign.letter_date,
        **({"due_date": campaign.due_date} if campaign.due_date is not None else {}),
        **(extra or {}),
    }
    budget = limits.Budget(timeout)
    token = limits.CURRENT.set(budget)
    try:
        text = _bounded_render(template, context, budget)
    except MissingValue as error:
        problem = missing_message(error, campaign, recipient, data_names(context))
        raise LetterError(campaign.slug, _describe(recipient), _template_line(error), problem) from None
    except TEMPLATE_FAILURES as error:
        raise LetterError(campaign.slug, _describe(recipient), _template_line(error), _failure_message(error)) from None
    finally:
        limits.CURRENT.reset(token)
    return text, citations.order


def _bounded_render(template: jinja2.Template, context: dict[str, Any], budget: limits.Budget) -> str:
    """The template's output, a chunk at a time: each chunk counted and the clock checked between them."""
    stream = template.generate(context)
    pieces, size = [], 0
    for chunk in stream:
        size += len(chunk)
        pieces.append(chunk)
        try:
            if size > MAX_OUTPUT:
                raise TemplateLimit(f"the letter would be more than {MAX_OUTPUT:,} characters long")
            budget.check_time()
        except TemplateLimit as error:
            error.lineno = _paused_line(template, stream)
            raise
    return "".join(pieces)


def _paused_line(template: jinja2.Template, stream: Any) -> int | None:
    """The template line a paused render stands at (its innermost template generator, mapped back)."""
    line, generator = None, stream
    while generator is not None:
        frame = getattr(generator, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename == "<template>":
            line = template.get_corresponding_lineno(frame.f_lineno)
        generator = getattr(generator, "gi_yieldfrom", None)
    return line


def _describe(recipient: RecipientData) -> str:
    return f"{recipient.full_name!r} (#{recipient.id})"


def _template_line(error: BaseException) -> int | None:
    """The template line being run when the error happened (Jinja maps its frames to template lines)."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == "<template>"]
    return lines[-1] if lines else getattr(error, "lineno", None)
