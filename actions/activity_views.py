"""The activity pages: list, page, new, edit, delete/restore, documents, exports, import.

Every page starts from `selectors.activities_visible_to(user)` (through `activity_list`/`activity_get`):
what a user may not read is 404; what they read but may not write is 403.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.concurrency import StaleEdit, conflict_context, parse_version
from core.downloads import attachment, csv_response, file_response
from core.uploads import download_name, pending_discard, stale_files_delete
from parties import threads
from parties.forms import MessageForm
from parties.permissions import ALL, can, require, scope

from . import activity_form_page, exports, iati, imports, plans, selectors, services
from .activity_forms import (
    ActivityForm,
    ActivityReturnForm,
    ActivitySettingsForm,
    FinancingLineFormSet,
    ImportForm,
    PartnerFormSet,
    lines_of,
)
from .filters import ActivityFilter
from .models import Activity

PAGE_SIZE = 25


def _new_activity_plan(request):
    """The plan a new activity is logged under: the one its address names (`?plan=<url slug>`, kept
    when the form is posted), else the current plan."""
    url_slug = request.GET.get("plan")
    return plans.plan_get(url_slug) if url_slug else plans.current_or_404()


def _forms(request, *, instance: Activity | None = None):
    plan = instance.plan if instance is not None else _new_activity_plan(request)
    data = files = None
    if request.method == "POST":
        data = activity_form_page.posted_data(
            request, instance=instance, max_lines=FinancingLineFormSet.max_num
        )
        files = request.FILES
    activity = instance or Activity()
    form = ActivityForm(data, files, user=request.user, plan=plan, instance=instance)
    financing = FinancingLineFormSet(data, instance=activity, prefix="financing", plan=plan)
    partners = PartnerFormSet(data, instance=activity, prefix="partners")
    if instance is not None and data is None:
        # An activity with lines is edited without a blank one: "Add a line" gives one.
        financing.extra = 0 if instance.financing_lines.exists() else 1
    return form, financing, partners


def _form_page(request, form, financing, partners, *, activity=None, status=200, **context):
    """The form's page, with the files kept from a post that was not saved, the plan's actions and
    the Parties in their groups, and the formsets' empty lines for the page's own script."""
    adding = activity_form_page.adding_line(request)
    if adding:
        activity_form_page.quiet(form, financing, partners)
    kept = activity_form_page.uploads_keep(form, user=request.user) if request.method == "POST" else []
    context.update(
        form=form,
        financing=financing,
        partners=partners,
        activity=activity,
        plan=form.plan,
        kept_documents=kept,
        added_line=adding,
        submitted=activity is not None and activity.state == Activity.State.SUBMITTED,
        **activity_form_page.choice_outline(form, user=request.user),
    )
    return render(request, "actions/activity_form.html", context, status=status)


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
        plan=form.plan,
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


def _activity_rows(activities: list[Activity], *, with_plan: bool = False) -> str:
    """The list's table rows as HTML, written here rather than in the template: a page of rows
    cost the template about 30 ms, most of it looking up the same few attributes per row. With
    `with_plan` (more than one plan loaded), a last column names each activity's plan."""
    e = conditional_escape
    rows = []
    for a in activities:
        plan_cell = ""
        if with_plan:
            plan_cell = f'\n    <td><a href="{e(a.plan.get_absolute_url())}">{e(a.plan.years_label)}</a></td>'

        badge = ""
        if a.state != Activity.State.SUBMITTED:
            tone = "bad" if a.state == Activity.State.ARCHIVED else "warn"
            badge = f' <span class="badge {tone}">{e(a.get_state_display())}</span>'
        elif a.review == Activity.Review.CHECKED:
            badge = f' <span class="badge ok">{e(_("Checked"))}</span>'
        elif a.review == Activity.Review.RETURNED:
            badge = f' <span class="badge warn">{e(_("Returned"))}</span>'
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
            f"    <td>{dates}</td>{plan_cell}\n  </tr>"
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
    several_plans = selectors.plans_several()
    return render(
        request,
        "actions/activity_list.html",
        {
            "filter": filterset,
            "page": page,
            "activities": activities,
            "rows": _activity_rows(activities, with_plan=several_plans),
            "several_plans": several_plans,
            "active_filters": filterset.active_filters(request),
            "query": params.urlencode(),
            "can_create": can(request.user, "activity.create"),
            "can_import": can(request.user, "activity.import"),
            "can_settings": can(request.user, "activity.review.settings"),
        },
    )


@require_GET
@login_required
def activity_export_csv(request):
    return csv_response(
        f"activities-{timezone.now():%Y%m%d}.csv", exports.header(), exports.rows(_filtered(request).qs)
    )


