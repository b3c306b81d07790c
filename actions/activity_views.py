"""The activity pages: list, page, new, edit, delete/restore, documents, exports, import.

Every page starts from `selectors.activities_visible_to(user)` (through `activity_list`/`activity_get`):
what a user may not read is 404; what they read but may not write is 403.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parties.permissions import ALL, can, require, scope

from . import exports, imports, selectors, services
from .activity_forms import ActivityForm, FinancingLineFormSet, ImportForm, PartnerFormSet, lines_of
from .filters import ActivityFilter
from .models import Activity

PAGE_SIZE = 25


def _forms(request, *, instance: Activity | None = None):
    plan = selectors.plan_current()
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    activity = instance or Activity()
    form = ActivityForm(data, files, user=request.user, plan=plan, instance=instance)
    financing = FinancingLineFormSet(data, instance=activity, prefix="financing", plan=plan)
    partners = PartnerFormSet(data, instance=activity, prefix="partners")
    if instance is not None and data is None:
        financing.extra = partners.extra = 1
    return form, financing, partners


def _write(form, financing, partners) -> services.ActivityWrite:
    cleaned = form.cleaned_data
    return services.ActivityWrite(
        fields={name: cleaned[name] for name in services.PLAIN_FIELDS if name in cleaned},
        actions=cleaned["actions"],
        items=list(cleaned["items"]),
        other_parties=list(cleaned["other_parties"]),
        financing=lines_of(financing),
        partners=lines_of(partners),
        documents=cleaned.get("documents") or [],
        remove_documents=list(cleaned.get("remove_documents") or []),
    )


def _joined_message(request, joined) -> None:
    if joined:
        codes = ", ".join(a.code for a in joined)
        messages.info(
            request,
            ngettext(
                "Your Party is now recorded as participant in action %(codes)s.",
                "Your Party is now recorded as participant in actions %(codes)s.",
                len(joined),
            )
            % {"codes": codes},
        )


def _filtered(request):
    return ActivityFilter(request.GET, queryset=selectors.activity_list(request.user), request=request)


def _prefetched(activity: Activity, name: str):
    """A prefetched set as it was read: `activity.actions.all()` builds a manager and a filtered
    queryset per call only to return the same rows (a tenth of the list's time)."""
    cached = getattr(activity, "_prefetched_objects_cache", {})
    return cached[name] if name in cached else getattr(activity, name).all()


def _activity_rows(activities: list[Activity]) -> str:
    """The list's table rows as HTML, written here rather than in the template: a page of rows
    cost the template about 30 ms, most of it looking up the same few attributes per row."""
    e = conditional_escape
    rows = []
    for a in activities:
        badge = ""
        if a.state != Activity.State.SUBMITTED:
            tone = "bad" if a.state == Activity.State.ARCHIVED else "warn"
            badge = f' <span class="badge {tone}">{e(a.get_state_display())}</span>'
        codes = ", ".join(e(x.code) for x in _prefetched(a, "actions"))
        items = [f"{e(i.action.code)} {e(i.letter)}" for i in _prefetched(a, "items")]
        if items:
            codes += " (" + ", ".join(items) + ")"
        dates = a.start_date.isoformat() if a.start_date else "–"
        if a.end_date:
            dates += f" – {a.end_date.isoformat()}"
        rows.append(
            f'<tr>\n    <th scope="row"><a href="{e(a.get_absolute_url())}">{e(a.title)}</a>{badge}</th>\n'
            f"    <td>{e(a.party.short_name)}</td>\n    <td>{codes}</td>\n"
            f"    <td>{e(a.get_kind_display())}</td>\n    <td>{e(a.get_status_display())}</td>\n"
            f"    <td>{dates}</td>\n  </tr>"
        )
    return mark_safe("\n  ".join(rows))


@require_GET
@login_required
def activity_list(request):
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    activities = list(page.object_list)
    return render(
        request,
        "actions/activity_list.html",
        {
            "filter": filterset,
            "page": page,
            "activities": activities,
            "rows": _activity_rows(activities),
            "active_filters": filterset.active_filters(request),
            "query": params.urlencode(),
            "can_create": can(request.user, "activity.create"),
            "can_import": can(request.user, "activity.import"),
        },
    )


@require_GET
@login_required
def activity_export_csv(request):
    response = StreamingHttpResponse(
        exports.csv_stream(_filtered(request).qs), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="activities-{timezone.now():%Y%m%d}.csv"'
    return response


@require_GET
@login_required
def activity_export_xlsx(request):
    return FileResponse(
        exports.xlsx_file(_filtered(request).qs),
        as_attachment=True,
        filename=f"activities-{timezone.now():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@login_required
def activity_detail(request, pk: int):
    activity = selectors.activity_get(request.user, pk)
    return render(
        request,
        "actions/activity_detail.html",
        {
            "activity": activity,
            "history": selectors.activity_history(activity),
            "can_edit": activity.state != Activity.State.ARCHIVED
            and can(request.user, "activity.edit", activity.party),
            "can_delete": activity.state != Activity.State.ARCHIVED
            and can(request.user, "activity.delete", activity.party),
            "can_restore": activity.state == Activity.State.ARCHIVED
            and can(request.user, "activity.restore", activity.party),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def activity_create(request):
    require(request.user, "activity.create")
    form, financing, partners = _forms(request)
    if request.method == "POST" and form.is_valid() & financing.is_valid() & partners.is_valid():
        # mass_assignment: a contact point's activity is its own Party's, whatever was posted.
        party = (
            form.cleaned_data["party"]
            if scope(request.user, "activity.create") is ALL
            else request.user.party
        )
        activity, joined = services.activity_create(
            user=request.user, party=party, write=_write(form, financing, partners)
        )
        messages.success(request, _("The activity “%(title)s” is saved.") % {"title": activity.title})
        _joined_message(request, joined)
        return redirect(activity)
    return render(
        request,
        "actions/activity_form.html",
        {"form": form, "financing": financing, "partners": partners, "activity": None},
    )


@require_http_methods(["GET", "POST"])
@login_required
def activity_edit(request, pk: int):
    activity = selectors.activity_for_edit(request.user, pk)
    require(request.user, "activity.edit", activity.party)
    if activity.state == Activity.State.ARCHIVED:
        messages.error(request, _("This activity is archived: the secretariat can restore it."))
        return redirect(activity)
    form, financing, partners = _forms(request, instance=activity)
    conflict = None
    valid = request.method == "POST" and form.is_valid() & financing.is_valid() & partners.is_valid()
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("version") != activity.version:
        # Stale, even when its lines no longer match what is stored: show the conflict, write nothing.
        conflict = _conflict(activity, form, financing if valid else None)
    elif valid:
        party = form.cleaned_data.get("party") if scope(request.user, "activity.edit") is ALL else None
        try:
            activity, joined = services.activity_update(
                activity=activity,
                user=request.user,
                expected_version=form.cleaned_data.get("version"),
                write=_write(form, financing, partners),
                party=party,
            )
        except services.ActivityConflict as exc:
            conflict = _conflict(exc.current, form, financing)
        except services.ActivityStateError:
            form.add_error("state", _("A submitted activity stays submitted."))
        else:
            messages.success(request, _("The activity “%(title)s” is saved.") % {"title": activity.title})
            _joined_message(request, joined)
            return redirect(activity)
    context = {
        "form": form,
        "financing": financing,
        "partners": partners,
        "activity": activity,
        "conflict": conflict,
    }
    return render(request, "actions/activity_form.html", context, status=409 if conflict else 200)


def _conflict(current: Activity, form, financing) -> dict:
    """What the other person saved beside what this form holds, field by field; nothing is written."""
    current = selectors.activity_get(form.user, current.pk)
    cleaned = form.cleaned_data
    rows = []
    for name in services.PLAIN_FIELDS:
        field = Activity._meta.get_field(name)
        theirs = getattr(current, f"get_{name}_display")() if field.choices else getattr(current, name)
        mine = (
            dict(field.flatchoices).get(cleaned.get(name), cleaned.get(name))
            if field.choices
            else cleaned.get(name)
        )
        if (theirs or "") != (mine or ""):
            rows.append({"label": field.verbose_name, "theirs": theirs or "", "mine": mine or ""})
    for name, show in (("actions", lambda a: a.code), ("items", str), ("other_parties", str)):
        theirs = sorted(show(x) for x in getattr(current, name).all())
        mine = sorted(show(x) for x in cleaned.get(name) or [])
        if theirs != mine:
            rows.append(
                {
                    "label": Activity._meta.get_field(name).verbose_name,
                    "theirs": ", ".join(theirs),
                    "mine": ", ".join(mine),
                }
            )
    theirs_lines = services.financing_describe(current.financing_lines.all())
    mine_lines = services.financing_describe(lines_of(financing)) if financing else "…"
    if theirs_lines != mine_lines:
        rows.append({"label": _("Financing"), "theirs": theirs_lines, "mine": mine_lines})
    # The form now carries the saved version: saving again is a deliberate choice made after seeing this.
    form.data = form.data.copy()
    form.data["version"] = current.version
    return {"by": current.updated_by, "at": current.updated_at, "version": current.version, "rows": rows}


@require_POST
@login_required
def activity_delete(request, pk: int):
    activity = selectors.activity_get(request.user, pk)
    require(request.user, "activity.delete", activity.party)
    outcome = services.activity_delete(activity=activity, user=request.user)
    if outcome == "deleted":
        messages.success(request, _("The draft “%(title)s” is deleted.") % {"title": activity.title})
        return redirect("actions:activity-list")
    if outcome == "archived":
        messages.success(
            request,
            _("The activity “%(title)s” is archived; the secretariat can restore it.")
            % {"title": activity.title},
        )
    return redirect(activity)


@require_POST
@login_required
def activity_restore(request, pk: int):
    activity = selectors.activity_get(request.user, pk)
    require(request.user, "activity.restore", activity.party)
    if services.activity_restore(activity=activity, user=request.user):
        messages.success(request, _("The activity “%(title)s” is restored.") % {"title": activity.title})
    return redirect(activity)


@require_GET
@login_required
def activity_document(request, pk: int, document_pk: int):
    activity = selectors.activity_get(request.user, pk)
    document = get_object_or_404(activity.documents.all(), pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )


IMPORT_SESSION_KEY = "activity_import"


def _import_dir() -> Path:
    """Where a previewed file waits for its confirmation; files left unconfirmed for a day go."""
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    stale = time.time() - 24 * 3600
    for old in path.iterdir():
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    return path


@require_http_methods(["GET", "POST"])
@login_required
def activity_import(request):
    require(request.user, "activity.import")
    plan = selectors.plan_current()
    if request.method == "POST" and "confirm" in request.POST:
        return _import_confirm(request, plan)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            rows = imports.rows_validate(
                user=request.user, content=content, kind=upload.import_kind, plan=plan
            )
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = None
            if not any(row.errors for row in rows):
                token = secrets.token_hex(16)
                (_import_dir() / token).write_bytes(content)
                request.session[IMPORT_SESSION_KEY] = {"token": token, "kind": upload.import_kind}
            context = {"form": ImportForm(), "rows": rows, "token": token}
            return render(request, "actions/activity_import.html", context)
    return render(request, "actions/activity_import.html", {"form": form, "rows": None})


def _import_confirm(request, plan):
    """Import the previewed file once: the file is claimed by an atomic rename, so a second click or
    a replayed request finds nothing to import."""
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if not pending or request.POST.get("token") != pending["token"]:
        messages.error(request, _("This import has expired or was already done: upload the file again."))
        return redirect("actions:activity-import")
    path = _import_dir() / pending["token"]
    claimed = path.with_suffix(".claimed")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        messages.error(request, _("This import has expired or was already done: upload the file again."))
        return redirect("actions:activity-import")
    try:
        rows = imports.rows_validate(
            user=request.user, content=claimed.read_bytes(), kind=pending["kind"], plan=plan
        )
        if any(row.errors for row in rows):
            return render(request, "actions/activity_import.html", {"form": ImportForm(), "rows": rows})
        created = imports.rows_import(user=request.user, rows=rows)
    finally:
        claimed.unlink(missing_ok=True)
    count = len(created)
    messages.success(
        request, ngettext("%(n)s activity imported.", "%(n)s activities imported.", count) % {"n": count}
    )
    return redirect("actions:activity-list")
