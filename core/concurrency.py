"""One stale-edit mechanism: a version on the row, one exception, one helper, one conflict screen.

An edit form carries the version it was opened at (a hidden `version` field). The service that
writes calls `locked_for_edit()` inside its transaction: the row is locked, its version compared
and moved on, or `StaleEdit` is raised and nothing is written. The view catches `StaleEdit` and
renders the page with `conflict_context()` (templates/_conflict.html): who saved and when, their
values beside the person's own, the person's input kept, and a choice to reload or to save again
deliberately (the form's version is set to the current one, so the next save overwrites knowingly).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class StaleEdit(Exception):
    """The record changed after the form was opened; nothing was written."""

    def __init__(self, current: Model):
        super().__init__(
            f"{current._meta.label} {current.pk} is at version {getattr(current, 'version', '?')}"
        )
        self.current = current


def parse_version(value) -> int | None:
    """The version a form or a POST carried, or None when it carried none (which is stale)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def locked_for_edit(source: type[M] | QuerySet[M], pk, version, *, bump: bool = True) -> M:
    """The row, locked until the transaction ends, with its version moved on by one (saved with the
    row by the caller). StaleEdit when `version` is missing or not the row's current version."""
    queryset = source._default_manager.all() if isinstance(source, type) else source
    current = queryset.select_for_update().get(pk=pk)
    if parse_version(version) != current.version:
        raise StaleEdit(current)
    if bump:
        current.version += 1
    return current


def _shown(instance: Model, name: str, value):
    field = instance._meta.get_field(name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if hasattr(value, "all"):  # a many-to-many manager
        value = list(value.all())
    if isinstance(value, list | tuple | set | QuerySet):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def last_change(current: Model) -> tuple[object | None, object | None]:
    """(who, when) of the last save: from the record's history where it keeps one, else its own
    `updated_by`/`updated_at`."""
    history = getattr(current, "history", None)
    if history is not None:
        entry = history.select_related("history_user").order_by("-history_date").first()
        if entry is not None:
            return entry.history_user, entry.history_date
    return getattr(current, "updated_by", None), getattr(current, "updated_at", None)


def conflict_context(current: Model, form, fields: Iterable[str], *, extra_rows: Iterable = ()) -> dict:
    """What templates/_conflict.html shows: who saved and when, and each field that differs with
    their value beside this person's. The form keeps the person's input; its version becomes the
    current one, so "save again" overwrites deliberately."""
    cleaned = getattr(form, "cleaned_data", {}) or {}
    rows = []
    for name in fields:
        theirs = _shown(current, name, getattr(current, name))
        mine = _shown(current, name, cleaned.get(name)) if name in cleaned else theirs
        if str(theirs) != str(mine):
            label = current._meta.get_field(name).verbose_name
            rows.append({"label": label, "theirs": theirs, "mine": mine})
    rows.extend(extra_rows)
    if form.is_bound and "version" in form.fields:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = current.version
    who, when = last_change(current)
    return {"current": current, "who": who, "when": when, "rows": rows, "version": current.version}
