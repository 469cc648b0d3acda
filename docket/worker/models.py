"""What the worker keeps between rounds: when each scheduled job ran, and which workers are alive."""

from __future__ import annotations

from django.db import models

from docket import words


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


class BulkJob(models.Model):
    """A long piece of work asked for in the workspace or on the command line, run by the worker.

    Its page shows ``done`` of ``total`` as a progress bar, then the result (a summary, a file to
    download) or, if it failed, why, in words. Its state moves only through docket/worker/actions.py.
    """

    class Kind(models.TextChoices):
        SEND = "send", "Approve and send letters"
        APPROVE = "approve", "Approve letters"
        QUEUE = "queue", "Approve and queue letters"
        RENDER = "render", "Letters as a ZIP file"
        EXPORT = "export", "The public site as static files"
        IMPORT_CONTACTS = "import_contacts", "Import of contacts"
        REPORT = "report", "The campaign report as a file"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for the worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    requested_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="docket_jobs"
    )
    requested_by_name = models.CharField(max_length=200, help_text="Who asked for it (a person or a command)")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True, help_text="When it last made progress")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0, help_text="How many of the total are dealt with (including skipped)")
    skipped = models.PositiveIntegerField(default=0, help_text="How many of those were not done, each with a problem")
    changed = models.PositiveIntegerField(default=0, help_text="How many of those it changed (an approval job)")
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True, help_text="Why it failed, in words")
    result_name = models.CharField(max_length=200, blank=True, help_text="The result file's name, if it made one")
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.finished else 0
        return min(100, self.done * 100 // self.total)


class JobProblem(models.Model):
    """Something a job could not do (a letter not queued), and why, in words."""

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="problems")
    text = models.TextField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class ReadingRetry(models.Model):
    """How often the worker has read again an attachment whose reading failed (it stops after a few)."""

    attachment = models.OneToOneField("documents.Attachment", on_delete=models.CASCADE, related_name="retry")
    attempts = models.PositiveIntegerField(default=0)
    tried_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.attachment}: read again {words.count(self.attempts, 'time')}"
