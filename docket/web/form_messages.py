"""Error messages in the GOV.UK Design System's words, made from each field's label, for every
workspace form: "Enter a title", "Address can only use lower-case letters, digits and hyphens",
"Response working days must be 250 or less"; not Django's "This field is required." or
"Ensure this value is less than or equal to 9223372036854775807.".

One mechanism (``GovukMessages``, mixed into each form) rather than messages written field by field:
a message the form sets itself (a ``LimitField``'s) is kept; only Django's defaults are replaced.
A label that does not read as a noun ("What it is called in the letter") is asked for in the form's own
words: its ``nouns`` ("what the item is called in the letter"), else the label without an article
("Select where it applies"), never "Enter a what it is called in the letter".
"""

from __future__ import annotations

from typing import Any

from django import forms

# What to ask for where "a <label>" does not read well: "Enter <noun>", "Select <noun>".
NOUNS = {
    "response_working_days": "the number of working days a body has to reply",
    "very_overdue_working_days": "the number of working days after the due date when a request is very overdue",
    "max_chasers": "the most chasers to send to one body",
    "chase_interval_working_days": "the number of working days between two chasers",
    "template_source": "the letter template",
    "address_lines": "the address",
    "file": "a file",
}


def _lower_first(label: str) -> str:
    """ "Email subject" -> "email subject"; an acronym ("URL", "CSV file") is left as it is."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


# A label beginning so is a clause, not a noun: it takes no article ("Select where it applies").
CLAUSE_WORDS = {"what", "where", "which", "who", "whom", "whose", "when", "how", "whether"}


def _noun(field: forms.Field, name: str, label: str) -> str:
    if name in NOUNS:
        return NOUNS[name]
    words = _lower_first(label)
    if isinstance(field, forms.EmailField) and "address" not in words:
        words += " address"  # "Enter an email address", as the GOV.UK Design System asks
    first = words.split(" ", 1)[0]
    if first in {"the", "a", "an"} | CLAUSE_WORDS:  # "The request": "Choose the request", not "a the request"
        return words
    if isinstance(field, forms.IntegerField):
        return f"the {words}"
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def govuk_messages(field: forms.Field, name: str, noun: str = "") -> dict[str, str]:
    """The messages for this field, by Django's error codes; ``%(limit_value)s`` is filled in by Django.
    ``noun``: what the form asks for, in its own words ("what the item is called in the letter")."""
    label = str(field.label or name.replace("_", " ").capitalize())
    subject = noun[:1].upper() + noun[1:] if noun else label
    noun = noun or _noun(field, name, label)
    named = subject.replace("%", "%%")  # for the messages Django fills with parameters
    choose = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.FileField)
    messages = {
        "required": f"{'Select' if choose else 'Enter'} {noun}",
        "max_length": f"{named} must be %(limit_value)d characters or fewer",
        "min_length": f"{named} must be %(limit_value)d characters or more",
        "max_value": f"{named} must be %(limit_value)s or less",
        "min_value": f"{named} must be %(limit_value)s or more",
        "unique": f"{subject} is already used: choose another",
        "invalid_choice": f"Choose {noun} from the list",
        "invalid_pk_value": f"Choose {noun} from the list",
    }
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{subject} must be a whole number, like 20"
    elif isinstance(field, forms.SlugField):
        messages["invalid"] = f"{subject} can only use lower-case letters, digits and hyphens"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = f"Enter {noun} in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        messages["invalid"] = f"Enter {noun} in the correct format, like https://www.example.org/page"
    elif isinstance(field, forms.FileField):
        messages |= {
            "invalid": "The selected file could not be read: choose it again",
            "missing": f"Select {noun}",
            "empty": "The selected file is empty",
            "max_length": "The selected file's name must be %(max)d characters or fewer",
            "contradiction": f"Choose a new {_lower_first(label)} or remove it, not both",
        }
    return messages


def _defaults(field: forms.Field) -> dict[str, Any]:
    """Django's own messages for this kind of field (what ``error_messages=`` did not replace)."""
    defaults: dict[str, Any] = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    return defaults


class GovukMessages:
    """Mixed into a form (before ``forms.Form`` or ``forms.ModelForm``): its fields' default messages,
    including those added after ``__init__`` and a model's validators' (by code), in GOV.UK words.
    ``nouns``: what a field whose label is not a noun asks for, by field name."""

    fields: dict[str, forms.Field]
    nouns: dict[str, str] = {}

    def full_clean(self) -> None:
        for name, field in self.fields.items():
            defaults = _defaults(field)
            for code, message in govuk_messages(field, name, self.nouns.get(name, "")).items():
                if code not in field.error_messages or field.error_messages[code] == defaults.get(code):
                    field.error_messages[code] = message
        super().full_clean()  # type: ignore[misc]  # a mixin: full_clean is the form's it is mixed into
