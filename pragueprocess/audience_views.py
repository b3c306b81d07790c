"""The secretariat's mail to an audience: write, preview (the recipients counted and listed), send;
and the log of what was sent. The work is in pragueprocess/audience.py."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from core.translations import option_text
from meetings.models import Meeting
from parties.models import GeographicGroup, Notification
from parties.permissions import capability_required

from . import audience
from .models import AudienceMessage

CAPABILITY = "mail.audience"
Audience = AudienceMessage.Audience
FOR_MEETING = (Audience.INVITEES, Audience.PARTICIPANTS)


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("To"), choices=Audience.choices, widget=forms.RadioSelect)
    group = forms.ModelChoiceField(
        label=gettext_lazy("Group of Parties"),
        queryset=GeographicGroup.objects.order_by("order", "name"),
        required=False,
        help_text=gettext_lazy("For the contact points of a group of Parties."),
    )
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Meeting"),
        queryset=Meeting.objects.exclude(status=Meeting.Status.CANCELLED).order_by("-starts_at"),
        required=False,
        help_text=gettext_lazy("For a meeting's invited Parties or its registered participants."),
    )
    subject = forms.CharField(label=gettext_lazy("Subject (English)"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Text (English)"), widget=forms.Textarea(attrs={"rows": 10}))
    subject_ru = forms.CharField(label=gettext_lazy("Subject (Russian)"), max_length=200, required=False)
    body_ru = forms.CharField(
        label=gettext_lazy("Text (Russian)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=gettext_lazy("Optional. Written, it reaches those whose portal language is Russian; the others, and everyone when it is empty, read the English."),
    )  # fmt: skip
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].label_from_instance = lambda g: option_text(g, "name")
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{option_text(m, 'title')} ({m.starts_at:%Y-%m-%d})"
        )
        for name in ("subject", "body"):
            self.fields[name].widget.attrs["lang"] = "en"
        for name in ("subject_ru", "body_ru"):
            self.fields[name].widget.attrs["lang"] = "ru"

    def clean(self):
        data = super().clean()
        chosen = data.get("audience")
        if chosen == Audience.GROUP and not data.get("group"):
            self.add_error("group", _("Choose the group of Parties to write to."))
        if chosen in FOR_MEETING and not data.get("meeting"):
            self.add_error("meeting", _("Choose the meeting whose people you write to."))
        subject_ru, body_ru = data.get("subject_ru", "").strip(), data.get("body_ru", "").strip()
        if subject_ru and not body_ru:
            self.add_error("body_ru", _("Write the Russian text too, or leave the Russian subject empty."))
        if body_ru and not subject_ru:
            self.add_error("subject_ru", _("Write the Russian subject too, or leave the Russian text empty."))
        return data

    def target(self) -> dict:
        data = self.cleaned_data
        return {
            "audience": data["audience"],
            "group": data["group"] if data["audience"] == Audience.GROUP else None,
            "meeting": data["meeting"] if data["audience"] in FOR_MEETING else None,
        }


@require_http_methods(["GET", "POST"])
@capability_required(CAPABILITY)
def audience_new(request):
    """Write (GET, or POST "edit"), preview (POST "preview": the recipients), send (POST "send")."""
    step = request.POST.get("step", "")
    form = AudienceForm(request.POST or None, initial={"audience": Audience.CONTACT_POINTS})
    if request.method == "GET" or step == "edit" or not form.is_valid():
        return render(request, "pragueprocess/audience_form.html", {"form": form})
    recipients = audience.audience_recipients(**form.target())
    token = form.cleaned_data.get("token")
    if step == "send" and token:
        data = form.cleaned_data
        message, created = audience.audience_message_send(
            token=token, author=request.user, **form.target(), previewed_count=len(recipients),
            subject=data["subject"], body=data["body"], subject_ru=data["subject_ru"], body_ru=data["body_ru"],
        )  # fmt: skip
        if created:
            sent = ngettext(
                "The message is on its way to %(n)s recipient.",
                "The message is on its way to %(n)s recipients.",
                len(recipients),
            )
            messages.success(request, sent % {"n": len(recipients)})
        else:
            messages.info(request, _("This message had already been sent; it was not sent again."))
        return redirect("mail:audience-detail", pk=message.pk)
    preview = AudienceForm(initial={**form.cleaned_data, "token": token or uuid.uuid4()})
    target = form.target()
    context = {
        "form": form,
        "preview": preview,
        "recipients": recipients,
        "count": len(recipients),
        "target": target,
        "audience_label": Audience(target["audience"]).label,
    }
    return render(request, "pragueprocess/audience_preview.html", context)


@require_GET
@capability_required(CAPABILITY)
def audience_list(request):
    rows = AudienceMessage.objects.select_related("author", "group", "meeting")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    counts = audience.delivery_counts(list(page.object_list))
    items = [(m, counts.get(m.pk, {})) for m in page.object_list]
    return render(request, "pragueprocess/audience_list.html", {"page": page, "items": items})


@require_GET
@capability_required(CAPABILITY)
def audience_detail(request, pk: int):
    message = get_object_or_404(AudienceMessage.objects.select_related("author", "group", "meeting"), pk=pk)
    outbox = Notification.objects.filter(kind="audience", key__startswith=audience.message_prefix(message.pk))
    page = Paginator(outbox.select_related("recipient__party").order_by("to_email", "pk"), 100).get_page(
        request.GET.get("page")
    )
    counts = audience.delivery_counts([message])[message.pk]
    return render(
        request, "pragueprocess/audience_detail.html", {"message": message, "page": page, "counts": counts}
    )