@require_GET
@login_required
def activity_export_xlsx(request):
    return file_response(
        exports.xlsx_file(_filtered(request).qs),
        f"activities-{timezone.now():%Y%m%d}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@login_required
def activity_export_iati(request):
    """The filtered list's submitted activities as IATI 2.03 activity XML (actions/iati.py), streamed."""
    response = StreamingHttpResponse(
        iati.iati_xml(_filtered(request).qs), content_type="application/xml; charset=utf-8"
    )
    return attachment(response, f"activities-{timezone.now():%Y%m%d}.iati.xml")


def _detail_page(request, activity: Activity, *, message_form=None, return_form=None, status=200):
    """The activity's page; a message or a return whose form did not validate comes back on it with
    its errors next to the field."""
    user = request.user
    reviewing = activity.state == Activity.State.SUBMITTED and can(user, "activity.review", activity.party)
    return render(
        request,
        "actions/activity_detail.html",
        {
            "activity": activity,
            "several_plans": selectors.plans_several(),
            "history": selectors.activity_history(activity),
            "can_edit": activity.state != Activity.State.ARCHIVED
            and can(user, "activity.edit", activity.party),
            "can_delete": activity.state != Activity.State.ARCHIVED
            and can(user, "activity.delete", activity.party),
            "can_restore": activity.state == Activity.State.ARCHIVED
            and can(user, "activity.restore", activity.party),
            "can_review": reviewing,
            "return_form": return_form
            or (ActivityReturnForm(initial={"version": activity.version}) if reviewing else None),
            "thread": threads.thread_for(user, activity, activity.party_id, form=message_form),
        },
        status=status,
    )


@require_GET
@login_required
def activity_detail(request, pk: int):
    return _detail_page(request, selectors.activity_get(request.user, pk))


@require_POST
@login_required
def activity_message(request, pk: int):
    activity = selectors.activity_get(request.user, pk)
    require(request.user, "thread.write", activity.party)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, activity, message_form=form, status=400)
    threads.message_post(
        user=request.user,
        record=activity,
        party=activity.party,
        text=form.cleaned_data["text"],
        url=activity.get_absolute_url(),
        about=activity.title,
    )
    messages.success(request, _("Your message is sent."))
    return redirect(activity.get_absolute_url() + "#conversation-h")


@require_POST
@login_required
def activity_check(request, pk: int):
    activity = selectors.activity_get(request.user, pk)
    require(request.user, "activity.review", activity.party)
    try:
        services.activity_check(
            activity=activity, user=request.user, expected_version=parse_version(request.POST.get("version"))
        )
    except StaleEdit:
        return _changed_since(request, activity)
    except services.ActivityStateError:
        messages.error(request, _("Only a submitted activity can be checked or returned."))
        return redirect(activity)
    messages.success(request, _("The activity “%(title)s” is checked.") % {"title": activity.title})
    return redirect(activity)


