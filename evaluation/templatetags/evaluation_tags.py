from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ mapping|get:key }}: a dict lookup with a variable key (empty when missing)."""
    if mapping is None:
        return ""
    return mapping.get(key, mapping.get(str(key), "")) if hasattr(mapping, "get") else ""


@register.filter
def money(value) -> str:
    """1234567.5 -> '1,234,567.50' (amounts are stored as text in compiled figures)."""
    try:
        return f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value)
