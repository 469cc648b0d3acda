from django import template
from django.utils.safestring import SafeString, mark_safe

from docket.campaigns.item_names import the_item as item_in_a_sentence
from docket.web.reply_html import without_remote_images

register = template.Library()


@register.filter
def the_item(value: object) -> str:
    """ "Response strategy" -> "the Response strategy"; "a list of contracts" stays as it is."""
    return item_in_a_sentence(str(value))


@register.filter
def words(value: object) -> str:
    """mark_item_received -> mark item received"""
    return str(value).replace("_", " ")


@register.filter
def reply_html(value: str) -> SafeString:
    """A reply's sanitised HTML, its remote images replaced by a note (see ``web.reply_html``)."""
    return mark_safe(without_remote_images(value))  # noqa: S308 - sanitised by nh3 at intake and again here


# The colour of each ledger status's tag (GOV.UK Frontend's tag modifiers).
STATUS_TAGS = {
    "asked": "govuk-tag--grey",
    "received": "govuk-tag--green",
    "partly_received": "govuk-tag--yellow",
    "published_online": "govuk-tag--turquoise",
    "refused": "govuk-tag--red",
    "not_held": "govuk-tag--purple",
    "not_applicable": "govuk-tag--grey",
}


@register.filter
def status_tag(status: str) -> str:
    """The tag class for a ledger status: ``{{ item.status|status_tag }}``."""
    return STATUS_TAGS.get(status, "govuk-tag--grey")


@register.filter
def thousands(value: int | None) -> str:
    """10000 as '10,000' (a limit, a count); None as ''."""
    return "" if value is None else f"{value:,}"


@register.filter
def of(mapping: dict[object, object], key: object) -> object:
    """``mapping[key]``, or None: ``{{ bodies_public|of:request.pk }}``."""
    return mapping.get(key)