@require_POST
@login_required
def activity_return(request, pk: int):
    activity = selectors.activity_get(request.user, pk)
    require(request.user, "activity.review", activity.party)
    form = ActivityReturnForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, activity, return_form=form, status=400)
    try:
        services.activity_return(
            activity=activity,
            user=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except StaleEdit:
        return _changed_since(request, activity)
    except services.ActivityStateError:
        messages.error(request, _("Only a submitted activity can be checked or returned."))
        return redirect(activity)
    messages.success(
        request,
        _("The activity “%(title)s” is returned to its Party with your comment.") % {"title": activity.title},
    )
    return redirect(activity)


@require_http_methods(["GET", "POST"])
@login_required
def activity_settings(request):
    require(request.user, "activity.review.settings")
    current = selectors.activity_settings()
    form = ActivitySettingsForm(
        request.POST or None,
        initial={"version": current.version, "readers_checked_only": current.readers_checked_only},
    )
    conflict, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_settings_save(
                user=request.user,
                expected_version=form.cleaned_data["version"],
                readers_checked_only=form.cleaned_data["readers_checked_only"],
            )
        except StaleEdit as stale:
            conflict, status = conflict_context(stale.current, form, ["readers_checked_only"]), 409
        else:
            messages.success(request, _("The activity settings are saved."))
            return redirect("actions:activity-settings")
    elif request.method == "POST":
        status = 400
    context = {"form": form, "conflict": conflict, "settings": current}
    return render(request, "actions/activity_settings.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def activity_create(request):
    require(request.user, "activity.create")
    form, financing, partners = _forms(request)
    saving = request.method == "POST" and not activity_form_page.adding_line(request)
    if saving and form.is_valid() & financing.is_valid() & partners.is_valid():
        # mass_assignment: a contact point's activity is its own Party's, whatever was posted.
        party = (
            form.cleaned_data["party"]
            if scope(request.user, "activity.create") is ALL
            else request.user.party
        )
        activity, joined = services.activity_create(
            user=request.user, party=party, write=_write(form, financing, partners)
        )
        pending_discard(form.pending_uploads)
        _saved_message(request, activity, joined)
        return redirect(activity)
    other_plans = [p for p in selectors.plans_all() if p.pk != form.plan.pk]
    return _form_page(request, form, financing, partners, other_plans=other_plans)


def _saved_message(request, activity: Activity, joined) -> None:
    if activity.state == Activity.State.DRAFT:
        message = _("The draft “%(title)s” is saved: only your Party and the secretariat see it.")
    else:
        message = _("The activity “%(title)s” is saved.")
    messages.success(request, message % {"title": activity.title})
    _joined_message(request, joined)


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
    saving = request.method == "POST" and not activity_form_page.adding_line(request)
    valid = saving and form.is_valid() & financing.is_valid() & partners.is_valid()
    try:
        if saving and form.is_valid() and form.cleaned_data["version"] != activity.version:
            # Stale, even when its lines no longer match what is stored: write nothing.
            raise StaleEdit(activity)
        if valid:
            party = form.cleaned_data.get("party") if scope(request.user, "activity.edit") is ALL else None
            activity, joined = services.activity_update(
                activity=activity,
                user=request.user,
                expected_version=form.cleaned_data.get("version"),
                write=_write(form, financing, partners),
                party=party,
            )
            pending_discard(form.pending_uploads)
            _saved_message(request, activity, joined)
            return redirect(activity)
    except StaleEdit as stale:
        conflict = _conflict(stale.current, form, financing if valid else None)
    except services.ActivityStateError:
        form.add_error("state", _("A submitted activity stays submitted."))
    return _form_page(
        request,
        form,
        financing,
        partners,
        activity=activity,
        conflict=conflict,
        status=409 if conflict else 200,
    )


CONFLICT_FIELDS = [*services.PLAIN_FIELDS, "actions", "items", "other_parties"]


def _conflict(current: Activity, form, financing) -> dict:
    """The one conflict screen: what the other person saved beside what this form holds, with the
    financing lines as a row of their own; nothing is written."""
    current = selectors.activity_get(form.user, current.pk)
    theirs = services.financing_describe(current.financing_lines.all())
    mine = services.financing_describe(lines_of(financing)) if financing else "…"
    extra = [{"label": _("Financing"), "theirs": theirs, "mine": mine}] if theirs != mine else []
    return conflict_context(current, form, CONFLICT_FIELDS, extra_rows=extra)


@require_POST
@login_required
def activity_delete(request, pk: int):
    activity = selectors.activity_get(request.user, pk)
    require(request.user, "activity.delete", activity.party)
    try:
        outcome = services.activity_delete(
            activity=activity, user=request.user, expected_version=parse_version(request.POST.get("version"))
        )
    except StaleEdit:
        return _changed_since(request, activity)
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
    try:
        restored = services.activity_restore(
            activity=activity, user=request.user, expected_version=parse_version(request.POST.get("version"))
        )
    except StaleEdit:
        return _changed_since(request, activity)
    if restored:
        messages.success(request, _("The activity “%(title)s” is restored.") % {"title": activity.title})
    return redirect(activity)


def _changed_since(request, activity: Activity):
    messages.error(
        request,
        _("This activity was changed after you opened it; nothing was done. Check it and try again."),
    )
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
    return file_response(
        handle, download_name(document.original_name, document.content_type), document.content_type
    )


IMPORT_SESSION_KEY = "activity_import"
IMPORT_DIR = "imports"  # in the default storage: the local disk, or the object store in production


def _imports_tidy() -> None:
    """Previewed files left unconfirmed for a day go."""
    stale_files_delete(IMPORT_DIR, 24 * 3600)


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
                _imports_tidy()
                token = secrets.token_hex(16)
                name = default_storage.save(f"{IMPORT_DIR}/{token}", ContentFile(content))
                request.session[IMPORT_SESSION_KEY] = {
                    "token": token,
                    "kind": upload.import_kind,
                    "name": name,
                }
            context = {"form": ImportForm(), "rows": rows, "token": token}
            return render(request, "actions/activity_import.html", context)
    return render(request, "actions/activity_import.html", {"form": form, "rows": None})


def _import_expired(request):
    messages.error(request, _("This import has expired or was already done: upload the file again."))
    return redirect("actions:activity-import")


def _import_confirm(request, plan):
    """Import the previewed file once: the token is claimed in the shared cache (an atomic add), so
    a second click or a replayed request finds nothing to import; the file goes either way."""
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if not pending or request.POST.get("token") != pending["token"]:
        return _import_expired(request)
    name = pending.get("name") or f"{IMPORT_DIR}/{pending['token']}"
    if not cache.add(f"activity-import-claimed:{pending['token']}", 1, timeout=2 * 24 * 3600):
        return _import_expired(request)
    try:
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return _import_expired(request)
    try:
        rows = imports.rows_validate(user=request.user, content=content, kind=pending["kind"], plan=plan)
        if any(row.errors for row in rows):
            return render(request, "actions/activity_import.html", {"form": ImportForm(), "rows": rows})
        created = imports.rows_import(user=request.user, rows=rows)
    finally:
        default_storage.delete(name)
    count = len(created)
    messages.success(
        request, ngettext("%(n)s activity imported.", "%(n)s activities imported.", count) % {"n": count}
    )
    return redirect("actions:activity-list")
