"""The second factor's pages: set up (scan, confirm, keep the recovery codes), enter a code, new
recovery codes, remove one's own (roles that do not need it), and the secretariat's reset of
another person's second factor."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import two_factor
from .models import User
from .permissions import require


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/accounts/welcome/"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    if not two_factor.has_second_factor(request.user):
        return redirect(f"{request.path}setup/?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _("This code is not right, or was used already. Try the next code."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if two_factor.has_second_factor(request.user) and not two_factor.is_verified(request.user):
        return redirect(f"/accounts/two-factor/?next={_next(request)}")  # prove the old one first
    device = two_factor.totp_start(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_confirm(request=request, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            return render(
                request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error(
            "token", _("This code is not right. Check the time on your phone and try the next code.")
        )
    qr = segno.make(two_factor.otpauth_uri(device), error="m")
    context = {
        "form": form,
        "qr": mark_safe(qr.svg_inline(scale=4, title=_("QR code to scan with an authenticator app"))),
        "secret": two_factor.base32_secret(device),
        "next": _next(request),
        "required": two_factor.second_factor_required(request.user),
        "enabled": two_factor.has_second_factor(request.user),
    }
    return render(request, "registration/two_factor_setup.html", context)


@login_required
@require_POST
def two_factor_recovery_codes(request):
    if not (two_factor.has_second_factor(request.user) and two_factor.is_verified(request.user)):
        return redirect("two-factor")
    codes = two_factor.recovery_codes_new(user=request.user)
    return render(
        request, "registration/two_factor_codes.html", {"codes": codes, "next": "/parties/my-details/"}
    )


@login_required
@require_POST
def two_factor_remove(request):
    """One's own second factor off: not for the secretariat, which must keep one."""
    if two_factor.second_factor_required(request.user):
        messages.error(request, _("The secretariat must keep a second factor: set up a new device instead."))
        return redirect("two-factor-setup")
    two_factor.second_factor_remove(user=request.user, by=request.user, request=request)
    messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("parties:my-details")


@login_required
@require_POST
def two_factor_reset(request, pk: int):
    """The secretariat removes another person's second factor (a lost device); logged."""
    require(request.user, "two_factor.reset")
    person = get_object_or_404(User, pk=pk)
    two_factor.second_factor_remove(user=person, by=request.user, request=request)
    messages.success(
        request,
        _("The second factor of %(name)s is removed: they set up a new one at their next sign-in.")
        % {"name": person.get_full_name() or person.get_username()},
    )
    return redirect(request.POST.get("back") if url_has_allowed_host_and_scheme(
        request.POST.get("back", ""), {request.get_host()}) else "parties:contact-points")  # fmt: skip
