"""Reading again the attachments whose text extraction failed (a reader that crashed or gave no answer).

A failure may be passing (the machine short of memory, a reader killed), so the worker reads each
failed attachment again, from its stored bytes, up to ``MAX_ATTEMPTS`` times, at least ``SPACING``
apart, a few at a time (``BATCH``) so that a round stays short. Each try is counted before it is
made: a reader that kills the worker still uses up a try, and the file is left as failed, with its
error, for a person to download.
"""

from __future__ import annotations

import datetime
import logging

from django.db.models import Q

from docket import words
from docket.documents.models import Attachment
from docket.documents.processing import read_again
from docket.worker.models import ReadingRetry

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
SPACING = datetime.timedelta(hours=1)
BATCH = 20


def due(now: datetime.datetime) -> list[Attachment]:
    """Failed attachments not yet tried ``MAX_ATTEMPTS`` times, nor in the last ``SPACING``."""
    fresh = Q(retry__isnull=True) | Q(retry__attempts__lt=MAX_ATTEMPTS, retry__tried_at__lte=now - SPACING)
    failed = Attachment.objects.filter(fresh, status=Attachment.Status.FAILED)
    return list(failed.select_related("blob", "message", "retry").order_by("pk")[:BATCH])


def claim(attachment: Attachment, now: datetime.datetime) -> bool:
    """Count one more try, if no other run counted it since we looked (a conditional update)."""
    retry, _ = ReadingRetry.objects.get_or_create(attachment=attachment)
    seen = getattr(attachment, "retry", None)
    attempts = seen.attempts if seen is not None else 0
    return ReadingRetry.objects.filter(pk=retry.pk, attempts=attempts).update(attempts=attempts + 1, tried_at=now) == 1


def read_failed_again(now: datetime.datetime) -> str:
    """The scheduled job: read again what is due; returns what happened, in words."""
    read, still = 0, 0
    for attachment in due(now):
        if not claim(attachment, now):
            continue
        try:
            read_again(attachment)
        except Exception:  # one file must never stop the others (its status stays failed)
            log.exception("reading attachment %s again failed", attachment.pk)
        if attachment.status == Attachment.Status.FAILED:
            still += 1
        else:
            read += 1
    return f"{words.count(read, 'failed attachment')} read again, {still} still failing"
