"""Forms of a campaign's setup pages: references, requested items, recipients from the directory, fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from docket.campaigns.actions import FIELD_CHARS
from docket.campaigns.models import Reference, RequestedItem, key_validator
from docket.directory.models import Tag
from docket.web.form_messages import GovukMessages

# A reference's year as footnotes print it: 2020, 2020a (a second work that year), a range (2019-2021,
# 2021/22) or n.d. (no date), as the letters Docket learns from write them. One pass, nothing to backtrack.
YEAR = re.compile(r"[0-9]{4}[a-z]?|[0-9]{4}[-\u2013/](?:[0-9]{2}|[0-9]{4})|n\.d\.")


class ReferenceForm(GovukMessages, forms.ModelForm[Reference]):
    class Meta:
        model = Reference
        fields = ["key", "author", "year", "title", "url"]
        labels = {"key": "Key", "url": "Web address"}
        help_texts = {
            "key": 'How the letter cites it: cite("key"). Lower-case letters, digits and underscores.',
            "year": "For example 2020, or 2019-2021 for a range, or n.d. if it has no date. Blank prints none.",
        }

    def clean_year(self) -> str:
        year = str(self.cleaned_data.get("year") or "").strip()
        if year and not YEAR.fullmatch(year):
            raise forms.ValidationError(
                "Enter the year as 4 digits, for example 2020, or a range like 2019-2021, or n.d. if it has no date",
                code="invalid",
            )
        return year


ITEM_NOUNS = {"label": "what the item is called in the letter"}


class ItemForm(GovukMessages, forms.ModelForm[RequestedItem]):
    nouns = ITEM_NOUNS

    class Meta:
        model = RequestedItem
        fields = ["key", "label"]
        labels = {"label": "What it is called in the letter"}
        help_texts = {
            "key": "A short name for columns and templates, for example strategy. Lower-case letters, digits, _.",
            "label": "For example: your Violence Reduction Unit's Response Strategy",
        }


class ItemLabelForm(GovukMessages, forms.ModelForm[RequestedItem]):
    nouns = ITEM_NOUNS

    class Meta:
        model = RequestedItem
        fields = ["label"]
        labels = {"label": "What it is called in the letter"}


NOTHING_CHOSEN = "Type a body name, or choose a kind or a tag, to find bodies"


class RecipientSearchForm(GovukMessages, forms.Form):
    q = forms.CharField(required=False, label="Body name", max_length=200)
    kind = forms.ChoiceField(required=False, label="Kind")
    tag = forms.ModelChoiceField(queryset=Tag.objects.all(), required=False, to_field_name="name", label="Tag")

    def __init__(self, data: object = None, *, kinds: list[str]) -> None:
        super().__init__(data)  # type: ignore[arg-type]  # a QueryDict or None
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any kind"), *((kind, kind) for kind in kinds)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.values()):
            self.add_error("q", NOTHING_CHOSEN)
        return data


class NewFieldForm(GovukMessages, forms.Form):
    name = forms.CharField(
        max_length=100,
        validators=[key_validator],
        label="New field's name",
        help_text="Used in the letter as fields.NAME: lower-case letters, digits and underscores",
    )
    value = forms.CharField(
        required=False,
        max_length=FIELD_CHARS,
        label="Value for every recipient",
        help_text="Leave blank to fill in each",
    )


class RenameFieldForm(GovukMessages, forms.Form):
    old = forms.ChoiceField(label="Field")
    new = forms.CharField(max_length=100, validators=[key_validator], label="New name")

    def __init__(self, data: object = None, *, names: list[str]) -> None:
        super().__init__(data)  # type: ignore[arg-type]  # a QueryDict or None
        field = self.fields["old"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in names]


class RecipientsFileForm(GovukMessages, forms.Form):
    file = forms.FileField(
        label="Recipients file",
        help_text="CSV or Excel (.xlsx), headers in the first row: body, full_name, email, field:NAME, item:KEY…",
    )
