"""The error summary at the top of a form (templates/_error_summary.html): one link per field in error,
to the field's own id, so that a person who cannot see the whole page reaches each one.

`{% error_summary form formset … %}` takes forms, formsets and filter sets. A field in error links
to its widget (the first box of a group of choices, as Django numbers them); a form can name other
targets in `error_anchors` ({field name: element id}) when its page lays a field out otherwise.
"""

from __future__ import annotations

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()


def _anchor(form: forms.BaseForm, name: str) -> str | None:
    anchors = getattr(form, "error_anchors", None) or {}
    if name in anchors:
        return anchors[name]
    if name not in form.fields:
        return None
    field = form[name]
    if field.is_hidden or not field.auto_id:
        return None
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect):  # and CheckboxSelectMultiple, its subclass
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


def _label(form: forms.BaseForm, name: str) -> str:
    if name in form.fields and form.fields[name].label:
        return str(form.fields[name].label)
    return ""


def _entries(obj, out: list[dict]) -> None:
    if isinstance(obj, BaseFormSet):
        if not obj.is_bound:
            return
        for error in obj.non_form_errors():
            out.append({"href": None, "label": "", "message": error})
        for form in obj.forms:
            if not (obj.can_delete and obj._should_delete_form(form)):
                _entries(form, out)
        return
    if not isinstance(obj, forms.BaseForm):
        obj = getattr(obj, "form", None)  # a filter set
        if not isinstance(obj, forms.BaseForm):
            return
    if not obj.is_bound:
        return
    for name, errors in obj.errors.items():
        href = None if name == forms.forms.NON_FIELD_ERRORS else _anchor(obj, name)
        label = "" if name == forms.forms.NON_FIELD_ERRORS else _label(obj, name)
        for error in errors:
            out.append({"href": href, "label": label, "message": error})


def error_entries(*objects) -> list[dict]:
    """Each error of the forms, formsets and filter sets given: {"href", "label", "message"}."""
    out: list[dict] = []
    for obj in objects:
        if obj is not None and obj != "":
            _entries(obj, out)
    return out


@register.inclusion_tag("_error_summary.html")
def error_summary(*objects):
    return {"errors": error_entries(*objects)}
