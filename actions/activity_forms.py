"""Forms of the activity pages: they validate and narrow choices, they never write.

The same `ActivityForm` and financing/partner formsets validate what the UI posts and every row of an
import, so a rule holds whichever way the data arrives.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import use_cached_choices
from core.translations import option_text
from core.uploads import document_kind, pending_open
from parties.forms import party_label as _party_label
from parties.models import PartnerOrganisation, Party
from parties.permissions import ALL, scope

from .models import Action, ActionItem, Activity, ActivityPartner, FinancingLine, FinancingSource

# ISO 4217 active currency codes (alphabetic), the list a financing line's currency is checked against.
_CURRENCY_TEXT = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES
    VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG
"""
CURRENCY_CODES = tuple(_CURRENCY_TEXT.split())
CURRENCY_CHOICES = [(code, code) for code in CURRENCY_CODES]


def _currency_choices():
    # Given to the field as a function: a list of 155 pairs is deep-copied with each line's form
    # (0.4 ms a line), a function is not.
    return CURRENCY_CHOICES


PDF, DOCX, XLSX, ODT, PNG, JPEG = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "image/png",
    "image/jpeg",
)


ACCEPTED_DOCUMENTS = {PDF, DOCX, XLSX, ODT, PNG, JPEG}


def document_sniff(upload) -> str | None:
    """The document's content type read from its content (never its name), or None when not accepted."""
    found = document_kind(upload)
    return found[0] if found and found[0] in ACCEPTED_DOCUMENTS else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Zero or more documents; each is checked for size and for its type by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        for upload in files:
            upload = super().clean(upload, initial)
            if not upload:
                continue
            if upload.size > settings.DOCUMENT_MAX_BYTES:
                raise ValidationError(
                    _("%(name)s is larger than the limit of %(limit)s MB."),
                    code="too_large",
                    params={"name": upload.name, "limit": round(settings.DOCUMENT_MAX_BYTES / 1048576, 1)},
                )
            content_type = document_sniff(upload)
            if content_type is None:
                raise ValidationError(
                    _("%(name)s is not a PDF, DOCX, XLSX, ODT, PNG or JPEG file (checked by its content)."),
                    code="bad_type",
                    params={"name": upload.name},
                )
            upload.sniffed_type = content_type
            cleaned.append(upload)
        return cleaned


