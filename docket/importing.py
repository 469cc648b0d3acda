"""What every import shares: cell-level errors, the all-or-nothing rule and the report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models

from docket import words


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.reason}"


class ImportFailed(Exception):
    """The file had bad rows, so nothing was written."""

    def __init__(self, path: Path, errors: list[CellError]) -> None:
        self.path = path
        self.errors = errors
        lines = "\n".join(f"  {path.name}: {error}" for error in errors)
        super().__init__(
            f"{path}: {words.count(len(errors), 'problem')}; nothing was imported "
            f"(fix them, or use --skip-invalid to import the other rows):\n{lines}"
        )


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[CellError] = field(default_factory=list)

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def summary(self, noun: str) -> str:
        text = f"{self.created} {noun} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped:
            rows = sorted({error.row for error in self.skipped})
            text += f"; {words.count(len(rows), 'row')} skipped:\n" + "\n".join(f"  {error}" for error in self.skipped)
        return text


def storable_errors(row: int, cells: dict[str, str]) -> list[CellError]:
    """Cells that neither database can keep as they are: a NUL character, which SQLite would store and
    PostgreSQL refuses (it usually comes from a damaged export)."""
    return [
        CellError(row, column, "this cell holds a NUL character (often left by a damaged export); remove it")
        for column, value in cells.items()
        if "\x00" in value
    ]


def model_errors(
    instance: models.Model, row: int, columns: dict[str, str], exclude: list[str] | None = None
) -> list[CellError]:
    """Run Django's field validation and name the spreadsheet column of each failure.

    ``columns`` maps a model field to the column it came from.
    """
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            CellError(row, columns.get(name, name), " ".join(str(message) for message in messages))
            for name, messages in error.message_dict.items()
        ]
    return []


def update_fields(instance: models.Model, values: dict[str, object]) -> bool:
    """Set the given attributes; say whether any of them changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


LOOKUP_CHUNK = 5000  # values in one ``IN (…)``: well under SQLite's 32,766 parameters, whatever the file's size


def in_chunks[T](values: Iterable[T]) -> Iterator[list[T]]:
    """The values a few thousand at a time, for lookups by ``IN``: one query for most files, a few for large ones."""
    chunk: list[T] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == LOOKUP_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


IMPORT_BATCH = 2000  # rows an INSERT or UPDATE of an import writes at once (Django lowers it to what SQLite takes)
