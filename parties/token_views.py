"""A person's API tokens: make one (shown once), see when each was last used, revoke it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.security import log_denial

from .api_tokens import token_create, token_revoke
from .models import ApiToken

MAX_ACTIVE = 10


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What it is for, e.g. “Ministry project database”."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def api_tokens(request):
    user = request.user
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE:
            form.add_error("name", _("You have %(n)s active tokens: revoke one first.") % {"n": MAX_ACTIVE})
        else:
            _row, made = token_create(user=user, name=form.cleaned_data["name"])
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")
    return render(
        request,
        "parties/api_tokens.html",
        {"form": form, "made": made, "tokens": tokens},
        status=201 if made else 200,
    )


@require_POST
@login_required
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if token.user_id != request.user.pk:
        # Another person's token is out of sight: a hiding 404, logged.
        log_denial(user=request.user, capability="api_token.revoke", party_id=None, visible=False)
        from django.http import Http404

        raise Http404
    if token_revoke(token=token, by=request.user):
        messages.success(
            request, _("The token “%(name)s” is revoked: it no longer opens anything.") % {"name": token.name}
        )
    return redirect("api-tokens")
