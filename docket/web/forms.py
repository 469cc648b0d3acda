"""The workspace's forms, styled by the templates (GOV.UK Frontend classes)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from docket.campaigns.copying import COPIED_SETTINGS, RESERVED_SLUGS, suggest_slug
from docket.campaigns.models import Campaign, Office, RecipientItem
from docket.directory.models import Body, Contact, Tag
from docket.letters.images import MOST_BYTES, picture_problem
from docket.letters.template_limits import MAX_SOURCE
from docket.letters.wording import long_date
from docket.mail.actions import LARGEST_LIMIT
from docket.requests.letters import chaser_template_problem
from docket.web.access import ROLES
from docket.web.form_ids import id_or_none
from docket.web.form_messages import GovukMessages


class TemplateForm(GovukMessages, forms.ModelForm[Campaign]):
    class Meta:
        model = Campaign
        fields = ["template_source"]
        labels = {"template_source": "Letter template"}

    def clean_template_source(self) -> str:
        """A template no letter could be made from (too long to read) is not saved: the page says why."""
        source = str(self.cleaned_data.get("template_source") or "")
        if len(source) > MAX_SOURCE:
            raise forms.ValidationError(
                f"The letter template must be {MAX_SOURCE:,} characters or fewer; it is {len(source):,}"
            )
        return source


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (the GOV.UK Design System advises against the
    browser's own date picker). ``web/_field.html`` draws it; its errors link to the day box."""

    govuk_date = True

    def __init__(self) -> None:
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput() for part in ("day", "month", "year")
        }
        super().__init__(boxes)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, str):  # an initial value given as text (2026-12-01)
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        return [value.day, value.month, value.year] if isinstance(value, datetime.date) else [None, None, None]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else ""


# A month may be typed as its name or the name's first three letters, as the GOV.UK Design System asks.
NAMES: tuple[str, ...] = ("january", "february", "march", "april", "may", "june")
NAMES += ("july", "august", "september", "october", "november", "december")
MONTHS = {name: number for number, full in enumerate(NAMES, 1) for name in (full, full[:3])} | {"sept": 9}


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, told wrong in the GOV.UK Design System's words."""

    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        # Each box may be empty: ``compress`` says which are missing, in words ("must include a month").
        parts = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> datetime.date | None:
        day, month, year = [str(part or "").strip() for part in [*data_list, "", "", ""][:3]]
        if not (day or month or year):
            return None
        named = str(self.label or "The date")
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{named} must include a {' and a '.join(missing)}")
        month = str(MONTHS[month.lower().rstrip(".")]) if month.lower().rstrip(".") in MONTHS else month  # "Dec"
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{named} must be a real date, for example 1 12 2026")
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # OverflowError: a day of twenty digits
            raise forms.ValidationError(f"{named} must be a real date, for example 1 12 2026") from None


EARLIEST_LETTER_DATE = datetime.date(1900, 1, 1)
LETTER_DATE_YEARS_AHEAD = 5


def _letter_date_in_range(value: datetime.date | None) -> None:
    """Refuse a letter date no letter could carry (31 12 9999 ran every reply-by date off the calendar)."""
    if value is None:
        return
    today = timezone.localdate()
    try:
        latest = today.replace(year=today.year + LETTER_DATE_YEARS_AHEAD)
    except ValueError:  # 29 February, five years on
        latest = today.replace(year=today.year + LETTER_DATE_YEARS_AHEAD, day=28)
    if not EARLIEST_LETTER_DATE <= value <= latest:
        raise forms.ValidationError(
            f"The letter date must be between {long_date(EARLIEST_LETTER_DATE)} and {long_date(latest)}",
            code="out_of_range",
        )


def _letter_date() -> GovukDateField:
    return GovukDateField(
        required=False,
        label="Letter date",
        help_text="The date the letters carry, for example 1 12 2026",
        validators=[_letter_date_in_range],
    )


RESPONSE_DAYS_HELP = (
    "Working days (England and Wales) a body has to reply, from the day of sending. A letter that prints its "
    "reply-by date ({{ due_date }}) counts them from the letter's date instead, so a letter dated earlier "
    "than it is sent gives less time."
)


CHASER_HELP = (
    "The chaser's text, written like the letter: a blank line starts a paragraph, and "
    "{{ fields.NAME }} prints a recipient's field. Leave it empty to use Docket's standard chaser."
)


def _checked_chaser_template(form: forms.ModelForm[Campaign]) -> str:
    """The chaser template, refused when saved if it cannot make a chaser (as the daily chasing would find)."""
    source = str(form.cleaned_data.get("chaser_template") or "")
    if problem := chaser_template_problem(source):
        raise forms.ValidationError(problem)
    return source


class CampaignSettingsForm(GovukMessages, forms.ModelForm[Campaign]):
    letter_date = _letter_date()

    def clean_chaser_template(self) -> str:
        return _checked_chaser_template(self)

    class Meta:
        model = Campaign
        # the settings a copy starts from, what makes it new, and how its replies are coded
        fields = ["title", "letter_date", *COPIED_SETTINGS]
        widgets = {"chaser_template": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"response_working_days": RESPONSE_DAYS_HELP, "chaser_template": CHASER_HELP}


