"""The form renderer (settings.FORM_RENDERER): Django's, with the common widgets written in Python.

Django renders every widget, every <option> and every checkbox through a template and its
includes: the activity filters (146 options) took about 50 ms a request that way, the activity
form about as much. These functions write the very markup of Django's templates
(django/forms/widgets/: select, select_option, checkbox_select, radio, multiple_input,
input_option, input and its kinds, textarea, attrs), byte for byte and escaped the same way
(tests/core/test_forms_renderer.py compares them on every form of the activity pages).
Every other template (file inputs with a current file, multi-widgets) goes to Django's renderer.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {name}")
        else:
            out.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the template file's last newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(widget: dict) -> str:
    """input.html, without its file's last newline."""
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _choice_option(option: dict) -> str:
    """checkbox_option.html and radio_option.html: input_option.html with its label wrapped around
    the input (always so for Django's choice widgets), with the included files' newlines."""
    label_for = option["attrs"].get("id")
    opening = f'<label for="{conditional_escape(label_for)}">' if label_for else "<label>"
    return f"{opening}{_input(option)}\n {conditional_escape(option['label'])}</label>\n\n"


def _multiple_input(widget: dict) -> str:
    widget_id = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    parts = ["<div"]
    if widget_id:
        parts.append(f' id="{conditional_escape(widget_id)}"')
    if css:
        parts.append(f' class="{conditional_escape(css)}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_choice_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


_W = "django/forms/widgets/"
# Django's template name -> the same markup, written in Python (Django strips a widget's output).
QUICK = {
    _W + "select.html": _select,
    _W + "checkbox_select.html": _multiple_input,
    _W + "radio.html": _multiple_input,
    _W + "textarea.html": _textarea,
    **{
        f"{_W}{kind}.html": _input
        for kind in (
            "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime",
            "time", "search", "tel", "color", "checkbox", "file",
        )
    },
}  # fmt: skip
# The option templates the functions above stand for: a widget whose options name another one
# is rendered by Django's templates, whole.
OPTION_TEMPLATES = {
    _W + "select.html": {_W + "select_option.html"},
    _W + "checkbox_select.html": {_W + "checkbox_option.html"},
    _W + "radio.html": {_W + "radio_option.html"},
}


class QuickChoicesRenderer(DjangoTemplates):
    """Django's renderer, which reads the widget templates from Django itself before any app, so
    no project template can stand in for the ones written here. The one field template
    (`{{ field.as_field_group }}`) is the project's own, read through the project's templates."""

    field_template_name = "forms/field.html"

    def get_template(self, template_name):
        if template_name == self.field_template_name:
            return get_template(template_name)
        return super().get_template(template_name)

    def render(self, template_name, context, request=None):
        quick = QUICK.get(template_name)
        widget = context.get("widget") if quick else None
        if widget is not None and all(
            option.get("template_name") in OPTION_TEMPLATES[template_name]
            and (option["template_name"].endswith("select_option.html") or option.get("wrap_label"))
            for _group, options, _index in widget.get("optgroups", ())
            for option in options
        ):
            return mark_safe(quick(widget))
        return super().render(template_name, context, request=request)
