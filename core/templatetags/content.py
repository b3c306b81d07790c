"""Showing content in the reader's language, marking English that stands in for a missing Russian.

    {% load content %}
    {% tr action "text" %}                 the action's text in the reader's language
    {% tr action "text" chars=240 %}       truncated (truncatechars)
    {% tr action "text" words=14 %}        truncated (truncatewords)
    {% tr meeting "description" lines=True %}  line breaks kept (linebreaksbr)
    {{ row.party|content }}                a label from cached or frozen figures ({"text", "lang"})
    {% blocktranslate with p=party|tr:"short_name" %}…{% endblocktranslate %}   inside a sentence
    {% block title %}{% blocktranslate with p=party|tr_plain:"short_name" %}…   bare, for <title>

A text in the reader's language is written as it is. English shown on a Russian page is wrapped in
`<span lang="en">` (so screen readers switch voice) followed by a visible note, never silently.
`{% tr obj "field" plain=True %}` gives the bare text, for attributes and <title>.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaksbr, truncatechars, truncatewords
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.translations import Text, current_language, localized

register = template.Library()


def _render(value: str, lang: str, *, chars=None, words=None, lines=False, plain=False) -> str:
    if chars:
        value = truncatechars(value, int(chars))
    elif words:
        value = truncatewords(value, int(words))
    if plain:
        return value
    html = linebreaksbr(value, autoescape=True) if lines else conditional_escape(value)
    if lang == current_language() or not value:
        return mark_safe(html)
    return format_html(
        '<span lang="{}" class="untranslated">{}</span> <small class="untranslated-note">({})</small>',
        lang,
        html,
        _("not yet translated"),
    )


@register.simple_tag
def tr(obj, field, chars=None, words=None, lines=False, plain=False):
    text = localized(obj, field)
    return _render(text.value, text.lang, chars=chars, words=words, lines=lines, plain=plain)


@register.filter(name="tr")
def tr_filter(obj, field):
    """`{% blocktranslate with p=party|tr:"short_name" %}`: the marked text, for use inside a sentence."""
    text = localized(obj, field)
    return _render(text.value, text.lang)


@register.filter
def tr_plain(obj, field):
    """The bare text in the reader's language (English standing in), for <title> and attributes."""
    return localized(obj, field).value


@register.filter
def content(value, arg=""):
    """A label from figures (`{"text", "lang"}`), a Text, or a plain string (shown as it is);
    `|content:"lines"` keeps its line breaks."""
    lines = arg == "lines"
    if isinstance(value, Text):
        return _render(value.value, value.lang, lines=lines)
    if isinstance(value, dict) and "text" in value:
        return _render(value.get("text") or "", value.get("lang") or current_language(), lines=lines)
    return value