class ContactForm(GovukMessages, forms.ModelForm[Contact]):
    class Meta:
        model = Contact
        fields = ["full_name", "role", "salutation", "email", "address_lines", "postcode"]
        widgets = {"address_lines": forms.Textarea(attrs={"rows": 5})}


class ItemStateForm(GovukMessages, forms.ModelForm[RecipientItem]):
    class Meta:
        model = RecipientItem
        fields = ["state", "title", "url"]
        labels = {"url": "Web address"}  # the model field's own name would show as "Url"


class FieldsForm(GovukMessages, forms.Form):
    """Per-recipient template fields, one text box each (the campaign's field names)."""

    def __init__(self, data: QueryDict | None = None, *, names: list[str], initial_values: dict[str, str]) -> None:
        super().__init__(data)
        for name in names:
            self.fields[name] = forms.CharField(
                required=False, initial=initial_values.get(name, ""), widget=forms.Textarea(attrs={"rows": 2})
            )


class SignInForm(AuthenticationForm):
    """Sign in with one's email address as typed: its case does not matter ("Ana@Office.example"), as a
    username is the address (the spaces around it are already stripped by the field)."""

    def clean_username(self) -> str:
        typed = str(self.cleaned_data["username"])
        known = User.objects.filter(username__iexact=typed).order_by("pk").values_list("username", flat=True)
        return known.first() or typed


class OfficeForm(GovukMessages, forms.ModelForm[Office]):
    """The office profile; a logo or signature is kept only if it is a PNG or JPEG picture a letter can print
    (any other file would stop every letter's PDF), and either can be removed ("Remove the logo")."""

    class Meta:
        model = Office
        exclude: list[str] = []
        widgets = {"address_lines": forms.Textarea(attrs={"rows": 4})}

    def clean_logo(self) -> Any:
        return self._picture("logo")

    def clean_signature(self) -> Any:
        return self._picture("signature")

    def _picture(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        if not isinstance(upload, UploadedFile):  # not a new upload: kept as it was, removed, or none
            return upload
        what = str(self.fields[name].label)
        if (upload.size or 0) > MOST_BYTES:
            raise forms.ValidationError(
                f"The {what.lower()} must be smaller than {MOST_BYTES // (1024 * 1024)} MB", code="too_large"
            )
        problem = picture_problem(upload)
        upload.seek(0)
        if problem == "is not a PNG or JPEG picture":
            raise forms.ValidationError(
                f"The {what.lower()} must be a PNG or JPEG picture; this file is not one", code="not_a_picture"
            )
        if problem:
            raise forms.ValidationError(f"The {what.lower()} {problem}", code="not_a_picture")
        return upload


class ChoicesById(forms.ModelMultipleChoiceField[Any]):
    """Ticked objects by id; a value no id could be (letters, 40 digits) is "not a valid choice",
    never a query that overflows the database's integer (Django's own field lets OverflowError through)."""

    def clean(self, value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        for one in values:
            if one not in ("", None) and id_or_none(one) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(one)[:40]}
                )
        return super().clean(value)


class NewUserForm(GovukMessages, forms.Form):
    email = forms.EmailField(max_length=150)
    role = forms.ChoiceField(choices=[(role, role.title()) for role in ROLES])
    campaigns = ChoicesById(
        queryset=Campaign.objects.order_by("title"),
        required=False,
        label="Campaign teams",
        help_text="The campaigns they work on (an admin sees every campaign)",
    )
    password = forms.CharField(
        widget=forms.PasswordInput,
        min_length=settings.PASSWORD_MIN_LENGTH,
        max_length=200,
        required=False,
        help_text=(
            f"At least {settings.PASSWORD_MIN_LENGTH} characters, to give them yourself: they choose their own when "
            "they first sign in. "
            "Or leave it blank, and they are emailed a link to choose their own"
        ),
    )

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).lower()
        if User.objects.filter(username__iexact=email).exists():
            raise forms.ValidationError("There is already an account with this email address")
        return email


class UploadForm(GovukMessages, forms.Form):
    file = forms.FileField(help_text="An email (.eml), a mailbox (.mbox), or a document that came another way")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a document that is not an email: what it is and where it came from, for example “posted to us”",
    )


class NoteForm(GovukMessages, forms.Form):
    note = forms.CharField(required=False, max_length=2000)


class BodyForm(GovukMessages, forms.ModelForm[Body]):
    """A body's details and its tags: ticked ones, and new ones typed separated by ";"."""

    new_tags = forms.CharField(
        required=False, max_length=500, label="New tags", help_text='Separated by ";", for example: VRU area; Wales'
    )

    class Meta:
        model = Body
        fields = ["name", "kind", "area", "website", "phone", "email", "tags"]
        widgets = {"tags": forms.CheckboxSelectMultiple}
        field_classes = {"tags": ChoicesById}
        labels = {"phone": "Switchboard phone number", "email": "General email address"}
        help_texts = {
            "phone": "The body's switchboard, not a person's number. Published as it is: never redacted.",
            "email": (
                "The body's generic mailbox (for example foi@ or enquiries@), not a person's address. "
                "Published as it is: never redacted."
            ),
        }

    def clean_new_tags(self) -> list[str]:
        names = [name.strip() for name in str(self.cleaned_data["new_tags"]).split(";") if name.strip()]
        if too_long := [name for name in names if len(name) > 100]:
            raise forms.ValidationError(f"A tag is at most 100 characters: {too_long[0][:40]}…")
        return names


