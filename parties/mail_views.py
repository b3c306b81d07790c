"""One's choice of mail (per optional category: immediately, weekly digest, not at all) and the
one-click unsubscribe link of every optional mail (RFC 8058)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.security import log_event

from . import mailprefs
from .forms import MailPreferencesForm
from .mailkinds import CATEGORIES, kinds_of
from .models import User
from .permissions import capability_required

GET_POST = require_http_methods(["GET", "POST"])


def preferences_form(user: User, data=None) -> MailPreferencesForm:
    return MailPreferencesForm(data, current=mailprefs.preferences_of(user), prefix="mail")


@GET_POST
@capability_required("mail.preferences")
def preferences(request):
    form = preferences_form(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mailprefs.mail_preferences_save(user=request.user, modes=form.cleaned_data)
        messages.success(request, _("Your choice of e-mails is saved."))
        back = "parties:my-details" if request.POST.get("next") == "details" else "mail:preferences"
        return redirect(back)
    return render(request, "parties/mail_preferences.html", {"mail_form": form})


# The link in a mail's List-Unsubscribe header is posted by the mail client itself (RFC 8058), with
# no session and no CSRF token: the signed token is what identifies the person and the category.
@csrf_exempt
@GET_POST
def unsubscribe(request, token: str):
    """GET shows what the link does and one button (mail scanners open links with GET); POST, from
    that button or from the mail client's one click, sets the category to "not at all"."""
    found = mailprefs.unsubscribe_token_read(token)
    person = None
    if found is not None:
        person = User.objects.filter(pk=found[0], is_active=True).first()
    if person is None:  # a forged or mangled link, or a closed account: one line in the security log
        log_event("mail_link_invalid", request, reason="unsubscribe")
        return render(request, "parties/mail_unsubscribe.html", {"invalid": True}, status=404)
    category = CATEGORIES[found[1]]
    done = False
    if request.method == "POST":
        mailprefs.mail_unsubscribe(user=person, category=category.code)
        done = True
    context = {"person": person, "category": category, "kinds": kinds_of(category.code), "done": done}
    return render(request, "parties/mail_unsubscribe.html", context)
