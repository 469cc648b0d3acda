"""The outbox as a django.tasks task, for deployments that run a task worker instead of ``docket send``."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from docket.mail import outbox
from docket.mail.channels.smtp import SmtpChannel


@task()
def send_outbox() -> dict[str, int]:
    """Send what is due now for at most one turn (``outbox.SEND_FOR_AT_MOST``), then return the counts.

    Like a round of ``docket worker``, it then gives the other tasks (a ZIP file, an import, a report) their
    turn: what is left is sent by the worker's next rounds (retries too), with the outbox's exactly-once rules.
    """
    tally = outbox.run(
        SmtpChannel(settings.DOCKET_SMTP),
        until_empty=True,
        wait_for_retries=False,
        for_at_most=outbox.SEND_FOR_AT_MOST,
    )
    return {
        "sent": tally.sent,
        "retried": tally.retried,
        "failed": tally.failed,
        "uncertain": tally.uncertain,
        "cut_short": int(tally.cut_short),
    }
