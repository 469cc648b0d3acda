"""Forms of a campaign's setup pages: references, requested items, recipients from the directory, fields."""

from __future__ import annotations

from typing import Any

from django import forms

from docket.campaigns.actions import FIELD_CHARS
from docket.campaigns.models import Reference, RequestedItem, key_validator
from docket.directory.models import Tag
from docket.web.form_messages import GovukMessages


class ReferenceForm(GovukMessages, forms.ModelForm[Reference]):
    class Meta:
        model = Reference
        fields = ["key", "author", "year", "title", "url"]
        labels = {"key": "Key", "url": "Web address"}
        help_texts = {
            "key": 'How the letter cites it: cite("key"). Lower-case letters, digits and underscores.',
            "year": "For example 2020",
        }


class ItemForm(GovukMessages, forms.ModelForm[RequestedItem]):
    class Meta:
        model = RequestedItem
        fields = ["key", "label"]
        labels = {"label": "What it is called in the letter"}
        help_texts = {
            "key": "A short name for columns and templates, for example strategy. Lower-case letters, digits, _.",
            "label": "For example: your Violence Reduction Unit's Response Strategy",
        }


class ItemLabelForm(GovukMessages, forms.ModelForm[RequestedItem]):
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
