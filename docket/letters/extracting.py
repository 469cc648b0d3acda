"""Reading a letter back against a campaign's template: the recipient and the field values.

Extraction is the inverse of rendering. The template is parsed by Jinja itself
(its syntax tree, not a hand-written parser) into a pattern: the template's own
words, holes where a field, the contact's area or a list of requested items is
printed, alternatives where ``{% if %}`` chooses a passage, and the reference's
key where ``cite()`` puts a footnote marker. The pattern becomes one regular
expression matched against the letter's body (markup out by the same rules as
the word-for-word check; a footnote marker becomes the key of the reference its
footnote's words name, so numbering does not matter). The recipient's name,
role, address, postcode and salutation come from the address block, as when
learning. What a template does beyond that (loops, ``set``, other filters) is
named in a plain :class:`ExtractionError`.

The result is checked the only way that counts: by rendering the values and
comparing the words (:func:`differences`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import jinja2
from jinja2 import nodes

from docket.letters.inputs import CampaignData, ItemData, RecipientData
from docket.letters.learning import NOTE, compare, letterhead_words, person_from_address, reference_words
from docket.letters.reading import SourceLetter, strip_markup
from docket.letters.template_errors import syntax_problem
from docket.letters.templating import ENVIRONMENT, LetterError, escape_markdown, render_markdown

KNOWN_CONTACT = ("full_name", "salutation", "role", "postcode")  # read from the address block
READ_CONTACT = ("area", "body")  # read from the body, where the template prints them
CAMPAIGN_WIDE = {"letter_date", "due_date", "office", "campaign"}  # the same in every recipient's letter
LIST_STATES = {"asked": "ask", "published": "published"}
LOOKAHEAD_WORDS = 8  # what a run of holes checks of what follows it (a lone "I" is not enough)
ANCHOR = 3  # words at each end of a run of the template's words that a letter that differs must keep


class ExtractionError(ValueError):
    """The template uses something extraction cannot read back; the message names it."""


@dataclass(frozen=True)
class RecipientValues:
    """What one letter says about its recipient, in the campaign's terms."""

    full_name: str
    role: str
    address: tuple[str, ...]
    postcode: str
    salutation: str
    area: str
    date: datetime.date | None
    fields: dict[str, str] = field(default_factory=dict)
    items: tuple[ItemData, ...] = ()
    matched: bool = True  # False: the body did not fit the template (the fields are blanks)
    body: str = ""  # the recipient's body, when the template prints it

    def recipient(self, id: str = "extracted", kind: str = "") -> RecipientData:
        body = self.body or self.role or (f"{self.area} {kind}".strip() if self.area else self.full_name)
        return RecipientData(
            id=id,
            full_name=self.full_name,
            body=body,
            role=self.role,
            salutation=self.salutation,
            area=self.area,
            address=self.address,
            postcode=self.postcode,
            fields=dict(self.fields),
            items=self.items,
        )


# --- the pattern ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hole:
    kind: str  # field | contact | list
    name: str  # the field's name, the contact's attribute, or the list's state
    joiner: str = ""  # for a list: "and" (english_list) or the join() separator


@dataclass(frozen=True)
class _Note:
    key: str


@dataclass(frozen=True)
class _Branch:
    test: tuple[str, str, str]  # (kind, name, value): ("field", "x", "yes"), ("items", "published", "")
    pieces: tuple[_Piece, ...]


@dataclass(frozen=True)
class _Alternatives:
    branches: tuple[_Branch, ...]  # the last one's test is ("else", "", "")


_Piece = str | _Hole | _Note | _Alternatives


INSTEAD = (
    "Add this recipient with “Add recipients from the directory” on the campaign's page instead, "
    "or simplify that line of the template."
)


TAG_OF_NODE = {"assign": "set", "assignblock": "set", "callblock": "call", "filterblock": "filter"}  # others: their own


class _CannotRead(Exception):
    """A part of the template extraction does not read back: what it is ("expression", "condition", "for")."""

    def __init__(self, what: str, line: int) -> None:
        super().__init__(what, line)
        self.what, self.line = what, line


def template_pattern(campaign: CampaignData, person: dict[str, str]) -> tuple[_Piece, ...]:
    try:
        tree = ENVIRONMENT.parse(campaign.template)
    except jinja2.TemplateSyntaxError as error:
        line, problem = syntax_problem(error.message or "", error.lineno, campaign.template, ENVIRONMENT)
        where = f"Line {line} of the campaign's template" if line else "The campaign's template"
        raise ExtractionError(
            f"{where} has a mistake ({problem}), so Docket cannot read a letter against it. "
            "Correct the template with “Edit the letter” on the campaign's page."
        ) from None
    try:
        return tuple(_pieces(tree.body, campaign, person))
    except _CannotRead as problem:
        raise ExtractionError(_cannot_read(problem, campaign, person)) from None


