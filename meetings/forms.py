"""Meeting forms: they validate and narrow choices; services write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actions.models import Action, ActionPlan
from actions.selectors import plan_in_force
from core.translations import option_text
from parties.forms import both_languages, party_label
from parties.models import Notification, PartnerOrganisation, Party

from . import selectors
from .models import AgendaItem, Decision, Document, Invitation, Meeting
from .uploads import sniff

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in available_timezones() if z.startswith(("Europe/", "Asia/")))
    return [("UTC", "UTC"), *[(z, z.replace("_", " ")) for z in zones]]


def action_queryset(plan: ActionPlan | None = None, *, every_plan: bool = False):
    """The actions a meeting's form offers: the plan's own (none for a meeting outside every plan's
    years), or with `every_plan` those of each plan, newest plan first."""
    actions = Action.objects.select_related("area__plan")
    if every_plan:
        return actions.order_by("-area__plan__start_year", "area__plan", "area__order", "number")
    if plan is None:
        return actions.none()
    return actions.filter(area__plan=plan).order_by("area__order", "number")


def _plan_action_label(action: Action) -> str:
    return f"{action.area.plan.years_label} · {action.code}"


def _of_plan_only(field, plan: ActionPlan | None) -> None:
    """Another plan's action posted to a field that offers one plan's gets a message naming the plan."""
    if plan is None:
        message = gettext("Select a valid choice: a meeting outside every plan's years takes no actions.")
    else:
        message = gettext("Select a valid choice: only the actions of the plan %(years)s can be chosen.") % {
            "years": plan.years_label
        }
    field.error_messages["invalid_choice"] = message


def actions_of_plan_check(form, field: str, actions, day) -> None:
    """The actions are the plan's in force on `day` (the meeting's first day, local time)."""
    plan = plan_in_force(day)
    others = [a for a in actions if plan is None or a.area.plan_id != plan.pk]
    if not others:
        return
    codes = ", ".join(_plan_action_label(a) for a in others)
    if plan is None:
        form.add_error(
            field,
            _("No plan is in force on %(day)s: a meeting then takes no actions (%(codes)s).")
            % {"day": day.date().isoformat(), "codes": codes},
        )
    else:
        form.add_error(
            field,
            _(
                "A meeting on %(day)s belongs to the plan %(years)s: choose among its actions only "
                "(%(codes)s belong to another plan)."
            )
            % {"day": day.date().isoformat(), "years": plan.years_label, "codes": codes},
        )


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, without a zone: the form places it in the meeting's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for fmt in LOCAL_FORMATS:
            try:
                return datetime.strptime(str(value).strip(), fmt)  # noqa: DTZ007 - a wall-clock time
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def place_in_zone(naive: datetime, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone; an error for a time the clocks skip."""
    zone = ZoneInfo(zone_name)
    aware = naive.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise ValidationError(
            _("This time does not exist in %(zone)s: the clocks go forward then."), params={"zone": zone_name}
        )
    return aware.astimezone(UTC)


def local_initial(value: datetime | None, zone_name: str) -> datetime | None:
    return value.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None) if value else None


def parse_offsets(text: str) -> list[int]:
    try:
        offsets = sorted(
            {int(part) for part in text.replace(";", ",").split(",") if part.strip()}, reverse=True
        )
    except ValueError:
        raise ValidationError(_("Enter whole numbers of days separated by commas, e.g. 30, 7, 1.")) from None
    if any(n < 1 or n > 365 for n in offsets):
        raise ValidationError(_("Each offset is between 1 and 365 days."))
    return offsets


class TimesMixin:
    """Shared cleaning of the local start, end and deadline into UTC instants."""

    def clean_times(self, cleaned: dict, zone_name: str) -> None:
        for local, target in (
            ("starts_local", "starts_at"),
            ("ends_local", "ends_at"),
            ("deadline_local", "registration_deadline"),
        ):
            if local in self.fields and cleaned.get(local):
                try:
                    cleaned[target] = place_in_zone(cleaned[local], zone_name)
                except ValidationError as exc:
                    self.add_error(local, exc)
            elif local in self.fields:
                cleaned[target] = None
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_local", _("The meeting cannot end before it begins."))
        deadline = cleaned.get("registration_deadline")
        if starts and deadline and deadline > starts:
            self.add_error("deadline_local", _("The registration deadline must be before the meeting."))


ENGLISH_FIRST = _("Enter the English title: English is the plan's language, the Russian is its translation.")


