from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def attr_value(obj, name: str):
    return getattr(obj, name, "")


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None
