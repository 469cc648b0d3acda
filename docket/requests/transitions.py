"""The one way a state changes: each move checked against the moves allowed, the rows and their events
written in one transaction. One move or a thousand take the same path.

A ``Machine`` is a model's state field, which named action may start from which states, and the event
each move writes on a request's timeline. ``Machine.apply`` takes a batch of ``Move``\\ s (a row, the
action, the state it goes to, other fields to set, and values the row must still hold) and, in one
transaction:

1. locks the rows (``SELECT … FOR UPDATE``; on SQLite the transaction itself holds the write lock)
   and reads their state and the fields the moves expect;
2. checks each move, in order, against what its row holds then: a row moved twice in one batch is
   checked the second time from where the first move left it;
3. writes each row once, by an update conditional on the state it was read in (and on what the
   moves expect), and checks that it changed as many rows as it should;
4. writes the events, in one insert.

A move that is not allowed changes nothing: it is returned as refused (``Machine.move``, the form for
one row, raises the machine's refusal instead), or, if it names an ``otherwise`` action, that event is
written and the state stays. An action with no entry among the allowed moves may be logged from any
state but moves nothing (an event such as "chaser queued" on a request that keeps its state). A batch
of steps that a machine names ``unlogged`` (they never change the state nor write an event, such as
the outbox noting that only a letter's data is left to send) skips the read: each is one UPDATE
conditional on the states it may start from and on what it expects, its row count its answer.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.db.models.expressions import Combinable

from docket.errors import DocketError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from docket.requests.models import Event

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Actor:
    """Who did it: a signed-in person, or a named part of Docket (``docket send``)."""

    name: str
    user: User | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(getattr(user, "email", "") or user.get_username(), user)


SYSTEM = Actor("Docket")


@dataclass(frozen=True)
class Move[M: models.Model]:
    """``row`` moved by ``action`` to ``to`` (None: its state stays), with ``changes`` to its other fields.

    ``expect``: values the row must still hold for the move to be allowed (a claim's owner, for
    example); ``otherwise``: the action logged, moving nothing, if the move is not allowed.
    """

    row: M
    action: str
    to: str | None = None
    note: str = ""
    changes: Mapping[str, Any] = field(default_factory=dict)
    expect: Mapping[str, Any] = field(default_factory=dict)
    otherwise: str | None = None


@dataclass
class Applied[M: models.Model]:
    """What a batch did: the moves made (or logged ``otherwise``) and those refused, in the batch's order."""

    moved: list[Move[M]] = field(default_factory=list)
    refused: list[Move[M]] = field(default_factory=list)


class StaleRow(RuntimeError):
    """A conditional update changed fewer rows than it was meant to: a row changed although it was locked.

    Not a person's mistake: it means the locking is wrong, and the whole transaction is undone."""


# (row, action, state before, state after, note, actor) -> the event to write, or None for a move the
# timeline does not show (the outbox claiming a letter).
EventFor = Callable[[M, str, str, str, str, Actor], "Event | None"]