def _cannot_read(problem: _CannotRead, campaign: CampaignData, person: dict[str, str]) -> str:
    """What the template does at that line that Docket cannot read back from a letter, in plain words."""
    line = f"Line {problem.line} of the campaign's template"
    if problem.what == "expression":
        tags = [
            tag for tag in _tags(campaign.template, "variable", problem.line) if not _readable(tag, campaign, person)
        ]
        printed = f"prints {tags[0]}" if tags else "prints something"
        return (
            f"{line} {printed}, which Docket cannot read back from a letter (it reads back the recipient's "
            f"details, fields, the office's details, references and lists of requested items). {INSTEAD}"
        )
    tags = _tags(campaign.template, "block", problem.line)
    if problem.what == "condition":
        tag = next((tag for tag in tags if _keyword(tag) in {"if", "elif"}), "{% if %}")
        return (
            f"{line} chooses its words with {tag}, which Docket cannot read back from a letter (it reads back "
            '{% if fields.NAME %}, {% if fields.NAME == "value" %} and {% if items.published %}). ' + INSTEAD
        )
    keyword = TAG_OF_NODE.get(problem.what, problem.what)
    tag = next((tag for tag in tags if _keyword(tag) == keyword), f"{{% {keyword} %}}")
    return f"{line} uses {tag}, which Docket cannot read back from a letter. {INSTEAD}"


def _keyword(tag: str) -> str:
    """The tag's first word: "if" of ``{%- if fields.x %}``."""
    words = tag.strip("{%-+ }").split()
    return words[0] if words else ""


def _tags(source: str, kind: str, line: int) -> list[str]:
    """The ``{{ … }}`` (kind "variable") or ``{% … %}`` ("block") tags of ``source`` on ``line``, as written."""
    found: list[str] = []
    current: list[str] | None = None
    first = 0
    for lineno, token, value in ENVIRONMENT.lex(source):
        if token == f"{kind}_begin":
            current, first = [value], lineno
        elif current is not None:
            current.append(value)
            if token == f"{kind}_end":
                if first <= line <= lineno:
                    found.append(" ".join("".join(current).split()))
                current = None
    return found


def _readable(tag: str, campaign: CampaignData, person: dict[str, str]) -> bool:
    """Whether extraction reads back what the ``{{ … }}`` tag prints."""
    try:
        output = ENVIRONMENT.parse(tag).body[0]
        if not isinstance(output, nodes.Output):
            return False
        for node in output.nodes:
            _expression(node, campaign, person)
    except (_CannotRead, jinja2.TemplateSyntaxError, IndexError):
        return False
    return True


def _pieces(body: Sequence[nodes.Node], campaign: CampaignData, person: dict[str, str]) -> list[_Piece]:
    out: list[_Piece] = []
    for node in body:
        if isinstance(node, nodes.Output):
            out += [_expression(child, campaign, person) for child in node.nodes]
        elif isinstance(node, nodes.If):
            out.append(_alternatives(node, campaign, person))
        else:
            raise _CannotRead(type(node).__name__.lower(), node.lineno)
    return out


def _alternatives(node: nodes.If, campaign: CampaignData, person: dict[str, str]) -> _Alternatives:
    branches = [_Branch(_test(node.test), tuple(_pieces(node.body, campaign, person)))]
    for branch in node.elif_:
        branches.append(_Branch(_test(branch.test), tuple(_pieces(branch.body, campaign, person))))
    branches.append(_Branch(("else", "", ""), tuple(_pieces(node.else_, campaign, person))))
    return _Alternatives(tuple(branches))


def _test(test: nodes.Node) -> tuple[str, str, str]:
    if isinstance(test, nodes.Compare) and len(test.ops) == 1 and test.ops[0].op == "eq":
        name, value = _field_name(test.expr), test.ops[0].expr
        if name and isinstance(value, nodes.Const) and isinstance(value.value, str):
            return ("field", name, value.value)
    if _field_name(test):
        return ("field", _field_name(test), "yes")
    if isinstance(test, nodes.Getattr) and _is_name(test.node, "items") and test.attr in LIST_STATES:
        return ("items", test.attr, "")
    raise _CannotRead("condition", test.lineno)