class TokensField(forms.Field):
    """Hidden values posted as a list (signed tokens): each one is checked by the form's clean_<name>."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _is_own_scope_only(user, capability: str) -> bool:
    return scope(user, capability) is not ALL


class ActivityForm(forms.ModelForm):
    """The activity's own fields. A contact point gets no Party field: the Party is theirs.

    The page posts the state through its buttons (the view maps "Save draft" and "Submit" to it); an
    import row posts it as a field. Documents kept from a post that did not validate come back as
    signed tokens (`pending_documents`, core.uploads.pending_keep) and are saved unless other files
    are chosen in their place."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    documents = DocumentsField(
        label=_("Documents"),
        help_text=_("PDF, DOCX, XLSX, ODT, PNG or JPEG; you may choose several files."),
    )
    pending_documents = TokensField(required=False)

    # The error summary's links (core/templatetags/error_summary.py) for what the page lays out
    # otherwise: the state is chosen by the buttons, a kept document stands by the file input.
    error_anchors = {"state": "activity-submit", "pending_documents": "id_documents"}

    class Meta:
        model = Activity
        fields = [
            "title",
            "party",
            "kind",
            "status",
            "state",
            "actions",
            "items",
            "start_date",
            "end_date",
            "description",
            "outputs",
            "other_parties",
            "links",
        ]
        widgets = {
            "actions": forms.CheckboxSelectMultiple,
            "items": forms.CheckboxSelectMultiple,
            "other_parties": forms.CheckboxSelectMultiple,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "outputs": forms.Textarea(attrs={"rows": 3}),
            "links": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # An existing activity is edited under its own plan; a new one under the plan given.
        if self.instance.pk:
            plan = self.instance.plan
        self.plan = plan
        actions = Action.objects.select_related("area").order_by("area__order", "number")
        items = ActionItem.objects.select_related("action__area").order_by(
            "action__area__order", "action__number", "letter"
        )
        if plan is not None:
            actions = actions.filter(area__plan=plan)
            items = items.filter(action__area__plan=plan)
            # What another plan's action or item would meet instead of "not one of the choices".
            for name, message in (
                (
                    "actions",
                    gettext("Select a valid choice: only the actions of the plan %(years)s can be chosen."),
                ),
                (
                    "items",
                    gettext("Select a valid choice: only the items of the plan %(years)s can be chosen."),
                ),
            ):
                self.fields[name].error_messages["invalid_choice"] = message % {"years": plan.years_label}
        self.fields["actions"].queryset = actions
        self.fields["actions"].required = False
        self.fields["actions"].label_from_instance = lambda a: f"{a.code} – {_short(option_text(a, 'text'))}"
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.action.code} {i.letter}) {_short(option_text(i, 'text'))}"
        )
        self.fields["items"].help_text = _("Choosing an item also records its action.")
        self.fields["other_parties"].queryset = Party.objects.order_by("order")
        self.fields["other_parties"].required = False
        self.fields["other_parties"].label_from_instance = _party_label
        if _is_own_scope_only(user, "activity.create"):
            # mass_assignment: a contact point's activity belongs to its Party whatever is posted.
            del self.fields["party"]
        else:
            self.fields["party"].queryset = Party.objects.order_by("order")
            self.fields["party"].label_from_instance = _party_label
        # Archived is reached by deleting, never by a form; a submitted activity stays submitted.
        states = [Activity.State.DRAFT, Activity.State.SUBMITTED]
        if self.instance.pk and self.instance.state == Activity.State.SUBMITTED:
            states = [Activity.State.SUBMITTED]
        self.fields["state"] = forms.ChoiceField(
            label=_("State"),
            choices=[(s.value, s.label) for s in states],
            initial=self.instance.state if self.instance.pk else Activity.State.DRAFT,
            help_text=_(
                "A draft is seen only by your Party and the secretariat. Once submitted, an activity "
                "stays visible to all members and records your Party in the actions it has not joined."
            ),
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            documents = self.instance.documents.order_by("pk")
            if documents.exists():
                self.fields["remove_documents"] = forms.ModelMultipleChoiceField(
                    label=_("Remove documents"),
                    queryset=documents,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
        if not self.is_bound:  # a form in error gives the focus to its error summary
            self.fields["title"].widget.attrs.setdefault("autofocus", True)
        use_cached_choices(self)
        self.pending_uploads: list = []

    def clean_pending_documents(self):
        # Any token is accepted as a value (the choices are not listed); it counts only if it opens
        # a file kept for this very user.
        opened = []
        for token in self.cleaned_data.get("pending_documents") or []:
            upload = pending_open(token, user_id=self.user.pk)
            if upload is None:
                raise ValidationError(
                    _("A file kept from your last attempt is no longer available: choose it again."),
                    code="pending_gone",
                )
            opened.append(upload)
        self.pending_uploads = opened
        return [u.pending_token for u in opened]

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data.get("links", "").splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    _("%(line)s is not a web address (http:// or https://)."), params={"line": line[:80]}
                ) from None
            if not urlsplit(line).netloc:
                raise ValidationError(_("%(line)s has no host."), params={"line": line[:80]})
        return "\n".join(lines)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("documents") and "documents" not in self.errors:
            # Files chosen now replace the ones kept; none chosen, the kept ones are saved.
            cleaned["documents"] = list(self.pending_uploads)
        actions = set(cleaned.get("actions") or [])
        items = cleaned.get("items") or []
        actions.update(item.action for item in items)
        if not actions and "actions" not in self.errors and "items" not in self.errors:
            self.add_error("actions", _("Choose at least one action or item."))
        cleaned["actions"] = sorted(actions, key=lambda a: (a.area.order, a.number))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        if self.plan is not None:
            # The plan is the one in force at the start; an undated start leaves the end to tell.
            field, day = ("start_date", start) if start else ("end_date", end)
            if day and not self.plan.in_force_on(day):
                self.add_error(
                    field,
                    _(
                        "The plan %(plan)s runs from %(start)s to %(end)s: this date is outside its "
                        "years. Log an activity of another year under the plan in force then."
                    )
                    % {
                        "plan": self.plan.years_label,
                        "start": self.plan.start_year,
                        "end": self.plan.end_year,
                    },
                )
        party = cleaned.get("party") or (self.instance.party if self.instance.party_id else None)
        if party is not None and party in (cleaned.get("other_parties") or []):
            self.add_error("other_parties", _("The reporting Party is not one of the other Parties."))
        return cleaned


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class RowChoiceField(forms.ModelChoiceField):
    """A row's choice (its financing source, its organisation, the row itself). In a line formset
    it is looked up among the objects the formset read once (`known`), not asked for row by row."""

    known = None  # set by _LineFormSet: a function returning {pk: object}

    def to_python(self, value):
        if self.known is None or value in self.empty_values:
            return super().to_python(value)
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            found = self.known().get(self.queryset.model._meta.pk.to_python(value))
        except (ValidationError, TypeError):
            found = None
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return found


class FinancingLineForm(forms.ModelForm):
    currency = forms.ChoiceField(label=_("Currency"), choices=_currency_choices, initial="EUR")
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)

    class Meta:
        model = FinancingLine
        fields = ["source", "amount", "currency", "funder"]
        field_classes = {"source": RowChoiceField}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        sources = FinancingSource.objects.order_by("order")
        if plan is not None:
            sources = sources.filter(plan=plan)
            self.fields["source"].error_messages["invalid_choice"] = gettext(
                "Select a valid choice: only the financing sources of the plan %(years)s can be chosen."
            ) % {"years": plan.years_label}
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda s: option_text(s, "name")
        use_cached_choices(self)

    def _get_validation_exclusions(self):
        # The fields have just checked what the model would check again, each check a query per
        # line: the source is one of the plan's (and exists), the amount is at least 0 with 14 digits
        # and 2 decimals, the currency is one of the list. No unique rule of a line involves them.
        exclusions = super()._get_validation_exclusions()
        exclusions.update({"source", "amount", "currency"})
        return exclusions


