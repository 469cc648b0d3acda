"""The office that writes, its campaigns, their references, requested items and recipients."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from docket.directory.models import Contact

key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", "Use lower-case letters, digits and underscores, starting with a letter."
)


class Office(models.Model):
    """The oversight office: its letterhead, its signatory and who co-ordinates replies."""

    name = models.CharField(max_length=200, help_text="For example: Independent Anti-Slavery Commissioner")
    signatory_name = models.CharField(max_length=200)
    signatory_honours = models.CharField(max_length=100, blank=True, help_text="For example: DBE QPM")
    signatory_role = models.CharField(max_length=200)
    address_lines = models.TextField(help_text="One line of the postal address per line")
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    logo = models.FileField(upload_to="office/", blank=True)
    signature = models.FileField(upload_to="office/", blank=True, help_text="An image of the signature")
    sign_with_name = models.BooleanField(
        default=True, help_text="Print the signatory's name under the signature (the letterhead may already)"
    )
    coordinator_name = models.CharField(max_length=200, blank=True)
    coordinator_role = models.CharField(max_length=200, blank=True)
    coordinator_email = models.EmailField(blank=True)
    changed_at = models.DateTimeField(
        auto_now=True, db_index=True, help_text="When it was last saved: the public pages' cache key reads it"
    )

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> list[str]:
        return [line for line in self.address_lines.splitlines() if line.strip()]


# The bounds of a campaign's numbers. A working year (about 250 working days in England and Wales)
# is far past any reply time an oversight body would give (FOI's is 20) and any wait before calling a
# request very overdue or chasing again: a larger number is a typing slip, and it would put the due
# date past what the deadline maths and the pages are meant for. Ten chasers is past persistence:
# beyond a handful, a body is escalated, not written to again (0 means never chase).
WORKING_DAYS_A_YEAR = 250
MOST_CHASERS = 10


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="campaigns")
    letter_date = models.DateField(null=True, blank=True)
    template_source = models.TextField(blank=True, help_text="Markdown with Jinja: the letter's body")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    team = models.ManyToManyField(
        "auth.User", blank=True, related_name="campaigns", help_text="Who works on it (admins see every campaign)"
    )
    email_subject = models.CharField(max_length=200, blank=True, help_text="The email's subject; else the title")
    response_working_days = models.PositiveIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(WORKING_DAYS_A_YEAR)],
        help_text="Working days (England and Wales) a body has to reply, from the day of sending",
    )
    very_overdue_working_days = models.PositiveIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(WORKING_DAYS_A_YEAR)],
        help_text="Working days past the due date after which a request counts as very overdue",
    )
    chaser_template = models.TextField(
        blank=True, help_text="Markdown with Jinja for chasers; empty uses Docket's standard chaser"
    )
    max_chasers = models.PositiveIntegerField(
        default=2, validators=[MaxValueValidator(MOST_CHASERS)], help_text="Chasers sent to one body at most"
    )
    chase_interval_working_days = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(WORKING_DAYS_A_YEAR)],
        help_text="Working days between two chasers to the same body",
    )
    double_coding = models.BooleanField(
        "Each document must be coded by two people",
        default=False,
        help_text="Two coders code every reply and document apart; the coding pages list those still needing a second",
    )
    changed_at = models.DateTimeField(
        auto_now=True, db_index=True, help_text="When it was last saved: the public pages' cache key reads it"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Reference(models.Model):
    """A source the letter cites; cited references become numbered footnotes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="references")
    key = models.CharField(max_length=50, validators=[key_validator])
    author = models.CharField(max_length=300)
    year = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["campaign", "key"]
        constraints = [models.UniqueConstraint("campaign", "key", name="reference_key_unique")]

    def __str__(self) -> str:
        return f"{self.author} ({self.year}) {self.title}"


