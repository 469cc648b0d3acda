"""The outbox: every message Docket sends is stored here, whole, before it is sent."""

from __future__ import annotations

from django.db import models

from docket.mail.addresses import NO_SENDER
from docket.mail.classification import CHOICES, Classification
from docket.mail.messages import email_bytes
from docket.requests.models import FrozenLetter, InfoRequest


class OutboxState(models.TextChoices):
    """Where a message is on its way out (see ``OutboxMessage``)."""

    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    UNCERTAIN = "uncertain", "Uncertain"
    CANCELLED = "cancelled", "Cancelled"


class OutboxMessage(models.Model):
    """One email, as bytes, and where it stands.

    queued → sending → sent, or back to queued after a temporary failure, or
    failed (permanent failure, or too many temporary ones), or uncertain: the
    worker stopped while the message was with the mail server, so whether it
    went is unknown and a person decides (confirm it went, or send it again).
    """

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter"
        CHASER = "chaser", "Chaser"

    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED)
    message_id = models.CharField(max_length=250, unique=True)
    envelope_from = models.CharField(max_length=250)
    envelope_to = models.CharField(max_length=250)
    subject = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Nullable, so that adding it is an ALTER TABLE on SQLite, not a rebuild of the table (which would need
    # the request's model under its old name, Request, that the earlier migrations of mail still give it).
    server = models.CharField(  # noqa: DJ001
        max_length=250, null=True, blank=True, help_text="The mail server (host:port) it was claimed for"
    )
    reached_data = models.BooleanField(default=False, help_text="The message data was being handed over")
    sent_at = models.DateTimeField(null=True, blank=True)
    smtp_response = models.TextField(blank=True, help_text="What the mail server said when it accepted or refused")
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_diagnostic = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["server", "claimed_at"], name="outbox_claims"),  # a server's limits count these
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.message_id} ({self.state})"


class ServerLimit(models.Model):
    """What a mail provider accepts from us, honoured by every worker together (Exchange Online: 30 messages a
    minute and 10,000 recipients a day per mailbox). Counted from the outbox's claims, over the last minute and
    the last 24 hours: a message is claimed once for each time it may be handed to the server."""

    server = models.CharField(
        max_length=250, unique=True, help_text="host:port, as in DOCKET_SMTP_URL (for example smtp.office365.com:587)"
    )
    messages_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="At most this many messages in any minute (empty: no limit)"
    )
    recipients_per_day = models.PositiveIntegerField(
        null=True, blank=True, help_text="At most this many recipients in any 24 hours (empty: no limit)"
    )

    class Meta:
        verbose_name = "mail server limit"

    def __str__(self) -> str:
        minute = f"{self.messages_per_minute} a minute" if self.messages_per_minute is not None else "no limit a minute"
        day = f"{self.recipients_per_day} recipients a day" if self.recipients_per_day is not None else "none a day"
        return f"{self.server}: {minute}, {day}"


class OutboxBody(models.Model):
    """What a stored message says, apart from its state so that state changes do not rewrite it: its headers,
    text and HTML, and the frozen letter it carries. Its bytes are made from these when it is sent
    (``as_bytes``): the same every time, and the letter's PDF is stored once, on the request.
    A message stored before bodies were kept in parts keeps its bytes in ``raw``."""

    message = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, primary_key=True, related_name="body")
    raw = models.BinaryField(blank=True, default=b"")
    headers = models.JSONField(default=list, help_text="The email's headers, in order: [name, value] pairs")
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    letter = models.ForeignKey(
        FrozenLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="The PDF attached"
    )
    attachment_name = models.CharField(max_length=250, blank=True)

    def __str__(self) -> str:
        return f"Body of {self.message_id}"

    def as_bytes(self) -> bytes:
        """The email as it is handed to the mail server (load ``message`` and ``letter`` with it)."""
        if self.raw:
            return bytes(self.raw)
        pdf = bytes(self.letter.pdf) if self.letter is not None else None
        return email_bytes(self.message.message_id, self.headers, self.text, self.html, pdf, self.attachment_name)


