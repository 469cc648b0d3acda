"""Public bodies, their contacts and the tags that group them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify

# A name goes into mail headers and address blocks: a line break there would end the header (or forge
# another, such as Bcc:) and break the address. Addresses have a field of their own, one line per line.
one_line = RegexValidator(r"[\r\n]", inverse_match=True, message="This must be one line: remove the line break.")


class Tag(models.Model):
    """A label for grouping bodies, such as "VRU area"."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Body(models.Model):
    """A public body: a Police and Crime Commissioner, a council, a trust."""

    name = models.CharField(max_length=200, unique=True, validators=[one_line])
    kind = models.CharField(
        max_length=100,
        blank=True,
        help_text="For example: Police and Crime Commissioner",
        validators=[one_line],
    )
    area = models.CharField(
        max_length=100,
        blank=True,
        help_text="The area it serves, for example: Hampshire",
        validators=[one_line],
    )
    website = models.URLField(blank=True)
    phone = models.CharField(
        max_length=50,
        blank=True,
        help_text="Its public switchboard number: published on purpose, so never redacted as a person's",
        validators=[one_line],
    )
    email = models.EmailField(
        blank=True, help_text="Its public mailbox (enquiries, FOI): published on purpose, so never redacted"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="bodies")
    slug = models.SlugField(
        max_length=220,
        unique=True,
        editable=False,
        help_text="The body's name in public addresses; given once, so a page keeps its address if the body is renamed",
    )
    retired = models.BooleanField(
        default=False,
        help_text="No longer written to (abolished, merged): kept with its requests, left out of new campaigns",
    )
    changed_at = models.DateTimeField(
        auto_now=True, db_index=True, help_text="When it was last saved: the public pages' cache key reads it"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name

    def save(self, **kwargs: Any) -> None:
        if not self.slug:
            # Only the slugs that could clash (base, base-2…): reading every body's slug made adding
            # a body cost a read of the whole directory, and an import of n bodies n² work.
            similar = Body.objects.exclude(pk=self.pk).filter(slug__startswith=slug_base(self.name))
            self.slug = unique_slug(self.name, similar.order_by().values_list("slug", flat=True))
        super().save(**kwargs)


def slug_base(name: str) -> str:
    return slugify(name)[:200] or "body"


def unique_slug(name: str, taken: Iterable[str]) -> str:
    """``name`` as a slug, with ``-2``, ``-3``… when another body has it (names that differ only in
    punctuation, such as "St. Helens" and "St Helens", slugify alike)."""
    base = slug_base(name)
    used = set(taken)
    slug, number = base, 1
    while slug in used:
        number += 1
        slug = f"{base}-{number}"
    return slug


class Contact(models.Model):
    """A person (or an office's shared mailbox) at a body that letters are addressed to.

    A contact is identified by its email address when it has one, otherwise by its
    body and full name; imports rely on this to update rather than duplicate.
    """

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="contacts")
    full_name = models.CharField(max_length=200, validators=[one_line])
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="The line under the name in the address block",
        validators=[one_line],
    )
    salutation = models.CharField(
        max_length=100,
        blank=True,
        help_text='As in "Dear …": a first name or a title',
        validators=[one_line],
    )
    email = models.EmailField(blank=True)
    address_lines = models.TextField(blank=True, help_text="One line of the postal address per line")
    postcode = models.CharField(max_length=16, blank=True, validators=[one_line])
    retired = models.BooleanField(
        default=False, help_text="Left the body, or the mailbox closed: kept with its requests, not in new campaigns"
    )

    class Meta:
        ordering = ["body__name", "full_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="contact_email_unique",
                condition=~models.Q(email=""),
                violation_error_message="Another contact already has this email address.",
            ),
            models.UniqueConstraint(
                "body",
                "full_name",
                name="contact_name_unique_without_email",
                condition=models.Q(email=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.body.name})"

    @property
    def address(self) -> list[str]:
        return [line for line in self.address_lines.splitlines() if line.strip()]