def _expression(node: nodes.Node, campaign: CampaignData, person: dict[str, str]) -> _Piece:
    if isinstance(node, nodes.TemplateData):
        return node.data
    if isinstance(node, nodes.Const) and isinstance(node.value, str):  # {{ "{" }}: printed Markdown-escaped
        return escape_markdown(node.value)
    if _field_name(node):
        return _Hole("field", _field_name(node))
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        owner, attribute = node.node.name, node.attr
        if owner in {"contact", "recipient"} and attribute in KNOWN_CONTACT:
            return person[attribute]
        if owner in {"contact", "recipient"} and attribute in READ_CONTACT:
            return _Hole("contact", attribute)
        if owner == "office" and isinstance(getattr(campaign.office, attribute, None), str):
            return str(getattr(campaign.office, attribute))
        if owner == "campaign" and attribute in {"title", "slug"}:
            return str(getattr(campaign, attribute))
    if (
        isinstance(node, nodes.Call)
        and _is_name(node.node, "cite")
        and len(node.args) == 1
        and isinstance(node.args[0], nodes.Const)
    ):
        return _Note(str(node.args[0].value))
    listed = _item_list(node)
    if listed:
        return listed
    printed = _same_in_every_letter(node, campaign)
    if printed is not None:
        return printed
    raise _CannotRead("expression", node.lineno)


def _same_in_every_letter(node: nodes.Node, campaign: CampaignData) -> str | None:
    """What an expression of the campaign's own values prints (``{{ due_date | long_date }}``), the same
    for every recipient; None for one that names anything else or cannot be printed."""
    names = {name.name for name in node.find_all(nodes.Name)}
    if not names or not names <= CAMPAIGN_WIDE:
        return None
    template = ENVIRONMENT.from_string(nodes.Template([nodes.Output([node])], lineno=1))
    nobody = RecipientData(id="", full_name="", body="")
    try:  # bounded in time and size as a letter's rendering is
        return render_markdown(campaign, nobody, template, blanks_print=True)[0]
    except LetterError:
        return None


def _item_list(node: nodes.Node) -> _Hole | None:
    """``items.asked | map(attribute="name") | english_list`` (or ``| join(", ")``)."""
    if not isinstance(node, nodes.Filter) or node.node is None:
        return None
    if node.name == "english_list" and not node.args:
        joiner = "and"
    elif node.name == "join" and len(node.args) == 1 and isinstance(node.args[0], nodes.Const):
        joiner = str(node.args[0].value)
    else:
        return None
    inner = node.node
    if not (isinstance(inner, nodes.Filter) and inner.name == "map" and inner.node is not None):
        return None
    source = inner.node
    if isinstance(source, nodes.Getattr) and _is_name(source.node, "items") and source.attr in LIST_STATES:
        return _Hole("list", source.attr, joiner)
    return None


def _field_name(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr) and _is_name(node.node, "fields"):
        return node.attr
    return ""


def _is_name(node: nodes.Node | None, name: str) -> bool:
    return isinstance(node, nodes.Name) and node.name == name


# --- the pattern as a regular expression ---------------------------------------------------------


