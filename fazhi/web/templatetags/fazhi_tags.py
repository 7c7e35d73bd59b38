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


@register.filter
def get_list(mapping, key) -> list[str]:
    """The values of ``key`` as strings: a QueryDict's list, or a plain mapping's list."""
    if mapping is None:
        return []
    if hasattr(mapping, "getlist"):
        values = mapping.getlist(key)
    else:
        values = mapping.get(key) or []
        if not isinstance(values, list | tuple):
            values = [values]
    return [str(v) for v in values]
