from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """mark_item_received -> mark item received"""
    return str(value).replace("_", " ")