class MeetingForm(TimesMixin, forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="Europe/Brussels")
    starts_local = LocalDateTimeField(label=_("Starts (local time)"))
    ends_local = LocalDateTimeField(label=_("Ends (local time)"))
    deadline_local = LocalDateTimeField(label=_("Registration deadline (local time)"), required=False)
    offsets = forms.CharField(
        label=_("Reminders (days before)"), initial="30, 7, 1", help_text=_("Separated by commas.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title_en",
            "title_ru",
            "timezone",
            "starts_local",
            "ends_local",
            "deadline_local",
            "city",
            "country",
            "address",
            "online_url",
            "host",
            "chair",
            "actions",
            "description",
            "status",
            "offsets",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        both_languages(self, "title", english_first=ENGLISH_FIRST)
        # Every plan's actions are offered (the date, which may change here, decides the plan);
        # `clean` keeps those of the plan in force at the start.
        self.fields["actions"].queryset = action_queryset(every_plan=True)
        if ActionPlan.objects.count() > 1:
            self.fields["actions"].label_from_instance = _plan_action_label
            self.fields["actions"].help_text = _(
                "Those of the plan in force at the meeting's start; each is shown with its plan's years."
            )
        self.fields["actions"].widget.attrs["size"] = 10
        self.fields["host"].queryset = Party.objects.order_by("short_name")
        self.fields["host"].label_from_instance = party_label
        self.fields["status"].choices = [
            c for c in Meeting.Status.choices if c[0] != Meeting.Status.CANCELLED
        ]
        if self.instance.pk:
            zone = self.instance.timezone
            self.initial.setdefault("starts_local", local_initial(self.instance.starts_at, zone))
            self.initial.setdefault("ends_local", local_initial(self.instance.ends_at, zone))
            self.initial.setdefault(
                "deadline_local", local_initial(self.instance.registration_deadline, zone)
            )
            self.initial.setdefault("offsets", ", ".join(str(n) for n in self.instance.reminder_offsets))
            self.initial.setdefault("version", self.instance.version)

    def clean_offsets(self):
        return parse_offsets(self.cleaned_data["offsets"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("timezone"):
            self.clean_times(cleaned, cleaned["timezone"])
        if cleaned.get("starts_local") and cleaned.get("actions"):
            actions_of_plan_check(self, "actions", cleaned["actions"], cleaned["starts_local"])
        return cleaned

    def _post_clean(self):
        # The model is written by the service (meeting_save), which calls full_clean itself.
        pass


class RescheduleForm(TimesMixin, forms.Form):
    starts_local = LocalDateTimeField(label=_("New start (local time)"))
    ends_local = LocalDateTimeField(label=_("New end (local time)"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        kwargs.setdefault(
            "initial",
            {
                "starts_local": local_initial(meeting.starts_at, meeting.timezone),
                "ends_local": local_initial(meeting.ends_at, meeting.timezone),
                "version": meeting.version,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self.clean_times(cleaned, self.meeting.timezone)
        deadline, starts = self.meeting.registration_deadline, cleaned.get("starts_at")
        if deadline and starts and starts < deadline:
            self.add_error(
                "starts_local",
                _("The meeting would begin before its registration deadline: edit the deadline first."),
            )
        local = cleaned.get("starts_local")
        if local and not self.errors:
            plan = plan_in_force(local)
            if (plan.pk if plan else None) != self.meeting.plan_id and self._has_actions():
                self.add_error(
                    "starts_local",
                    _(
                        "On this date the meeting would belong to another plan (%(years)s) than its "
                        "actions: edit the meeting to change its date and actions together."
                    )
                    % {"years": plan.years_label if plan else gettext("none")},
                )
        return cleaned

    def _has_actions(self) -> bool:
        meeting = self.meeting
        return (
            meeting.actions.exists()
            or Decision.actions.through.objects.filter(decision__meeting=meeting).exists()
            or AgendaItem.actions.through.objects.filter(agendaitem__meeting=meeting).exists()
        )


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["order", "title_en", "title_ru", "time", "actions"]
        widgets = {"time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, plan: ActionPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        both_languages(self, "title", required=False, english_first=ENGLISH_FIRST)
        self.fields["actions"].queryset = action_queryset(plan)  # the meeting's plan's
        _of_plan_only(self.fields["actions"], plan)
        self.fields["actions"].required = False
        self.fields["actions"].widget.attrs["size"] = 4
        # An empty row stays empty: no default order number that would make it look filled in.
        self.fields["order"].initial = None
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Items are listed by this number.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title_ru") and not cleaned.get("title_en") and not cleaned.get("DELETE"):
            self.add_error("title_en", ENGLISH_FIRST)
        return cleaned

    def clean_order(self):
        order = self.cleaned_data.get("order")
        return 0 if order is None else order


AgendaFormSet = forms.inlineformset_factory(
    Meeting, AgendaItem, form=AgendaItemForm, extra=3, can_delete=True, max_num=60
)


class InvitationsForm(forms.Form):
    invite_mode = forms.ChoiceField(
        label=_("Who is invited"), choices=Meeting.InviteMode.choices, widget=forms.RadioSelect
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties (for a selection)"),
        queryset=Party.objects.order_by("short_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=PartnerOrganisation.objects.filter(is_active=True).order_by("acronym"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].label_from_instance = party_label

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("invite_mode")
        if mode == Meeting.InviteMode.SELECTION and not cleaned.get("parties"):
            self.add_error("parties", _("Choose at least one Party."))
        if mode == Meeting.InviteMode.CORE_GROUP and not selectors.core_group_parties().exists():
            self.add_error("invite_mode", _("No core group has been set up yet: invite a selection instead."))
        return cleaned


class DelegateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"))


DelegateFormSet = forms.formset_factory(DelegateForm, extra=2, max_num=20, validate_max=True)


class AttendanceForm(forms.Form):
    def __init__(self, *args, invitations: list[Invitation], **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        for inv in invitations:
            self.fields[f"party_{inv.party_id}"] = forms.ChoiceField(
                label=inv.party.short_name,
                choices=Invitation.Attendance.choices,
                required=False,
                initial=inv.attendance,
            )

    def values(self) -> dict[int, str]:
        return {inv.party_id: self.cleaned_data.get(f"party_{inv.party_id}", "") for inv in self.invitations}


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "kind", "language", "agenda_item", "file"]

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting=meeting).order_by("order")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.DOCUMENT_MAX_BYTES:
            raise ValidationError(
                _("The file is too large: at most %(mb)s MB."),
                params={"mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)},
            )
        sniffed = sniff(upload)
        if sniffed is None:
            raise ValidationError(_("Upload a PDF, Word, PowerPoint, Excel or OpenDocument file."))
        self.sniffed = sniffed
        return upload


class MinutesForm(forms.Form):
    """The minutes' text in both languages; the English is required, the Russian may follow later."""

    text_en = forms.CharField(
        label=_("Minutes (English)"),
        widget=forms.Textarea(attrs={"rows": 12, "lang": "en"}),
        max_length=100_000,
    )
    text_ru = forms.CharField(
        label=_("Minutes (Russian)"),
        widget=forms.Textarea(attrs={"rows": 12, "lang": "ru"}),
        required=False,
        max_length=100_000,
        help_text=_("Optional: without it, Russian pages show the English, marked as not yet translated."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


DECISION_ENGLISH_FIRST = _(
    "Enter the English text: English is the plan's language, the Russian is its translation."
)


def meeting_label(meeting: Meeting) -> str:
    """A meeting in a list of choices: its title in the reader's language and its first day."""
    return f"{option_text(meeting, 'title')} ({meeting.starts_local:%Y-%m-%d})"


class MinutesApproveForm(forms.Form):
    """Approving the minutes: on which day, and (optionally) at which later meeting."""

    approved_on = forms.DateField(label=_("Approved on"), widget=forms.DateInput(attrs={"type": "date"}))
    approved_at = forms.ModelChoiceField(
        label=_("Approved at the meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("(not at a meeting)"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["approved_at"].queryset = selectors.later_meetings(meeting)
        self.fields["approved_at"].label_from_instance = meeting_label

    def clean_approved_on(self):
        day = self.cleaned_data["approved_on"]
        if day < self.meeting.starts_local.date():
            raise ValidationError(_("Minutes are approved on or after the day the meeting began."))
        if day > timezone.localdate() + timedelta(days=1):
            raise ValidationError(_("The day of approval cannot be in the future."))
        return day


class DecisionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Decision
        fields = [
            "kind",
            "text_en",
            "text_ru",
            "actions",
            "owner_parties",
            "owner_secretariat",
            "owner_core_group",
            "due_on",
            "status",
        ]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text_en": forms.Textarea(attrs={"rows": 4}),
            "text_ru": forms.Textarea(attrs={"rows": 4}),
            # under their geographic groups, with a filter (templates/parties/_party_picker.html)
            "owner_parties": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan: ActionPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        both_languages(self, "text", english_first=DECISION_ENGLISH_FIRST)
        self.fields["actions"].queryset = action_queryset(plan)  # the meeting's plan's
        _of_plan_only(self.fields["actions"], plan)
        self.fields["actions"].widget.attrs["size"] = 8
        owners = self.fields["owner_parties"]
        owners.queryset = Party.objects.order_by("short_name")
        owners.label_from_instance = party_label
        owners.help_text = _(
            "The Parties that follow the decision up; their contact points report its status."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not (
            cleaned.get("owner_parties")
            or cleaned.get("owner_secretariat")
            or cleaned.get("owner_core_group")
        ):
            self.add_error(
                "owner_parties",
                _(
                    "Name who follows the decision up: one or more Parties, the secretariat or the core group."
                ),
            )
        return cleaned


class DecisionUpdateForm(forms.Form):
    """An owner's report on a decision: its status now and a short note (required to close it)."""

    status = forms.ChoiceField(label=_("Status"), choices=Decision.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What has been done, or why not. Required when the decision is marked done or dropped."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") in Decision.CLOSED_STATUSES and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say in a short note how the decision was done or why it was dropped."))
        return cleaned


class ReminderLogFilter(forms.Form):
    """The reminder log's filter: shown unbound, with the status chosen as its initial value."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Notification.Status.choices]
    )
