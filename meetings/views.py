"""Meeting pages. Each view's first line fetches its object through the permission helper."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import plan_cache
from core.concurrency import StaleEdit, conflict_context, last_change, parse_version
from core.downloads import attachment, csv_response, file_response
from core.uploads import download_name
from parties.forms import party_picker_groups
from parties.models import Notification, PartnerOrganisation, Party, User
from parties.permissions import can, capability_required, deny, require

from . import calendars, forms, selectors, services
from . import minutes as minutes_services
from .filters import MeetingFilter
from .models import Document, Invitation, Meeting, MinutesRevision

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


MANAGE = "meeting.manage"
PARTICIPANTS = "meeting.participants.view"


def _sees_participants(user) -> bool:
    return selectors.sees_every_party(user, PARTICIPANTS)


def _public_ics(content: bytes, filename: str) -> HttpResponse:
    return attachment(HttpResponse(content, content_type="text/calendar; charset=utf-8"), filename)


def _local_rows(current: Meeting, form, names: dict[str, str]) -> list[dict]:
    """Conflict rows for times, shown in the meeting's own zone: {model field: form field}."""
    cleaned = getattr(form, "cleaned_data", {}) or {}

    def shown(value):
        return date_format(value.astimezone(current.zone), "j E Y, H:i") if value else ""

    rows = []
    for name, form_name in names.items():
        theirs, mine = shown(getattr(current, name)), shown(cleaned.get(name))
        if name in cleaned and theirs != mine:
            rows.append({"label": form.fields[form_name].label, "theirs": theirs, "mine": mine})
    return rows


@require_GET
def meeting_list(request):
    filterset = MeetingFilter(request.GET, queryset=selectors.meeting_list())
    # The SOM cadence is that of the plan chosen in the filter, else of the current plan.
    chosen = filterset.form.cleaned_data.get("plan") if filterset.form.is_valid() else None
    plan = (chosen and plan_cache.by_url_slug(chosen)) or plan_cache.current()
    this_year = timezone.localdate().year  # no plan loaded: the cadence of this year alone
    years = range(plan.start_year, plan.end_year + 1) if plan else range(this_year, this_year + 1)
    now = timezone.now()
    qs = filterset.qs
    sorted_by_user = bool(filterset.form.is_valid() and filterset.form.cleaned_data.get("sort"))
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    upcoming, past, has_next = selectors.meetings_page(qs, now=now, page=page, keep_order=sorted_by_user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "cadence": selectors.som_cadence(years, now=now),
        "cadence_plan": plan,
        "upcoming": upcoming,
        "past": past,
        "page": page,
        "has_next": has_next,
        "can_manage": can(request.user, "meeting.manage"),
        "querystring": query.urlencode(),
    }
    return render(request, "meetings/meeting_list.html", context)


@require_GET
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(pk)
    user = request.user
    decisions, open_decisions, open_total = selectors.meeting_page_decisions(meeting)
    own, can_register = None, False
    if user.is_authenticated and user.party_id:
        own = Invitation.objects.filter(meeting=meeting, party_id=user.party_id).first()
        can_register = own is not None and can(user, "meeting.register", own.party_id)
    elif user.is_authenticated and user.partner_organisation_id:
        own = Invitation.objects.filter(meeting=meeting, partner_id=user.partner_organisation_id).first()
        can_register = own is not None and can(user, "meeting.register", partner=own.partner_id)
    # Documents and minutes: every member; a partner organisation's person where it is invited.
    sees_documents = selectors.sees_every_party(user, "meeting.documents.view") or (
        own is not None and own.partner_id is not None
    )
    context = {
        "meeting": meeting,
        "can_manage": can(user, "meeting.manage"),
        "can_read_documents": sees_documents,
        "sees_participants": _sees_participants(user),
        "own_invitation": own,
        "can_register": can_register,
        "minutes": _minutes_shown(user, meeting) if sees_documents else None,
        "decisions": decisions,
        "open_decisions": open_decisions,
        "open_decisions_more": open_total - len(open_decisions),
        "today": timezone.localdate(),
        "invitation_counts": _answer_counts(meeting) if _sees_participants(user) else None,
    }
    return render(request, "meetings/meeting_detail.html", context)


