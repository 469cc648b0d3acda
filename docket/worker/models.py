"""What the worker keeps between rounds: when each scheduled job ran, and which workers are alive."""

from __future__ import annotations

from django.db import models


class JobMark(models.Model):
    """When a scheduled job last started and finished (docket/worker/schedule.py decides from it)."""

    job = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.job}: started {self.started_at}, finished {self.finished_at}"


class WorkerBeat(models.Model):
    """A running ``docket worker``: it writes ``seen_at`` on every round, so a page can tell it is alive."""

    worker = models.CharField(max_length=200, unique=True, help_text="host:pid:start of the process")
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True, help_text="When it stopped when asked to")

    def __str__(self) -> str:
        return f"{self.worker}, last seen {self.seen_at}"
