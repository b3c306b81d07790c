"""What the activity form's page needs beside the forms: the buttons' state, a line added without
JavaScript, files kept across a post in error, and the plan's actions and the Parties laid out in
groups.

The page posts one of its buttons as `action`: `draft` ("Save draft") or `submit` ("Submit"), which
become the activity's state; a post without either (an older page, a script) may still send `state`.
`add_line` (`financing` or `partners`) asks for the same form again with one more empty line,
nothing saved.
"""

from __future__ import annotations

from itertools import groupby

from django.forms.utils import ErrorDict, ErrorList

from core.uploads import pending_keep
from parties.forms import choice_boxes, chosen_values, party_picker_groups

from . import selectors
from .models import Activity

BUTTON_STATES = {"draft": Activity.State.DRAFT, "submit": Activity.State.SUBMITTED}
LINE_PREFIXES = ("financing", "partners")


def adding_line(request) -> str | None:
    """The formset a post asks one more line of (the "Add a line" buttons), or None."""
    if request.method != "POST":
        return None
    prefix = request.POST.get("add_line")
    return prefix if prefix in LINE_PREFIXES else None


def posted_data(request, *, instance: Activity | None, max_lines: int):
    """The POST as the forms read it: the button's state, and one more line when one is asked for."""
    data = request.POST.copy()
    button = data.get("action")
    if button in BUTTON_STATES:
        data["state"] = BUTTON_STATES[button]
    elif not data.get("state"):
        data["state"] = instance.state if instance is not None else Activity.State.DRAFT
    prefix = adding_line(request)
    if prefix:
        key = f"{prefix}-TOTAL_FORMS"
        try:
            total = int(data.get(key, "0"))
        except ValueError:
            total = 0
        data[key] = str(min(max(total, 0) + 1, max_lines))
    return data


def quiet(form, *formsets) -> None:
    """Validate, then show no error: the page comes back with a line added, not as a failed save."""
    form.is_valid()
    form._errors = ErrorDict()
    for formset in formsets:
        formset.is_valid()
        formset._non_form_errors = ErrorList()
        formset._errors = [ErrorDict() for _form in formset.forms]
        for each in formset.forms:
            each._errors = ErrorDict()


def uploads_keep(form, *, user) -> list[dict]:
    """The valid documents of a post that is not saved, kept server-side: [{"token", "name"}]."""
    if not hasattr(form, "cleaned_data"):
        return []
    kept = []
    for upload in form.cleaned_data.get("documents") or []:
        token = getattr(upload, "pending_token", None)
        if token:
            kept.append({"token": token, "name": upload.name})
        else:
            kept.append(pending_keep(upload, user_id=user.pk, content_type=upload.sniffed_type))
    return kept


def choice_outline(form, *, user) -> dict:
    """The plan's actions under their areas with their items, and the Parties under their groups,
    each box with its id and whether it is ticked. Three queries, whatever the plan's size."""
    action_ids, action_labels = choice_boxes(form, "actions")
    item_ids, _item_labels = choice_boxes(form, "items")
    actions_chosen, items_chosen = chosen_values(form, "actions"), chosen_values(form, "items")
    areas = []
    for area, actions in groupby(selectors.plan_outline(form.plan), key=lambda a: a.area):
        rows = []
        for action in actions:
            key = str(action.pk)
            items = [
                {"item": item, "id": item_ids.get(str(item.pk)), "checked": str(item.pk) in items_chosen}
                for item in action.items.all()
                if str(item.pk) in item_ids
            ]
            rows.append(
                {
                    "action": action,
                    "id": action_ids.get(key),
                    "label": action_labels.get(key, action.code),
                    "checked": key in actions_chosen,
                    "items": items,
                }
            )
        areas.append({"area": area, "actions": rows})

    own = user.party_id if "party" not in form.fields else None  # a contact point's own Party
    groups = party_picker_groups(form, "other_parties", exclude=own)
    return {"areas": areas, "party_groups": groups}
