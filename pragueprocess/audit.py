"""The site-wide audit page: who changed what and when across every record that keeps a history, and
the security log's events; filterable by person, Party, kind and date; exportable as CSV.

Every model with django-simple-history is read with one query (newest first, at most the page's
worth), so the page asks a fixed number of queries whatever the size of the history.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, datetime, time

from django import forms
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from simple_history.models import registered_models

from core.downloads import csv_response
from core.models import SecurityEvent
from parties.models import Party
from parties.permissions import capability_required

PAGE = 100
EXPORT_MAX = 10_000
SECURITY = "security"
# What each security event is called on the page; the export keeps the code beside it.
EVENTS = {
    "login": gettext_lazy("signed in"),
    "login_failed": gettext_lazy("sign-in failed"),
    "lockout": gettext_lazy("locked out after failed sign-ins"),
    "csrf_failure": gettext_lazy("form expired or forged (CSRF)"),
    "forbidden_403": gettext_lazy("refused (403)"),
    "cross_party_404": gettext_lazy("hidden record refused (404)"),
    "second_factor_enabled": gettext_lazy("second factor turned on"),
    "second_factor_verified": gettext_lazy("second factor verified"),
    "second_factor_failed": gettext_lazy("second factor failed"),
    "second_factor_reset": gettext_lazy("second factor reset by the secretariat"),
    "second_factor_removed": gettext_lazy("second factor turned off"),
    "password_reset_throttled": gettext_lazy("password reset held back"),
    "email_changed": gettext_lazy("e-mail address changed"),
    "personal_data_erased": gettext_lazy("personal data erased"),
}
ACTIONS = {"+": gettext_lazy("created"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}


@dataclass(frozen=True)
class Line:
    at: datetime
    kind: str
    what: str
    action: str
    who: str
    party: str
    detail: str
    shown: str = ""  # what the page calls it, when `what` is a code (a security event's name)


def history_models() -> dict[str, type]:
    """{label: historical model} of every model that keeps a history (not the m2m through tables)."""
    found = {}
    for model in registered_models.values():
        history = getattr(model, "history", None)
        if history is None or not hasattr(history, "model"):
            continue
        found[model._meta.label_lower] = history.model
    return dict(sorted(found.items()))


def kind_choices() -> list[tuple[str, str]]:
    choices = [(label, model.instance_type._meta.verbose_name_plural.capitalize())
               for label, model in history_models().items()]  # fmt: skip
    return [("", _("Every kind")), *choices, (SECURITY, _("Security events"))]


class AuditFilter(forms.Form):
    person = forms.CharField(label=gettext_lazy("Person (user name)"), required=False, max_length=150)
    party = forms.ModelChoiceField(
        label=gettext_lazy("Party"), required=False, queryset=Party.objects.order_by("short_name"),
        to_field_name="code", empty_label=gettext_lazy("Every Party"),
    )  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end comes before the start."))
        return data


def _between(field: str, since: date | None, until: date | None) -> Q:
    tz = timezone.get_current_timezone()
    q = Q()
    if since:
        q &= Q(**{f"{field}__gte": datetime.combine(since, time.min, tz)})
    if until:
        q &= Q(**{f"{field}__lte": datetime.combine(until, time.max, tz)})
    return q


NAME_FIELDS = ("title", "name", "username", "acronym", "code", "year")


def _history_lines(model, data: dict, limit: int) -> list[Line]:
    """The newest lines of one history. The record is named from its own columns (never its __str__,
    which may read a relation: a query per line)."""
    names = {f.name for f in model._meta.get_fields()}
    has_party = "party" in names and model._meta.get_field("party").is_relation
    if data.get("party") is not None and not has_party:
        return []
    rows = model.objects.select_related("history_user", *(["party"] if has_party else []))
    rows = rows.filter(_between("history_date", data.get("since"), data.get("until")))
    if data.get("person"):
        rows = rows.filter(history_user__username=data["person"])
    if data.get("party") is not None:
        rows = rows.filter(party_id=data["party"].pk)
    verbose = model.instance_type._meta.verbose_name.capitalize()
    name_field = next((f for f in NAME_FIELDS if f in names), None)
    lines = []
    for row in rows.order_by("-history_date")[:limit]:
        label = getattr(row, name_field) if name_field else ""
        lines.append(
            Line(
                at=row.history_date,
                kind=verbose,
                what=f"#{row.id} {label}".strip(),
                action=str(ACTIONS.get(row.history_type, row.history_type)),
                who=row.history_user.get_username() if row.history_user else "",
                party=row.party.short_name if has_party and row.party_id else "",
                detail=row.history_change_reason or "",
            )
        )
    return lines


def _security_lines(data: dict, limit: int):
    if data.get("party") is not None:
        rows = SecurityEvent.objects.filter(details__party=data["party"].pk)
    else:
        rows = SecurityEvent.objects.all()
    rows = rows.filter(_between("at", data.get("since"), data.get("until")))
    if data.get("person"):
        rows = rows.filter(username=data["person"])
    return [
        Line(
            at=e.at,
            kind=_("Security event"),
            what=e.event,
            shown=EVENTS.get(e.event, ""),
            action=e.path,
            who=e.username,
            party="",
            detail=", ".join(f"{k}={v}" for k, v in sorted(e.details.items()))
            + (f" ({e.ip})" if e.ip else ""),
        )  # fmt: skip
        for e in rows[:limit]
    ]


def audit_lines(data: dict, *, limit: int = PAGE) -> list[Line]:
    """The newest `limit` lines matching the filter, across every history and the security log."""
    kind = data.get("kind") or ""
    streams = []
    for label, model in history_models().items():
        if kind in ("", label):
            streams.append(_history_lines(model, data, limit))
    if kind in ("", SECURITY):
        streams.append(_security_lines(data, limit))
    merged = heapq.merge(*streams, key=lambda line: line.at, reverse=True)
    return [line for _, line in zip(range(limit), merged, strict=False)]


def _filtered(request, *, limit: int) -> tuple[AuditFilter, list[Line]]:
    """The filter form and its lines; a malformed filter shows (and exports) nothing, never everything."""
    form = AuditFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, []
    return form, audit_lines(form.cleaned_data if form.is_bound else {}, limit=limit)


@require_GET
@capability_required("audit.view")
def audit(request):
    form, lines = _filtered(request, limit=PAGE)
    query = request.GET.urlencode()
    return render(
        request, "pragueprocess/audit.html", {"form": form, "lines": lines, "query": query, "page_size": PAGE}
    )


@require_GET
@capability_required("audit.view")
def audit_export(request):
    _form, lines = _filtered(request, limit=EXPORT_MAX)
    header = [_("When (UTC)"), _("Kind"), _("What"), _("Action"), _("Who"), _("Party"), _("Detail")]
    rows = ([f"{line.at:%Y-%m-%d %H:%M:%S}", line.kind, line.what, line.action, line.who, line.party, line.detail]
            for line in lines)  # fmt: skip
    return csv_response(f"audit-{timezone.now():%Y%m%d}.csv", header, rows)