class RequestedItem(models.Model):
    """Something the campaign asks each recipient for, such as a Response Strategy."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=50, validators=[key_validator])
    label = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(
        auto_now=True, db_index=True, help_text="When it was last saved: the public pages' cache key reads it"
    )

    class Meta:
        ordering = ["campaign", "position", "key"]
        constraints = [models.UniqueConstraint("campaign", "key", name="requested_item_key_unique")]

    def __str__(self) -> str:
        return self.label


class Recipient(models.Model):
    """One contact in one campaign, with the fields that personalise their letter."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="recipients")
    fields = models.JSONField(default=dict, blank=True, help_text="Per-recipient template fields")

    class Meta:
        ordering = ["campaign", "contact__body__name"]
        constraints = [models.UniqueConstraint("campaign", "contact", name="recipient_unique")]

    def __str__(self) -> str:
        return f"{self.contact} in {self.campaign.slug}"


class ItemStatus(models.TextChoices):
    """What a body did about one item it was asked for: the evidence ledger's statuses."""

    ASKED = "asked", "Asked"
    RECEIVED = "received", "Received"
    PARTLY_RECEIVED = "partly_received", "Partly received"
    PUBLISHED_ONLINE = "published_online", "Published online"
    REFUSED = "refused", "Refused"
    NOT_HELD = "not_held", "Not held"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class RecipientItem(models.Model):
    """One requested item for one recipient: what the letter asks (``state``, set up before sending)
    and what the body did about it (``status``, the evidence ledger, set by named actions after).

    ``state`` is the letter's: ask for it, note it is already published (``url``), or leave it out.
    ``status`` is the ledger's: asked until a person records that it was received (the attachment
    and page that are it), partly received, published online (the URL, with no attachment),
    refused (the body's reason, quoted), not held, or not applicable. An item the letter did not
    ask for has the status its state implies (published online, not applicable) and no other.
    """

    class State(models.TextChoices):
        ASK = "ask", "Ask for it"
        PUBLISHED = "published", "Already published"
        NOT_APPLICABLE = "n/a", "Not applicable"

    Status = ItemStatus

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="item_states")
    item = models.ForeignKey(RequestedItem, on_delete=models.CASCADE, related_name="recipient_states")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ASK)
    title = models.CharField(
        max_length=300, blank=True, help_text="What this body calls the item, when not the item's label"
    )
    url = models.URLField(max_length=500, blank=True, help_text="Where it is published")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASKED)
    status_note = models.TextField(
        blank=True, help_text="Why (a refusal's reason, quoted), or what is missing, or how it came"
    )
    evidence_url = models.URLField(max_length=500, blank=True, help_text="Where the body says it is published")
    evidence = models.ForeignKey(
        "documents.Attachment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence_for",
        help_text="The attachment that is (or holds) the item",
    )
    evidence_page = models.PositiveIntegerField(null=True, blank=True, help_text="The page of it where the item starts")
    status_at = models.DateTimeField(null=True, blank=True, help_text="When the status was last recorded")
    received_at = models.DateTimeField(null=True, blank=True, help_text="When it was recorded as received")
    changed_at = models.DateTimeField(
        auto_now=True, db_index=True, help_text="When it was last saved: the public pages' cache key reads it"
    )

    class Meta:
        ordering = ["recipient", "item__position", "item__key"]
        constraints = [
            models.UniqueConstraint("recipient", "item", name="recipient_item_unique"),
            # The database itself refuses a status that is not in the list.
            models.CheckConstraint(
                condition=models.Q(status__in=ItemStatus.values), name="recipient_item_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.key}: {self.state}, {self.status}"

    @property
    def asked(self) -> bool:
        """Whether the letter asks for it (only then does its status count towards an answer)."""
        return self.state == self.State.ASK

    @property
    def settled(self) -> bool:
        return self.status in SETTLED


# What leaves nothing more to wait for: the request is answered once every item asked for is one of these.
SETTLED = frozenset(
    {
        RecipientItem.Status.RECEIVED,
        RecipientItem.Status.PUBLISHED_ONLINE,
        RecipientItem.Status.REFUSED,
        RecipientItem.Status.NOT_HELD,
        RecipientItem.Status.NOT_APPLICABLE,
    }
)


def status_for_state(state: str) -> ItemStatus:
    """The status an item starts with: asked if the letter asks for it, else what the letter says of it."""
    if state == RecipientItem.State.PUBLISHED:
        return RecipientItem.Status.PUBLISHED_ONLINE
    if state == RecipientItem.State.NOT_APPLICABLE:
        return RecipientItem.Status.NOT_APPLICABLE
    return RecipientItem.Status.ASKED
