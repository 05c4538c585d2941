from django import template

from orgs.forms import places_above

register = template.Library()


@register.filter
def place(unit) -> str:
    """Where a node lies ("南昌市 / 湾里管理局"): names repeat across counties."""
    return " / ".join(places_above(unit))
