"""Forms only validate; the services write. Choice fields are narrowed by the caller."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.translations import option_text

from .models import ContactPointTerm, CoreGroupMembership, PartnerOrganisation, Party, User
from .services import DETAIL_FIELDS, PARTNER_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def party_label(party: Party) -> str:
    """A Party in a list of choices: its short name in the reader's language."""
    return option_text(party, "short_name")


def both_languages(form: forms.BaseForm, field: str, *, required: bool = True, english_first=None) -> None:
    """A content field edited in both languages side by side: the English (required unless the whole
    row is optional) and the Russian (optional; left empty, it is stored as missing)."""
    en, ru = form.fields[f"{field}_en"], form.fields[f"{field}_ru"]
    base = form._meta.model._meta.get_field(field).verbose_name
    en.label = _("%(field)s (English)") % {"field": capfirst(base)}
    ru.label = _("%(field)s (Russian)") % {"field": capfirst(base)}
    en.required, ru.required = required, False
    if english_first:
        en.error_messages["required"] = english_first
    en.widget.attrs["lang"], ru.widget.attrs["lang"] = "en", "ru"
    ru.help_text = _("Leave empty while there is no translation: the English is shown, marked.")


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    party = forms.ModelChoiceField(
        label=_("Party"), queryset=Party.objects.order_by("short_name"), to_field_name="code", required=False
    )
    kind = forms.ChoiceField(label=_("Role"), choices=ContactPointTerm.Kind.choices)
    partner_organisation = forms.ModelChoiceField(
        label=_("Or a partner organisation"),
        queryset=PartnerOrganisation.objects.filter(is_active=True).order_by("acronym"),
        required=False,
        help_text=_("Its contact person answers its meeting invitations and registers its delegates."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].label_from_instance = party_label

    def clean(self):
        cleaned = super().clean()
        party, partner = cleaned.get("party"), cleaned.get("partner_organisation")
        if party and partner:
            self.add_error("partner_organisation", _("Choose a Party or a partner organisation, not both."))
        elif not party and not partner and "party" not in self.errors:
            self.add_error("party", _("Choose the Party (or the partner organisation) of the person."))
        return cleaned


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class TermEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Last day of the term"), widget=DATE_WIDGET)

    def __init__(self, *args, term: ContactPointTerm, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        self.fields["ended_on"].initial = timezone.localdate()

    def clean_ended_on(self):
        value = self.cleaned_data["ended_on"]
        if value < self.term.started_on:
            raise forms.ValidationError(
                _("The term cannot end before it started (%(d)s).") % {"d": self.term.started_on}
            )
        if value > timezone.localdate():
            raise forms.ValidationError(_("A term cannot be ended in the future."))
        return value


class ContactDetailsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    current_password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change your e-mail address: the old address is told of the change."),
    )

    class Meta:
        model = User
        fields = DETAIL_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email, is_active=True).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another account already uses this e-mail."))
        return email

    def clean(self):
        data = super().clean()
        # self.instance still holds the saved address here: the form's values reach it only after clean()
        changes_email = data.get("email") and data["email"].lower() != (self.instance.email or "").lower()
        if changes_email and not self.instance.check_password(data.get("current_password") or ""):
            self.add_error(
                "current_password",
                _("Enter your password to change your e-mail address.")
                if not data.get("current_password")
                else _("This is not your password: the e-mail address was not changed."),
            )
        return data


class CoreGroupMembershipForm(forms.ModelForm):
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.order_by("short_name"))

    class Meta:
        model = CoreGroupMembership
        fields = ["party", "started_on", "decided_on", "decision_reference"]
        widgets = {"started_on": DATE_WIDGET, "decided_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].label_from_instance = party_label

    def clean(self):
        data = super().clean()
        if data.get("decided_on") and data.get("started_on") and data["decided_on"] > data["started_on"]:
            self.add_error("decided_on", _("The decision comes before the membership starts."))
        return data


class CoreGroupEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Last day of membership"), widget=DATE_WIDGET)

    def __init__(self, *args, membership: CoreGroupMembership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["ended_on"].initial = timezone.localdate()

    def clean_ended_on(self):
        value = self.cleaned_data["ended_on"]
        if value < self.membership.started_on:
            raise forms.ValidationError(_("The membership cannot end before it started."))
        return value


class PartnerForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PartnerOrganisation
        fields = PARTNER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        both_languages(self, "name")


def chosen_values(form: forms.BaseForm, name: str) -> set[str]:
    """The values of a multiple-choice field as the form holds them (posted, or initial), as text."""
    if name not in form.fields:
        return set()
    value = form[name].value() or []
    return {str(v) for v in (value if isinstance(value, list | tuple) else [value])}


def choice_boxes(form: forms.BaseForm, name: str) -> tuple[dict[str, str], dict[str, str]]:
    """{value: the id Django's own widget gives its box}, {value: its label}, from the field's
    (cached) choices: the error summary links to the first box, as with any group of choices."""
    field = form[name]
    ids, labels = {}, {}
    for index, (value, label) in enumerate(form.fields[name].widget.choices):
        ids[str(value)] = f"{field.auto_id}_{index}"
        labels[str(value)] = label
    return ids, labels


def party_picker_groups(form: forms.BaseForm, name: str, *, exclude: int | None = None) -> list[dict]:
    """The Parties a multiple-choice field offers, under their geographic groups, each box with its
    id, label and whether it is ticked (templates/parties/_party_picker.html). One query."""
    from itertools import groupby

    from .selectors import party_list

    ids, labels = choice_boxes(form, name)
    chosen = chosen_values(form, name)
    groups = []
    for group, parties in groupby(party_list(), key=lambda p: p.group):
        rows = [
            {
                "party": party,
                "id": ids[str(party.pk)],
                "label": labels[str(party.pk)],
                "checked": str(party.pk) in chosen,
            }
            for party in parties
            if str(party.pk) in ids and party.pk != exclude
        ]
        if rows:
            groups.append({"group": group, "parties": rows})
    return groups


class MessageForm(forms.Form):
    """A message in a record's conversation (parties/threads.py)."""

    text = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your message before sending it.")},
    )


class MailPreferencesForm(forms.Form):
    """One choice per optional category of mail (parties.mailkinds): immediately, weekly, not at all."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        from .mailkinds import CATEGORIES
        from .models import MailPreference

        for code, mode in current.items():
            category = CATEGORIES[code]
            self.fields[code] = forms.ChoiceField(
                label=category.label,
                help_text=category.description,
                choices=MailPreference.Mode.choices,
                initial=mode,
                widget=forms.RadioSelect,
                # A category the post leaves out keeps its choice (a page written before the
                # category existed, a client that sends one).
                required=False,
            )