def _minutes_shown(user, meeting: Meeting):
    """The meeting's minutes where this person may read them (read with the meeting: no query)."""
    record = selectors.minutes_of(meeting)
    return record if selectors.minutes_readable(user, record) else None


def _answer_counts(meeting: Meeting) -> dict[str, int]:
    counts = dict.fromkeys(Invitation.Answer.values, 0)
    for answer in Invitation.objects.filter(meeting=meeting).values_list("answer", flat=True):
        counts[answer] += 1
    return counts


@login_required
@GET_POST
@capability_required(MANAGE)
def meeting_create(request):
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = services.meeting_create(
            user=request.user, data=data, actions=data["actions"], offsets=data["offsets"]
        )
        messages.success(request, _("The meeting has been scheduled."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


CONFLICT_FIELDS = [
    "kind",
    "title_en",
    "title_ru",
    "timezone",
    "city",
    "country",
    "address",
    "online_url",
    "host",
    "chair",
]
CONFLICT_TIMES = {
    "starts_at": "starts_local",
    "ends_at": "ends_local",
    "registration_deadline": "deadline_local",
}


@login_required
@GET_POST
@capability_required(MANAGE)
def meeting_edit(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    form = forms.MeetingForm(request.POST or None, instance=meeting)
    context = {"form": form, "meeting": meeting}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_update(
                meeting_pk=meeting.pk,
                user=request.user,
                version=data.get("version"),  # a form without its version is stale
                data=data,
                actions=data["actions"],
                offsets=data["offsets"],
            )
        except StaleEdit as stale:
            rows = _local_rows(stale.current, form, CONFLICT_TIMES)
            fields = [*CONFLICT_FIELDS, "description", "status"]
            context["conflict"] = conflict_context(stale.current, form, fields, extra_rows=rows)
            return render(request, "meetings/meeting_form.html", context, status=409)
        messages.success(request, _("The meeting has been saved."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", context)


@login_required
@GET_POST
@capability_required(MANAGE)
def meeting_reschedule(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    form = forms.RescheduleForm(request.POST or None, meeting=meeting)
    context = {"form": form, "meeting": meeting}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_reschedule(
                meeting_pk=pk,
                user=request.user,
                version=data["version"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
            )
        except StaleEdit as stale:
            # The person's times stay in the form; the partial says who changed what meanwhile.
            times = {"starts_at": "starts_local", "ends_at": "ends_local"}
            rows = _local_rows(stale.current, form, times)
            context["conflict"] = conflict_context(stale.current, form, ["status"], extra_rows=rows)
            return render(request, "meetings/reschedule.html", context, status=409)
        messages.success(request, _("The meeting has been rescheduled; reminders re-armed for the new time."))
        return redirect(meeting)
    return render(request, "meetings/reschedule.html", context)


@login_required
@require_POST
@capability_required(MANAGE)
def meeting_cancel(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    version = parse_version(request.POST.get("version"))
    try:
        services.meeting_cancel(meeting_pk=meeting.pk, user=request.user, version=version)
    except StaleEdit as stale:
        who, when = last_change(stale.current)
        messages.error(
            request,
            _(
                "Not cancelled: the meeting was changed by %(who)s at %(when)s after you opened this page. "
                "Check the meeting as it is now, then cancel it again if you still wish to."
            )
            % {
                "who": who or _("someone"),
                "when": date_format(timezone.localtime(when), "j E Y, H:i") if when else "–",
            },
        )
        return redirect(meeting)
    messages.success(request, _("The meeting has been cancelled; the invited receive one notice."))
    return redirect(meeting)


@require_GET
def agenda(request, pk: int):
    meeting = selectors.meeting_get(pk)
    return render(request, "meetings/agenda.html", {"meeting": meeting})


@login_required
@GET_POST
@capability_required(MANAGE)
def agenda_edit(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    formset = forms.AgendaFormSet(
        request.POST or None, instance=meeting, prefix="items", form_kwargs={"plan": meeting.plan}
    )
    if request.method == "POST" and formset.is_valid():
        services.agenda_save(meeting=meeting, formset=formset, user=request.user)
        messages.success(request, _("The agenda has been saved."))
        return redirect("meetings:agenda", pk=meeting.pk)
    return render(request, "meetings/agenda_form.html", {"meeting": meeting, "formset": formset})


@login_required
@GET_POST
@capability_required(MANAGE)
def invitations(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    initial = {
        "invite_mode": meeting.invite_mode,
        "parties": list(meeting.invitations.values_list("party_id", flat=True)),
        "partners": list(meeting.partners.values_list("pk", flat=True)),
    }
    form = forms.InvitationsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.invitations_set(
            meeting=meeting,
            mode=form.cleaned_data["invite_mode"],
            parties=form.cleaned_data["parties"],
            partners=list(form.cleaned_data["partners"]),
            user=request.user,
        )
        messages.success(request, _("The invitations have been saved."))
        return redirect("meetings:participants", pk=meeting.pk)
    return render(
        request,
        "meetings/invitations.html",
        {"meeting": meeting, "form": form, "party_groups": party_picker_groups(form, "parties")},
    )


@login_required
@require_GET
def register_own(request, pk: int):
    user = request.user
    if user.partner_organisation_id and can(user, "meeting.register", partner=user.partner_organisation_id):
        return redirect("meetings:register-partner", pk=pk, acronym=user.partner_organisation.acronym.lower())
    if not user.party_id or not can(user, "meeting.register", user.party_id):
        deny(user, "meeting.register", visible=False, reason="no Party of one's own to register")
    return redirect("meetings:register", pk=pk, code=user.party.code.lower())


@login_required
@GET_POST
def register(request, pk: int, code: str):
    party = get_object_or_404(Party, code__iexact=code)
    require(
        request.user, "meeting.register", party, visible=can(request.user, "meeting.participants.view", party)
    )
    meeting = get_object_or_404(Meeting, pk=pk)
    invitation = get_object_or_404(Invitation, meeting=meeting, party=party)
    return _registration(request, meeting, invitation)


@login_required
@GET_POST
def register_partner(request, pk: int, acronym: str):
    """A partner organisation's registration: the same form and flow as a Party's."""
    partner = get_object_or_404(PartnerOrganisation, acronym__iexact=acronym)
    seen = can(request.user, "meeting.participants.view", partner=partner)
    require(request.user, "meeting.register", partner=partner, visible=seen)
    meeting = get_object_or_404(Meeting, pk=pk)
    invitation = get_object_or_404(Invitation, meeting=meeting, partner=partner)
    return _registration(request, meeting, invitation)


def _registration(request, meeting: Meeting, invitation: Invitation):
    """Register delegates or decline, for the invitation of a Party or of a partner organisation."""
    closed = _registration_closed(meeting, request.user)
    initial = [{"name": d.name, "function": d.function, "email": d.email} for d in invitation.delegates.all()]
    # The earlier list is the initial data of a GET only: a posted list replaces it as a whole.
    formset = (
        forms.DelegateFormSet(request.POST, prefix="delegates")
        if request.method == "POST"
        else forms.DelegateFormSet(initial=initial, prefix="delegates")
    )
    if request.method == "POST":
        if closed:
            deny(request.user, "meeting.register", invitation.party_id, reason="registration closed")
        if "decline" in request.POST:
            services.registration_decline(invitation_pk=invitation.pk, user=request.user)
            if invitation.party_id:
                messages.success(request, _("Your Party has declined the invitation."))
            else:
                messages.success(request, _("Your organisation has declined the invitation."))
            return redirect(meeting)
        if formset.is_valid():
            rows = [
                f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            if rows:
                services.registration_save(invitation_pk=invitation.pk, user=request.user, delegates=rows)
                messages.success(request, _("The delegates have been registered."))
                return redirect(meeting)
            formset._non_form_errors = formset.error_class([_("Register at least one delegate, or decline.")])
    context = {
        "meeting": meeting,
        "party": invitation.party,
        "partner": invitation.partner,
        "invitation": invitation,
        "formset": formset,
        "closed": closed,
    }
    return render(request, "meetings/register.html", context)


def _registration_closed(meeting: Meeting, user: User) -> bool:
    if can(user, "meeting.manage"):
        return False
    deadline = meeting.registration_deadline or meeting.starts_at
    return meeting.is_cancelled or timezone.now() > deadline


@login_required
@require_GET
@capability_required(PARTICIPANTS)
def participants(request, pk: int):
    meeting = selectors.meeting_for(
        request.user, pk, PARTICIPANTS, queryset=Meeting.objects.prefetch_related("partners")
    )
    rows = list(selectors.meeting_invitations(meeting))
    groups = {a: [r for r in rows if r.answer == a] for a in Invitation.Answer.values}
    context = {
        "meeting": meeting,
        "rows": rows,
        "groups": groups,
        "can_manage": can(request.user, "meeting.manage"),
    }
    return render(request, "meetings/participants.html", context)


@login_required
@require_GET
@capability_required(PARTICIPANTS)
def participants_csv(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, PARTICIPANTS)
    header = [_("Party"), _("Answer"), _("Attendance"), _("Name"), _("Function"), _("E-mail")]
    return csv_response(f"meeting-{meeting.pk}-participants.csv", header, _participant_rows(meeting))


def _participant_rows(meeting: Meeting):
    for inv in selectors.meeting_invitations(meeting):
        attendance = inv.get_attendance_display() if inv.attendance else ""
        for d in list(inv.delegates.all()) or [None]:
            yield (
                inv.party.short_name if inv.party else inv.partner.acronym,
                inv.get_answer_display(),
                attendance,
                d.name if d else "",
                d.function if d else "",
                d.email if d else "",
            )


@login_required
@GET_POST
@capability_required(MANAGE)
def attendance(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    rows = list(
        Invitation.objects.filter(meeting=meeting, party__isnull=False)
        .select_related("party")
        .order_by("party__order")
    )
    form = forms.AttendanceForm(request.POST or None, invitations=rows)
    if request.method == "POST" and form.is_valid():
        services.attendance_save(meeting=meeting, values=form.values(), user=request.user)
        messages.success(request, _("Attendance has been saved."))
        return redirect(meeting)
    return render(request, "meetings/attendance.html", {"meeting": meeting, "form": form})


@login_required
@GET_POST
@capability_required(MANAGE)
def document_new(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    form = forms.DocumentForm(request.POST or None, request.FILES or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.document_add(
            meeting=meeting,
            user=request.user,
            upload=data["file"],
            title=data["title"],
            kind=data["kind"],
            language=data["language"],
            agenda_item=data["agenda_item"],
            sniffed=form.sniffed,
        )
        messages.success(request, _("The document has been added."))
        return redirect(meeting)
    return render(request, "meetings/document_form.html", {"meeting": meeting, "form": form})


@login_required
@require_GET
@capability_required("member.view")
def document_download(request, pk: int, doc: int):
    document = get_object_or_404(Document.objects.select_related("meeting"), pk=doc, meeting_id=pk)
    selectors.meeting_seen_or_deny(request.user, document.meeting)
    name = download_name(document.filename, document.content_type)
    return file_response(document.file.open("rb"), name, document.content_type)


DRAFTS = "minutes.draft.view"


@login_required
@require_GET
def minutes(request, pk: int):
    meeting = selectors.meeting_get(pk)
    selectors.meeting_seen_or_deny(request.user, meeting)
    return render(request, "meetings/minutes.html", _minutes_context(request.user, meeting))


def _minutes_context(user, meeting: Meeting, approve_form=None) -> dict:
    """The minutes page: the text where this person may read it, the minutes documents, and for the
    secretariat the approval form while the minutes are not approved."""
    record = selectors.minutes_of(meeting)
    can_manage = can(user, MANAGE)
    if approve_form is None and can_manage and (record is None or not record.is_approved):
        approve_form = forms.MinutesApproveForm(
            initial={"approved_on": timezone.localdate(), "version": record.version if record else 1},
            meeting=meeting,
        )
    return {
        "meeting": meeting,
        "minutes": record if selectors.minutes_readable(user, record) else None,
        "can_manage": can_manage,
        "sees_drafts": can(user, DRAFTS),
        "documents": [d for d in meeting.documents.all() if d.kind == Document.Kind.MINUTES],
        "approve_form": approve_form,
    }


@login_required
@GET_POST
@capability_required(MANAGE)
def minutes_edit(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    record = selectors.minutes_of(meeting)
    initial = {"text_en": "", "text_ru": "", "version": 1}
    if record is not None:
        initial = {
            "text_en": record.text_en or "",
            "text_ru": record.text_ru or "",
            "version": record.version,
        }
    form = forms.MinutesForm(request.POST or None, initial=initial)
    context = {"meeting": meeting, "form": form, "minutes": record}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            minutes_services.minutes_save(
                meeting_pk=pk,
                user=request.user,
                version=data["version"],
                text_en=data["text_en"],
                text_ru=data["text_ru"],
            )
        except StaleEdit as stale:
            context["conflict"] = conflict_context(stale.current, form, ["text_en", "text_ru"])
            return render(request, "meetings/minutes_form.html", context, status=409)
        messages.success(request, _("The minutes have been saved as a draft."))
        return redirect("meetings:minutes", pk=pk)
    return render(request, "meetings/minutes_form.html", context)


@login_required
@require_POST
@capability_required(MANAGE)
def minutes_approve(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    form = forms.MinutesApproveForm(request.POST, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            minutes_services.minutes_approve(
                meeting_pk=pk,
                user=request.user,
                version=data["version"],
                approved_on=data["approved_on"],
                approved_at=data["approved_at"],
            )
        except StaleEdit:
            messages.error(
                request,
                _(
                    "Not approved: the minutes were changed after you opened this page. Read them again, then approve."
                ),
            )
            return redirect("meetings:minutes", pk=pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The minutes have been approved; the participants receive them by e-mail.")
            )
            return redirect("meetings:minutes", pk=pk)
    context = _minutes_context(request.user, selectors.meeting_get(pk), approve_form=form)
    return render(request, "meetings/minutes.html", context, status=400)


@login_required
@require_GET
@capability_required(DRAFTS)
def minutes_revisions(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, DRAFTS)
    record = selectors.minutes_of(meeting)
    revisions = list(selectors.minutes_revisions(record)) if record else []
    context = {"meeting": meeting, "minutes": record, "revisions": revisions}
    return render(request, "meetings/minutes_revisions.html", context)


@login_required
@require_GET
@capability_required(DRAFTS)
def minutes_revision(request, pk: int, number: int):
    meeting = selectors.meeting_for(request.user, pk, DRAFTS)
    revision = get_object_or_404(
        MinutesRevision.objects.select_related("saved_by", "minutes"), minutes__meeting=meeting, number=number
    )
    context = {"meeting": meeting, "minutes": revision.minutes, "revision": revision}
    return render(request, "meetings/minutes_revision.html", context)


@login_required
@GET_POST
@capability_required(MANAGE)
def decision_new(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    form = forms.DecisionForm(request.POST or None, plan=meeting.plan)
    if request.method == "POST" and form.is_valid():
        services.decision_save(form=form, meeting=meeting, user=request.user)
        messages.success(request, _("The decision has been recorded."))
        return redirect(meeting)
    context = {"meeting": meeting, "form": form, "party_groups": party_picker_groups(form, "owner_parties")}
    return render(request, "meetings/decision_form.html", context)


@login_required
@GET_POST
@capability_required(MANAGE)
def decision_edit(request, pk: int, decision: int):
    meeting = selectors.meeting_for(request.user, pk, MANAGE)
    instance = get_object_or_404(meeting.decisions, pk=decision)
    form = forms.DecisionForm(request.POST or None, instance=instance, plan=meeting.plan)
    context = {"meeting": meeting, "form": form, "party_groups": party_picker_groups(form, "owner_parties")}
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_save(form=form, meeting=meeting, user=request.user)
        except StaleEdit as stale:
            fields = [
                "kind",
                "text_en",
                "text_ru",
                "owner_secretariat",
                "owner_core_group",
                "due_on",
                "status",
            ]
            context["conflict"] = conflict_context(stale.current, form, fields)
            return render(request, "meetings/decision_form.html", context, status=409)
        messages.success(request, _("The decision has been saved."))
        return redirect(meeting)
    return render(request, "meetings/decision_form.html", context)


@GET_POST
def decision_detail(request, pk: int, decision: int):
    """A decision's page (public, as the meeting's is) and, for its owners, the status form."""
    obj = selectors.decision_get(pk, decision)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        selectors.decision_for_update(request.user, obj)
    may_update = selectors.can_update_decision(request.user, obj)
    initial = {"status": obj.status, "version": obj.version}
    form = forms.DecisionUpdateForm(request.POST or None, initial=initial) if may_update else None
    context = {"decision": obj, "meeting": obj.meeting, "form": form, "today": timezone.localdate()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_update(
                decision_pk=obj.pk,
                user=request.user,
                version=data["version"],
                status=data["status"],
                note=data["note"],
            )
        except StaleEdit as stale:
            context["conflict"] = conflict_context(stale.current, form, ["status"])
            return render(request, "meetings/decision_detail.html", context, status=409)
        messages.success(request, _("Your update on the decision has been saved."))
        return redirect(obj)
    return render(request, "meetings/decision_detail.html", context)


@require_GET
def meeting_calendar(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _public_ics(calendars.meeting_ics(meeting), f"meeting-{meeting.pk}.ics")


@require_GET
def feed(request, token: str):
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    meetings = selectors.user_meetings(user)
    # fetched by a calendar program, not a browser: the feed is in its owner's language (titles too)
    with translation.override(user.preferred_language or "en"):
        feed = calendars.calendar_build(meetings, name=_("Prague Process meetings"))
    return _public_ics(feed, "meetings.ics")


@login_required
@require_GET
def my_calendar(request):
    return render(request, "meetings/my_calendar.html", {})


@login_required
@require_POST
def feed_renew(request):
    services.calendar_token_renew(user=request.user)
    messages.success(request, _("Your calendar address has been renewed; the old one no longer works."))
    return redirect("meetings:my-calendar")


@login_required
@require_GET
@capability_required("reminder.log.view")
def reminder_log(request):
    ours = Q(kind__startswith="meeting.") | Q(kind__startswith="decision.")  # meeting and decision mail
    rows = Notification.objects.filter(ours).select_related("recipient")
    status = request.GET.get("status", "")
    if status in Notification.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-due_at", "-pk"), 50).get_page(request.GET.get("page"))
    failed = Notification.objects.filter(ours, status=Notification.Status.FAILED).count()
    context = {
        "page": page,
        "status": status,
        "filter": forms.ReminderLogFilter(initial={"status": status}),
        "failed": failed,
    }
    return render(request, "meetings/reminder_log.html", context)
