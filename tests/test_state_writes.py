"""Nothing outside an ``actions.py`` writes a state field (DESIGN.md: every state change is a named action).

The code is read with ``ast``: an assignment to ``.state`` or ``.status`` (or a ``setattr`` of one), a
``state=``/``status=`` keyword given to anything that writes (``update``, ``create``, a model's
constructor…), ``"state"``/``"status"`` among the fields a ``save``/``bulk_update`` writes, or a move
of the transition mechanism made (``Move(…)``, a new ``Machine(…)``), anywhere in ``docket/`` but an
app's ``actions.py``, the mechanism itself (``docket/requests/transitions.py``) and migrations (which
move data, not requests), is a failure naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

STATE_FIELDS = {"state", "status"}
READS = {
    "filter",
    "exclude",
    "get",
    "Q",
    "When",
    "get_object_or_404",
    "count",
    "values",
    "values_list",
    "annotate",
    "order_by",
}
# Calls whose state= or status= is not a model's state: an HTTP status, the letter's input data.
NOT_WRITES = {"HttpResponse", "JsonResponse", "render", "ItemData"}


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


# The one place besides the actions modules that writes a state: the mechanism they all go through.
MECHANISM = REPO / "docket" / "requests" / "transitions.py"
MAKES_MOVES = {"Move", "Machine"}


def state_writes(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr in STATE_FIELDS:
                        found.append((node.lineno, f"assigns .{part.attr}"))
        elif isinstance(node, ast.Call):
            name = _called_name(node)
            if name in READS or name in NOT_WRITES:
                continue
            for keyword in node.keywords:
                if keyword.arg in STATE_FIELDS:
                    found.append((node.lineno, f"{name}({keyword.arg}=…)"))
                if keyword.arg in {"update_fields", "defaults"} and _strings(keyword.value) & STATE_FIELDS:
                    found.append((node.lineno, f"{name}({keyword.arg}=… state …)"))
            if name == "bulk_update" and any(_strings(a) & STATE_FIELDS for a in node.args[1:]):
                found.append((node.lineno, f"{name}(… state …)"))
            if name == "setattr" and len(node.args) > 1 and _strings(node.args[1]) & STATE_FIELDS:
                found.append((node.lineno, "setattr(…, state, …)"))
            if name in MAKES_MOVES:
                found.append((node.lineno, f"{name}(…) outside an actions module"))
    return found


def writes_outside_actions(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "actions.py" or path == MECHANISM or "migrations" in path.parts:
            continue
        for line, what in state_writes(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(REPO)}:{line}: {what}")
    return problems


def test_no_state_field_is_written_outside_an_actions_module():
    assert writes_outside_actions(REPO / "docket") == []


def test_the_check_finds_a_planted_write():
    planted = (
        "def sneaky(message):\n"
        "    message.status = 'filed'\n"
        "    OutboxMessage.objects.filter(pk=1).update(state='sent')\n"
        "    setattr(message, 'state', 'sent')\n"
        "    OUTBOX.apply([Move(message, 'claim', 'sending')], WORKER)\n"
        "    OutboxMessage.objects.bulk_update([message], ['state'])\n"
    )
    assert sorted(state_writes(planted)) == [
        (2, "assigns .status"),
        (3, "update(state=…)"),
        (4, "setattr(…, state, …)"),
        (5, "Move(…) outside an actions module"),
        (6, "bulk_update(… state …)"),
    ]


def test_only_the_actions_modules_make_moves():
    """The mechanism is the one other writer, and every machine is built in an actions module."""
    machines = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "docket").rglob("*.py")
        if path != MECHANISM and "Machine(" in path.read_text(encoding="utf-8")
    }
    assert machines == {
        "docket/requests/actions.py",
        "docket/publishing/actions.py",
        "docket/mail/actions.py",
    }