class DirectorySearchForm(GovukMessages, forms.Form):
    q = forms.CharField(required=False, label="Name", max_length=200)
    kind = forms.ChoiceField(required=False, label="Kind")
    tag = forms.ModelChoiceField(queryset=Tag.objects.all(), required=False, to_field_name="name", label="Tag")
    retired = forms.BooleanField(required=False, label="Show retired bodies")

    def __init__(self, data: QueryDict | None = None) -> None:
        super().__init__(data)
        kinds = Body.objects.exclude(kind="").order_by("kind").values_list("kind", flat=True).distinct()
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any kind"), *((kind, kind) for kind in kinds)]


class ImportFileForm(GovukMessages, forms.Form):
    file = forms.FileField(
        label="Contacts file", help_text="CSV or Excel (.xlsx), headers in the first row: body, full_name, email…"
    )


class NewCampaignForm(GovukMessages, forms.ModelForm[Campaign]):
    letter_date = _letter_date()
    """A new campaign's settings; ``copy_from`` (a campaign's slug) copies its letter, references and items."""

    copy_from = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), required=False, to_field_name="slug", widget=forms.HiddenInput
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "slug",
            "letter_date",
            "email_subject",
            "office",
            "response_working_days",
            "very_overdue_working_days",
            "max_chasers",
            "chase_interval_working_days",
            "chaser_template",
            "double_coding",
        ]
        labels = {"slug": "Address"}
        help_texts = {
            "slug": "The campaign's name in links: lower-case letters, digits and hyphens. "
            "Leave it blank to make one from the title.",
            "response_working_days": RESPONSE_DAYS_HELP,
            "chaser_template": CHASER_HELP,
        }
        widgets = {"chaser_template": forms.Textarea(attrs={"rows": 6})}

    def __init__(
        self, data: QueryDict | None = None, *, sources: QuerySet[Campaign], initial: dict[str, Any] | None = None
    ) -> None:
        super().__init__(data, initial=initial)
        self.fields["slug"].required = False
        copy_from = self.fields["copy_from"]
        assert isinstance(copy_from, forms.ModelChoiceField)
        copy_from.queryset = sources

    def clean_chaser_template(self) -> str:
        return _checked_chaser_template(self)

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data.get("slug") or "")
        if slug and not re.fullmatch(r"[a-z0-9-]+", slug):  # as the hint says; Django's slug allows more
            label = self.fields["slug"].label
            raise forms.ValidationError(f"{label} can only use lower-case letters, digits and hyphens")
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"{slug!r} is a word the workspace uses: choose another address.")
        return slug

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = suggest_slug(str(cleaned["title"]), Campaign.objects.values_list("slug", flat=True))
            self.instance.slug = cleaned["slug"]
        return cleaned


class LimitField(forms.CharField):
    """A mail server's limit: a whole number of 1 or more (10,000 and 10 000 too), or empty for no limit."""

    def __init__(self, *, label: str, example: str, largest: int) -> None:
        super().__init__(label=label, required=False, max_length=20)
        self.example, self.largest = example, largest
        self.error_messages["max_length"] = self._words()

    def _words(self) -> str:
        return f"Enter a whole number, such as {self.example}, or leave it empty for no limit"

    def clean(self, value: Any) -> int | None:  # a number, not the text typed
        text = "".join(str(super().clean(value)).replace(",", "").split())
        if not text:
            return None
        if not text.isascii() or not text.isdigit():
            raise forms.ValidationError(self._words(), code="invalid")
        number = int(text)
        if number < 1:
            raise forms.ValidationError(
                "Enter 1 or more: a limit of 0 would stop all sending (leave it empty for no limit)", code="min"
            )
        if number > self.largest:
            raise forms.ValidationError(f"Enter at most {self.largest:,}, or leave it empty for no limit", code="max")
        return number


class ServerLimitForm(GovukMessages, forms.Form):
    """One mail server's limits; ``servers``: those the page lists (no other may be set from it)."""

    server = forms.CharField(required=False, widget=forms.HiddenInput)  # checked against the list, whatever its length
    messages_per_minute = LimitField(label="Messages a minute", example="30", largest=LARGEST_LIMIT)
    recipients_per_day = LimitField(label="Recipients a day", example="10,000", largest=LARGEST_LIMIT)

    def __init__(self, data: QueryDict | None = None, *, servers: list[str], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.servers = servers

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("server", "") not in self.servers:  # a hidden field: said above the form, not at a box
            self.add_error(
                None, "This page sets the limits of the mail servers it lists, and no other: reload it and try again."
            )
        return cleaned