class InboundMessage(models.Model):
    """A message that came in: its raw bytes (stored before anything reads them) and what was made of them.

    Its steps: stored (the bytes kept and this row written, claimed by the process that
    reads it: ``claimed_by``, ``claimed_at``, ``read_attempts``), then filed, held or a
    bounce, all in one transaction. A message still "stored" whose reader has stopped
    (killed, out of memory) is read again by the next run; one that stopped its reader
    ``MAX_READS`` times, or cannot be read at all, is held with the reason.
    """

    class Source(models.TextChoices):
        IMAP = "imap", "Mailbox (IMAP)"
        UPLOAD = "upload", "Uploaded file"
        MANUAL = "manual", "Entered by hand"

    class Status(models.TextChoices):
        STORED = "stored", "Stored, being read"
        FILED = "filed", "Filed to a request"
        HOLDING = "holding", "In the holding pen"
        BOUNCE = "bounce", "Bounce"
        SET_ASIDE = "set_aside", "Set aside: not a reply"

    blob = models.OneToOneField("documents.Blob", on_delete=models.PROTECT, related_name="inbound_message")
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    source_detail = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.STORED)
    problems = models.TextField(blank=True, help_text="What was wrong with the message, if anything")
    from_name = models.CharField(max_length=300, blank=True)
    from_address = models.CharField(max_length=300, blank=True)
    to_addresses = models.TextField(blank=True)
    subject = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    in_reply_to = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    reply_text = models.TextField(blank=True, help_text="The body without the quoted earlier messages")
    body_html = models.TextField(blank=True, help_text="Sanitised HTML body, for display")
    classification = models.CharField(
        max_length=20,
        choices=CHOICES,
        default=Classification.REPLY.value,
        help_text="What the message is: only a reply or an acknowledgement moves its request",
    )
    classification_reason = models.CharField(max_length=300, blank=True, help_text="Why it was classified so")
    request = models.ForeignKey(
        InfoRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="inbound_messages"
    )
    match_method = models.CharField(max_length=30, blank=True)
    holding_reason = models.TextField(blank=True)
    candidates = models.ManyToManyField(
        InfoRequest,
        blank=True,
        related_name="held_candidates",
        help_text="Requests a held message may answer (the matcher found several): their campaigns' teams see it",
    )
    claimed_by = models.CharField(max_length=200, blank=True, help_text="The process reading it (host:pid:start)")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When its latest reading started")
    read_attempts = models.PositiveSmallIntegerField(default=0)
    # A held message a person set aside (spam, a newsletter, mail about something else): kept, never deleted.
    set_aside_by = models.CharField(max_length=200, blank=True, help_text="Who set it aside")
    set_aside_at = models.DateTimeField(null=True, blank=True, help_text="When it was set aside")
    set_aside_reason = models.CharField(max_length=300, blank=True, help_text="Why it was set aside")

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status"], name="inbound_status")]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} from {self.from_address or 'unknown'}"

    @property
    def is_auto_reply(self) -> bool:
        return self.classification == Classification.AUTO_REPLY

    @property
    def how_filed(self) -> str:
        return how_filed(self.match_method) if self.match_method else ""

    @property
    def uploaded_by_hand(self) -> bool:
        """A file a person uploaded: its sender is "Uploaded by …", with no address (never the contact's)."""
        return self.from_address in ("", NO_SENDER) and self.from_name.startswith("Uploaded by ")


def how_filed(method: str) -> str:
    """ "matched by reply address", "matched by thread"; a person's filing ("by hand…", "moved by hand") as it is."""
    if method.startswith("by "):
        return f"filed {method}"
    if " by " in method:
        return method
    return f"matched by {method}"


class ImapCursor(models.Model):
    """How far ``docket fetch-mail`` has read a mailbox: the highest UID stored, for one UIDVALIDITY."""

    mailbox = models.CharField(max_length=300, unique=True)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mailbox}: UID {self.last_uid} of {self.uidvalidity}"
