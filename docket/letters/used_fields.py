"""Which per-recipient fields a letter template cannot do without: those a blank value stops.

A blank field is refused where the template prints it or uses it as text (see
:mod:`docket.letters.template_errors`), but not where a blank is fine: ``fields.x | default("")``,
a test (``{% if fields.x == "yes" %}``, ``fields.x is defined``), ``fields.x or "…"``, and the
body of an ``if`` (or ``… if … else``) whose test already names the field. Read from the template's
syntax alone, without any recipient: a field printed only under some other condition
(``{% if contact.area == "Kent" %}``) still counts, as the letter may need it.
"""

from __future__ import annotations

import functools

import jinja2
from jinja2 import nodes

from docket.letters.template_limits import MAX_SOURCE
from docket.letters.templating import ENVIRONMENT

BLANK_FINE_FILTERS = frozenset({"default", "d"})
EQUALITY = frozenset({"eq", "ne"})


@functools.lru_cache(maxsize=32)
def fields_a_blank_stops(source: str) -> frozenset[str]:
    """The names of the fields (``fields.NAME`` or ``fields["NAME"]``) the letter cannot be made without;
    none for a template that cannot be read (the campaign's letter checks say why)."""
    if not source.strip() or len(source) > MAX_SOURCE:
        return frozenset()
    try:
        tree = ENVIRONMENT.parse(source)
        needed: set[str] = set()
        _walk(tree, False, frozenset(), needed)
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError, SyntaxError):
        return frozenset()
    return frozenset(needed)


def _field(node: nodes.Node) -> str | None:
    """The field a node reads, if it is ``fields.NAME`` or ``fields["NAME"]``."""
    if isinstance(node, nodes.Getattr) and _is_fields(node.node):
        return node.attr
    if isinstance(node, nodes.Getitem) and _is_fields(node.node) and isinstance(node.arg, nodes.Const):
        return str(node.arg.value) if isinstance(node.arg.value, str) else None
    return None


def _is_fields(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == "fields"


def _named(node: nodes.Node | None) -> frozenset[str]:
    """Every field a node (a test) reads."""
    if node is None:
        return frozenset()
    found = {_field(node)} | {_field(child) for child in node.find_all((nodes.Getattr, nodes.Getitem))}
    return frozenset(name for name in found if name)


def _walk(node: nodes.Node, blank_fine: bool, guarded: frozenset[str], needed: set[str]) -> None:
    name = _field(node)
    if name is not None:
        if not blank_fine and name not in guarded:
            needed.add(name)
        return
    if isinstance(node, nodes.If):
        _walk(node.test, True, guarded, needed)
        for child in node.body:
            _walk(child, False, guarded | _named(node.test), needed)
        for child in [*node.elif_, *node.else_]:
            _walk(child, False, guarded, needed)
    elif isinstance(node, nodes.CondExpr):
        if node.test is not None:
            _walk(node.test, True, guarded, needed)
        _walk(node.expr1, blank_fine, guarded | _named(node.test), needed)
        if node.expr2 is not None:
            _walk(node.expr2, blank_fine, guarded, needed)
    elif isinstance(node, nodes.Filter | nodes.Test) and node.node is not None:
        fine = isinstance(node, nodes.Test) or node.name in BLANK_FINE_FILTERS
        _walk(node.node, blank_fine or fine, guarded, needed)
        arguments: list[nodes.Node | None] = [*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs]
        for argument in arguments:
            if argument is not None:
                _walk(argument, False, guarded, needed)
    elif isinstance(node, nodes.Compare) and all(operand.op in EQUALITY for operand in node.ops):
        for child in [node.expr, *(operand.expr for operand in node.ops)]:
            _walk(child, True, guarded, needed)
    elif isinstance(node, nodes.Or | nodes.Not):
        children = [node.left, node.right] if isinstance(node, nodes.Or) else [node.node]
        _walk(children[0], True, guarded, needed)  # false when blank: the other side, or True, is used instead
        for child in children[1:]:
            _walk(child, blank_fine, guarded, needed)
    else:
        for child in node.iter_child_nodes():
            _walk(child, blank_fine, guarded, needed)
