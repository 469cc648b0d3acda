"""A request (one campaign recipient asked for items by a date) and its event log."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models

from docket.campaigns.models import Campaign, Recipient
from docket.requests import deadlines
from docket.requests.events import EventKind
from docket.requests.states import WAITING_STATES, RequestState


class InfoRequest(models.Model):
    """One recipient of a campaign asked for documents by a date (``InfoRequest``, as Alaveteli names it,
    so that it never shadows the web request a view is given)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="requests")
    recipient = models.OneToOneField(Recipient, on_delete=models.PROTECT, related_name="request")
    state = models.CharField(max_length=20, choices=RequestState.choices, default=RequestState.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    chasing_enabled = models.BooleanField(default=True)
    chasers_sent = models.PositiveIntegerField(default=0)
    last_chased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "recipient__contact__body__name"]
        verbose_name = "request"

    def __str__(self) -> str:
        return f"Request #{self.pk} to {self.recipient.contact.body.name}"

    def is_overdue(self, today: datetime.date) -> bool:
        return self.state in WAITING_STATES and self.due_date is not None and today > self.due_date

    def is_very_overdue(self, today: datetime.date) -> bool:
        if not self.is_overdue(today):
            return False
        assert self.due_date is not None
        return today > deadlines.add_working_days(self.due_date, self.campaign.very_overdue_working_days)


class FrozenLetter(models.Model):
    """The letter exactly as it was queued and sent: its PDF, the PDF's sha256 and its text.

    Its own table, written once: the request's row changes with every action and
    should not carry (and rewrite) the PDF each time.
    """

    request = models.OneToOneField(InfoRequest, on_delete=models.PROTECT, primary_key=True, related_name="letter")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    text = models.TextField()
    frozen_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField(
        null=True,
        blank=True,
        help_text="The reply-by date the letter prints (its template uses due_date): the request's due date "
        "once it is sent. Empty: the letter prints none, and the due date counts from the day it is sent.",
    )

    def __str__(self) -> str:
        return f"Letter of request #{self.request_id} (sha256 {self.sha256[:12]}…)"


# Who did it, as parts of Docket were once named in the event log (their command names), in words a person
# reads: the stored name stays as it was written, only what the pages show is this.
SHOWN_AS = {"docket send": "Docket (sending)", "docket worker": "Docket (chasing)"}


class Event(models.Model):
    """One named action: who, when, what kind, and why; on a request (from which state to which), or on a
    campaign's setup (its letter, references, items, recipients, settings), where no request moves.

    Every event belongs to a campaign, so a campaign's activity log is one indexed query; a request's
    timeline is its events. An event outlives a recipient removed before its letter went (its request
    with it): the log still says who added and removed it.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    request = models.ForeignKey(InfoRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=50, choices=EventKind.choices)
    # Blank for an event of a campaign's setup: no request moved.
    from_state = models.CharField(max_length=20, choices=RequestState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=RequestState.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        # The database itself refuses an event whose kind is not in the one list.
        constraints = [models.CheckConstraint(condition=models.Q(kind__in=EventKind.values), name="event_kind_known")]
        indexes = [models.Index(fields=["campaign", "-at", "-id"], name="event_campaign_log")]

    def __str__(self) -> str:
        if not self.from_state:
            return f"{self.get_kind_display()}: {self.note}"
        return f"{self.get_kind_display()}: {self.from_state} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.campaign_id is None and self.request is not None:
            self.campaign_id = self.request.campaign_id
        super().save(*args, **kwargs)

    @property
    def actor_shown(self) -> str:
        """Who did it, as the activity log and a request's timeline say it."""
        return SHOWN_AS.get(self.actor_name, self.actor_name)