class Machine[M: models.Model]:
    def __init__(
        self,
        model: type[M],
        allowed: Mapping[Any, Collection[Any]],
        event: EventFor[M],
        refusal: Callable[[M, str], DocketError],
        state_field: str = "state",
        unlogged: Collection[str] = (),
    ) -> None:
        self.model = model
        self.allowed = allowed
        self.event = event
        self.refusal = refusal
        self.state_field = state_field
        # Steps that never change the state nor write an event (the outbox noting "only the data is
        # left"): their conditional update is their whole check, with no read before it.
        self.unlogged = frozenset(unlogged)

    def allows(self, action: str, state: str) -> bool:
        return action not in self.allowed or state in self.allowed[action]

    def move(self, move: Move[M], actor: Actor) -> M:
        """One move (a batch of one); raises the machine's refusal if it is not allowed now."""
        applied = self.apply([move], actor)
        if applied.refused:
            raise self.refusal(move.row, move.action)
        return move.row

    def apply(self, moves: Sequence[Move[M]], actor: Actor, *, skip_locked: bool = False) -> Applied[M]:
        """Check and make ``moves`` in one transaction (see the module's docstring); ``skip_locked``: a row
        another transaction holds is not waited for but refused (claiming work from a shared queue)."""
        applied: Applied[M] = Applied()
        if not moves:
            return applied
        state = self.state_field
        for move in moves:
            if move.to is not None and move.action not in self.allowed:
                raise ValueError(f"{move.action!r} is not a move of {self.model.__name__}: it may only be logged")
        if all(move.action in self.unlogged and move.to is None and move.otherwise is None for move in moves):
            return self._apply_in_place(moves)
        expected = sorted({name for move in moves for name in move.expect} - {state})
        made: list[tuple[Move[M], Mapping[str, Any]]] = []
        # No savepoint: a refusal is raised only after the block has ended without writing, so a
        # caller's own transaction stays usable.
        with transaction.atomic(savepoint=False):
            locked = self.model._default_manager.select_for_update(skip_locked=skip_locked)
            rows = locked.filter(pk__in={move.row.pk for move in moves}).values("pk", state, *expected)
            current: dict[Any, dict[str, Any]] = {row["pk"]: row for row in rows}
            first = {pk: row[state] for pk, row in current.items()}
            writes: dict[Any, dict[str, Any]] = {}
            conditions: dict[Any, dict[str, Any]] = {}
            events: list[Event] = []
            for move in moves:
                row = current.get(move.row.pk)  # None: gone, or held by another transaction and skipped
                if row is not None and self._allowed_now(move, row):
                    action, to, changes = move.action, move.to, move.changes
                    conditions.setdefault(move.row.pk, dict(move.expect))
                elif row is not None and move.otherwise is not None:
                    action, to, changes = move.otherwise, None, {}
                else:
                    applied.refused.append(move)
                    continue
                before = row[state]
                after = to or before
                row[state] = after
                row.update({name: value for name, value in changes.items() if name in row})
                written = writes.setdefault(move.row.pk, {})
                written.update(changes)
                if after != before:
                    written[state] = after
                applied.moved.append(move)
                made.append((move, changes))
                event = self.event(move.row, action, before, after, move.note, actor)
                if event is not None:
                    events.append(event)
            self._write(writes, first, conditions)
            if events:
                type(events[0]).objects.bulk_create(events)
        self._update_in_memory(made, applied.refused, current)
        return applied

    def _apply_in_place(self, moves: Sequence[Move[M]]) -> Applied[M]:
        """Steps that change neither the state nor the timeline, each by one UPDATE conditional on the states it
        may start from and on what it expects; its row count says whether it was allowed.

        Each UPDATE stands alone (committed by itself outside a caller's transaction): a move is made or
        refused on its own, never undone with another, so a transaction around them would only add a round
        trip to the database at each end (the outbox makes one or two such moves for every message it sends)."""
        applied: Applied[M] = Applied()
        for move in moves:
            where = dict(move.expect)
            if move.action in self.allowed:
                where[f"{self.state_field}__in"] = list(self.allowed[move.action])
            changed = self.model._default_manager.filter(pk=move.row.pk, **where).update(**move.changes)
            (applied.moved if changed == 1 else applied.refused).append(move)
        for move in applied.moved:
            for name, value in move.changes.items():
                if not isinstance(value, Combinable):
                    setattr(move.row, name, value)
        return applied

    def _allowed_now(self, move: Move[M], row: dict[str, Any]) -> bool:
        """Whether ``move`` may be made on ``row`` as it stands: its state, and what the move expects."""
        return self.allows(move.action, row[self.state_field]) and all(
            row[name] == value for name, value in move.expect.items()
        )

    def _write(
        self, writes: dict[Any, dict[str, Any]], first: dict[Any, str], conditions: dict[Any, dict[str, Any]]
    ) -> None:
        """Each row once: rows given the same values under the same conditions in one UPDATE
        (``WHERE pk IN (…) AND state = <as read> AND <expected>``), whose row count is checked."""
        groups: dict[tuple[Any, ...], tuple[dict[str, Any], list[Any]]] = {}
        for pk, values in writes.items():
            if values:
                key = (first[pk], _frozen(conditions[pk]), _frozen(values))
                groups.setdefault(key, ({self.state_field: first[pk], **conditions[pk]}, []))
                groups[key][1].append(pk)
        for where, pks in groups.values():
            values = writes[pks[0]]
            changed = self.model._default_manager.filter(pk__in=pks, **where).update(**values)
            if changed != len(pks):
                raise StaleRow(f"{self.model.__name__}: {changed} of {len(pks)} rows changed where {where}")

    def _update_in_memory(
        self, made: list[tuple[Move[M], Mapping[str, Any]]], refused: list[Move[M]], current: dict[Any, dict[str, Any]]
    ) -> None:
        """The callers' objects, as their rows now are (a computed value is read back)."""
        state = self.state_field
        computed: dict[Any, tuple[M, set[str]]] = {}
        for move in refused:
            if move.row.pk in current:
                setattr(move.row, state, current[move.row.pk][state])
        for move, changes in made:
            setattr(move.row, state, current[move.row.pk][state])
            for name, value in changes.items():
                if isinstance(value, Combinable):
                    computed.setdefault(move.row.pk, (move.row, set()))[1].add(name)
                else:
                    setattr(move.row, name, value)
        for row, names in computed.values():
            row.refresh_from_db(fields=sorted(names))


def _frozen(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """``values`` as a key: rows given equal values are written together (a value that cannot be a key, alone)."""
    try:
        key = tuple(sorted(values.items()))
        hash(key)
    except TypeError:
        return (object(),)
    return key
