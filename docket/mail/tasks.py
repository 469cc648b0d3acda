"""The outbox as a django.tasks task, for deployments that run a task worker instead of ``docket send``."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from docket.mail.channels.smtp import SmtpChannel
from docket.mail.outbox import run


@task()
def send_outbox() -> dict[str, int]:
    """Send everything that is due now, then return the counts (retries are left for later runs)."""
    tally = run(SmtpChannel(settings.DOCKET_SMTP), until_empty=True, wait_for_retries=False)
    return {"sent": tally.sent, "retried": tally.retried, "failed": tally.failed, "uncertain": tally.uncertain}
