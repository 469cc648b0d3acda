from django import template
from django.utils.safestring import SafeString, mark_safe

from docket.web.reply_html import without_remote_images

register = template.Library()


@register.filter
def words(value: object) -> str:
    """mark_item_received -> mark item received"""
    return str(value).replace("_", " ")


@register.filter
def reply_html(value: str) -> SafeString:
    """A reply's sanitised HTML, its remote images replaced by a note (see ``web.reply_html``)."""
    return mark_safe(without_remote_images(value))  # noqa: S308 - sanitised by nh3 at intake and again here