@dataclass
class _Compiler:
    """The pattern as a regular expression whose matching time grows with the letter, not exponentially.

    A backtracking matcher given ``(.*?)\\s*(.*?)\\s*…end`` and a letter without "end" tries every
    way of sharing the words between the holes (4 holes and 50 words: 20 s). So each run of holes
    is an atomic group that ends where what follows it first appears (a lookahead), each choice
    of ``{% if %}`` branches is atomic and taken only if what follows the branch comes next, and
    whitespace is matched possessively: nothing is ever tried twice. For holes and words alone
    this finds the same values as trying everything (the earliest place for each run of words
    is never worse); with repeated holes or branches that begin alike it can miss a reading, and
    the letter is then reported as not fitting, with the nearest values.
    """

    loose: bool = False  # the template's words kept only at the ends of each run (a letter that differs)
    holes: dict[str, _Hole] = field(default_factory=dict)  # group name → hole
    groups_of: dict[_Hole, str] = field(default_factory=dict)
    branches: dict[str, _Branch] = field(default_factory=dict)  # group name → branch taken
    fields: set[str] = field(default_factory=set)
    yes_no: set[str] = field(default_factory=set)

    def regex(self, pieces: Sequence[_Piece], follow: str = r"\Z") -> str:
        """``pieces`` as a regular expression; ``follow`` is what comes after them (a lookahead's worth)."""
        parts = _parts(pieces, self.loose)
        out: list[str] = []
        run: list[_Hole] = []  # holes waiting for what follows them
        for n, part in enumerate(parts):
            if isinstance(part, _Hole) and part not in self.groups_of and part not in run:
                run.append(part)
                continue
            if run:
                out.append(self._run(run, self._first(parts[n:], follow)))
                run = []
            if isinstance(part, _Hole):  # printed before: the same words again
                out.append(self._hole(part))
            elif isinstance(part, _Alternatives):
                out.append(self._alternatives(part, self._first(parts[n + 1 :], follow)))
            else:
                out.append(part[0])
        if run:
            out.append(self._run(run, follow))
        return r"\s*+".join(part for part in out if part)

    def _run(self, holes: list[_Hole], follow: str) -> str:
        """Holes side by side: the words up to what follows go to the last (as trying everything
        would find first); trying every split between them is what took forever."""
        empty = [self._hole(hole, "") for hole in holes[:-1]]
        return "(?>" + "".join(empty) + self._hole(holes[-1], ".*?") + rf"(?=\s*{follow}))"

    def _first(self, parts: Sequence[_Part], follow: str, words: int = LOOKAHEAD_WORDS) -> str:
        """What the letter must show next for ``parts`` (then ``follow``) to match: a lookahead's body."""
        if not parts or words <= 0:
            return follow if not parts else ""
        part = parts[0]
        if isinstance(part, _Hole):
            return f"(?P={self.groups_of[part]})" if part in self.groups_of else ""
        if isinstance(part, _Alternatives):
            after = self._first(parts[1:], follow)
            return "(?:" + "|".join(self._first(_parts(b.pieces, self.loose), after) for b in part.branches) + ")"
        if part[1] != part[0]:  # loose: the words' middle is not checked, so neither is what follows
            return part[1]
        rest = self._first(parts[1:], follow, words - part[2])
        return part[1] + (rf"\s*{rest}" if rest else "")

    def _hole(self, hole: _Hole, pattern: str = ".*?") -> str:
        if hole.kind == "field":
            self.fields.add(hole.name)
        if hole in self.groups_of:
            return f"(?P={self.groups_of[hole]})"
        group = f"h{len(self.holes)}"
        self.holes[group] = hole
        self.groups_of[hole] = group
        return f"(?P<{group}>{pattern})"

    def _alternatives(self, alternatives: _Alternatives, follow: str) -> str:
        options = []
        for branch in alternatives.branches:
            kind, name, value = branch.test
            if kind == "field":
                self.fields.add(name)
                if value == "yes":
                    self.yes_no.add(name)
            group = f"b{len(self.branches)}"
            self.branches[group] = branch
            options.append(f"(?P<{group}>)" + self.regex(branch.pieces, follow) + rf"(?=\s*{follow})")
        return "(?>" + "|".join(options) + ")"


_Part = tuple[str, str, int] | _Hole | _Alternatives  # words as (regex, lookahead, count), a hole, a choice


def _parts(pieces: Sequence[_Piece], loose: bool) -> list[_Part]:
    """Neighbouring words (and footnote markers) joined into one regex each; holes and choices as they are."""
    parts: list[_Part] = []
    literal: list[str] = []
    for piece in [*pieces, None]:
        if isinstance(piece, str):
            literal.append(piece)
            continue
        if literal:
            text = _literal(strip_markup("".join(literal)), loose)
            if text[0]:
                parts.append(text)
            literal = []
        if isinstance(piece, _Note):
            marker = re.escape(f"{NOTE}{piece.key}{NOTE}")
            parts.append((marker, marker, 1))
        elif isinstance(piece, _Hole | _Alternatives):
            parts.append(piece)
    return parts


def _literal(text: str, loose: bool) -> tuple[str, str, int]:
    """The words as a regex, what a lookahead checks of them (loose: the first few words), and
    how many words they are. Where the template puts a space before or after them, the letter
    must too: "I" after a field is the word "I", not the first capital I of the field's value."""
    words = [re.escape(word) for word in text.split()]
    before = r"(?<!\S)" if text[:1].isspace() else ""
    after = r"(?!\S)" if text[-1:].isspace() else ""
    if loose and len(words) > 2 * ANCHOR:
        head, tail = before + r"\s+".join(words[:ANCHOR]), r"\s+".join(words[-ANCHOR:]) + after
        return head + rf"(?>\s.*?(?={tail})){tail}", head, ANCHOR
    strict = before + r"\s+".join(words) + after if words else ""
    return strict, strict, len(words)


# --- extraction ----------------------------------------------------------------------------------