class PartnerForm(forms.ModelForm):
    class Meta:
        model = ActivityPartner
        fields = ["organisation", "role"]
        labels = {"organisation": _("Organisation")}
        field_classes = {"organisation": RowChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = PartnerOrganisation.objects.filter(is_active=True).order_by(
            "acronym"
        )
        use_cached_choices(self)

    def _get_validation_exclusions(self):
        # The field has just found the organisation among the active ones; the model would ask
        # whether it exists, and whether the activity has it in that role already, row by row. A save
        # replaces the activity's partners all together, so the rule that counts is that no two rows
        # submitted together repeat one: _PartnerFormSet.clean.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("organisation")
        return exclusions


class _OwnRowField(RowChoiceField):
    """The hidden id of an existing row: one of the activity's own rows, which the formset has read.

    Django's own field asks the database for each row, and would accept a row of another activity
    (then ignored)."""

    default_error_messages = {
        "invalid_choice": _(
            "This row is no longer one of the activity's (it may have been removed meanwhile): "
            "open the activity again to edit it."
        ),
    }


class _LineFormSet(BaseInlineFormSet):
    def __init__(self, *args, plan=None, **kwargs):
        self.plan = plan
        self._known = {}
        super().__init__(*args, **kwargs)

    def _own_rows(self) -> dict:
        # Django's own {pk: row} of the formset (what _existing_object reads): one query for both.
        if not hasattr(self, "_object_dict"):
            self._object_dict = {o.pk: o for o in self.get_queryset()}
        return self._object_dict

    def _choices(self, name: str, queryset) -> dict:
        """The objects the rows' field `name` chooses from, read once for every row of the formset."""
        if name not in self._known:
            self._known[name] = {o.pk: o for o in queryset}
        return self._known[name]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self._pk_field.name
        own = form.fields[name]
        form.fields[name] = _OwnRowField(
            queryset=own.queryset, initial=own.initial, required=False, widget=own.widget
        )
        form.fields[name].known = self._own_rows
        for field_name, field in form.fields.items():
            if isinstance(field, RowChoiceField) and field_name != name:
                field.known = partial(self._choices, field_name, field.queryset)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.plan is not None:
            kwargs["plan"] = self.plan
        return kwargs


FinancingLineFormSet = inlineformset_factory(
    Activity,
    FinancingLine,
    form=FinancingLineForm,
    formset=_LineFormSet,
    extra=1,
    max_num=30,
    validate_max=True,
    absolute_max=60,
    can_delete=True,
    can_delete_extra=True,  # a line added on the page is removed by its own "Remove" box
)


class _PartnerFormSet(_LineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("organisation"):
                continue
            key = (data["organisation"].pk, data.get("role"))
            if key in seen:
                raise ValidationError(
                    _("%(organisation)s is listed twice in the same role: keep one of the two rows.")
                    % {"organisation": data["organisation"]},
                    code="duplicate",
                )
            seen.add(key)


PartnerFormSet = inlineformset_factory(
    Activity,
    ActivityPartner,
    form=PartnerForm,
    formset=_PartnerFormSet,
    extra=0,
    max_num=30,
    validate_max=True,
    absolute_max=60,
    can_delete=True,
    can_delete_extra=True,
)


def lines_of(formset) -> list[dict]:
    """The financing or partner rows a valid formset keeps, as plain dicts for the services."""
    rows = []
    initial = set(map(id, formset.initial_forms))
    for form in formset.forms:
        # An existing line left untouched is kept; an extra line left blank is not a line.
        if id(form) not in initial and not form.has_changed():
            continue
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        rows.append({k: v for k, v in form.cleaned_data.items() if k not in {"DELETE", "id", "activity"}})
    return rows


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("In the layout of the export: the first row names the columns."),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        head = upload.read(4)
        upload.seek(0)
        if head.startswith(b"PK\x03\x04"):
            if document_sniff(upload) != XLSX:
                raise ValidationError(_("This ZIP file is not an XLSX workbook."))
            upload.import_kind = "xlsx"
        else:
            try:
                upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file is neither UTF-8 CSV nor XLSX.")) from None
            finally:
                upload.seek(0)
            upload.import_kind = "csv"
        return upload


class ActivityReturnForm(forms.Form):
    """The secretariat returns a submitted activity to its Party: the comment is required."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label=_("What the Party should change"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the Party should change.")},
    )


class ActivitySettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    readers_checked_only = forms.BooleanField(
        label=_("Readers see only checked activities"),
        required=False,
        help_text=_(
            "Ministers and senior officials (the reader role) then see only the activities the "
            "secretariat has checked: in the lists, the exports, the activity pages and the Party "
            "and action pages. Contact points and the secretariat see every submitted activity."
        ),
    )
