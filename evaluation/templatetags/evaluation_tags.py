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


@register.filter
def label_chars(value, chars):
    """{{ a.text|label_chars:300 }}: a figures label (`{"text", "lang"}`) cut to `chars` characters,
    still marked when it is English standing in for a missing translation (see the `content` filter)."""
    from django.template.defaultfilters import truncatechars

    from core.templatetags.content import content

    if isinstance(value, dict) and "text" in value:
        value = {**value, "text": truncatechars(value.get("text") or "", int(chars))}
        return content(value)
    return truncatechars(value or "", int(chars))


@register.filter
def change(value, arg=""):
    """{{ c.delta|change }}: a change between two years, signed (+3, -2, 0); "–" where one year has
    no value; {{ f.delta|change:"money" }} for amounts (stored as text)."""
    if value is None or value == "":
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if arg == "money":
        text = money(value)
    else:  # a rate is a float: written as the page writes numbers in its language (50,0 in Russian)
        from django.utils.formats import localize

        text = localize(value)
    return f"+{text}" if number > 0 else text