def letter_body(letter: SourceLetter, campaign: CampaignData) -> str:
    """The body's words with each footnote marker written as its reference's key (by the footnote's words)."""
    keys = {" ".join(reference_words(reference).split()): reference.key for reference in campaign.references}

    def marker(match: re.Match[str]) -> str:
        words = " ".join(letter.footnotes.get(int(match[1]), "").split())
        key = keys.get(words)
        return f"{NOTE}{key}{NOTE}" if key else match[0]

    return "\n".join(re.sub(r"\^(\d+)", marker, paragraph) for paragraph in letter.paragraphs)


def extract(
    campaign: CampaignData, letter: SourceLetter, items: Sequence[ItemData] = (), kind: str = ""
) -> RecipientValues:
    """The recipient and field values that make ``campaign``'s template write ``letter``.

    ``items`` are the campaign's requested items (their states here are ignored); ``kind``
    (what the bodies are) is kept for callers: an area is read only where the template prints
    it, never guessed from the body's name ("Bristol City" from "Bristol City Council").
    When the body does not fit the template, the values say so (``matched`` False) and are the
    nearest found (the template's words held only at the ends of each run), else blanks, so
    that :func:`differences` names only the words that differ.
    """
    person = person_from_address(letter)
    known = {
        "full_name": person.full_name,
        "salutation": person.salutation,
        "role": person.role,
        "postcode": person.postcode,
    }
    pieces = template_pattern(campaign, known)
    body_text = letter_body(letter, campaign)
    compiler = _Compiler()
    match = re.fullmatch(r"\s*+" + compiler.regex(pieces) + r"\s*", body_text, flags=re.S)
    matched = match is not None
    if not matched:  # the values that come nearest, so that only the words that differ are named
        compiler = _Compiler(loose=True)
        match = re.fullmatch(r"\s*+" + compiler.regex(pieces) + r"\s*", body_text, flags=re.S)
    area = ""  # read where the template prints it, never guessed from the body's name
    fields = {name: ("no" if name in compiler.yes_no else "") for name in compiler.fields}
    found: dict[str, list[str]] = {}
    body = person.body
    if match:
        for group, hole in compiler.holes.items():
            value = " ".join((match[group] or "").split()) if match[group] is not None else None
            if value is None:
                continue
            if hole.kind == "field":
                fields[hole.name] = value
            elif hole.kind == "contact" and hole.name == "area":
                area = value
            elif hole.kind == "contact":
                body = value
            else:
                found[hole.name] = _split_list(value, hole.joiner)
        for group, branch in compiler.branches.items():
            kind_, name, value = branch.test
            if match[group] is not None and kind_ == "field":
                fields[name] = value
    return RecipientValues(
        full_name=person.full_name,
        role=person.role,
        address=person.address,
        postcode=person.postcode,
        salutation=person.salutation,
        area=area,
        date=letter.date,
        fields=fields,
        items=_item_states(items, found),
        matched=matched,
        body=body,
    )


def _split_list(text: str, joiner: str) -> list[str]:
    if not text:
        return []
    if joiner == "and":
        head, sep, last = text.rpartition(" and ")
        return [*head.split(", "), last] if sep else [text]
    return text.split(joiner) if joiner else [text]


def _item_states(items: Sequence[ItemData], found: dict[str, list[str]]) -> tuple[ItemData, ...]:
    """Each campaign item in the state of the list that names it (by label, else by its place)."""
    if not items:
        return ()
    states: dict[str, tuple[str, str]] = {}  # key → (state, title)
    for listed, names in found.items():
        state = LIST_STATES[listed]
        for name in names:
            item = next((i for i in items if i.label == name and i.key not in states), None)
            if item is None:  # this body's own title for an item: the first one not named yet
                item = next((i for i in items if i.key not in states and i.label not in _all(found)), None)
            if item is not None:
                states[item.key] = (state, "" if name == item.label else name)
    return tuple(
        ItemData(item.key, item.label, *states.get(item.key, ("n/a", "")))  # not named: not applicable
        for item in items
    )


def _all(found: dict[str, list[str]]) -> set[str]:
    return {name for names in found.values() for name in names}


def differences(campaign: CampaignData, values: RecipientValues, letter_text: str) -> tuple[tuple[str, str], ...]:
    """The words that differ between the letter and the campaign's rendering for ``values``."""
    from docket.letters.compose import build_letter
    from docket.letters.text import to_text

    rendered = to_text(build_letter(campaign, values.recipient(), blanks_print=True)).decode()
    return compare(letter_text, rendered, letterhead_words(campaign.office))
