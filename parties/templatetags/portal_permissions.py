"""`{% if user|can:"profile.edit" %}`: templates ask the one permission table too."""

from __future__ import annotations

from django import template

from parties.permissions import can as _can

register = template.Library()


@register.filter
def can(user, capability: str) -> bool:
    return _can(user, capability)
