"""Sign-in and password reset: Django's views, with a signed-in person never sent round in a loop
and resets throttled."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.http import HttpResponseRedirect
from django.template import loader

from core.security import client_ip, log_event
from parties.notifications import AUTOMATIC_HEADERS

log = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    """A signed-in person who opens the sign-in page goes where `next` says, unless `next` is the
    sign-in page itself (Django would raise on that loop: a 500); then to their landing page."""

    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        if url and url.split("?")[0] == self.request.path:
            return ""  # the sign-in page is no place to return to after signing in
        return url


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, its mail marked automatic like every other (parties.notifications). It is sent at
    once, not through the outbox, so that a live reset link is never stored in the database."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):  # fmt: skip
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(
            subject, body, from_email, [to_email], headers=dict(AUTOMATIC_HEADERS)
        )
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        try:
            message.send()
        except Exception:  # as Django's own: the page answers the same whatever happens to the mail
            log.exception("Failed to send password reset email to %s", context["user"].pk)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, throttled per address and per client: past the limits the page
    answers as always (it never tells whether an address exists) but no mail goes out, and the
    security log says so."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if not reset_allowed(email=email, client=client_ip(self.request)):
            log_event("password_reset_throttled", self.request, email_hash=_digest(email))
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _take(key: str, limit: int, seconds: int) -> bool:
    """Count one use of `key` in a window of `seconds`; False once `limit` uses were counted."""
    cache.add(key, 0, seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        used = 1
    return used <= limit


def reset_allowed(*, email: str, client: str) -> bool:
    """At most PASSWORD_RESET_PER_ADDRESS mails to one address and PASSWORD_RESET_PER_CLIENT
    requests from one client an hour (both are counted, whatever the outcome)."""
    hour = 60 * 60
    per_address = _take(f"pwreset:address:{_digest(email)}", settings.PASSWORD_RESET_PER_ADDRESS, hour)
    per_client = _take(f"pwreset:client:{_digest(client)}", settings.PASSWORD_RESET_PER_CLIENT, hour)
    return per_address and per_client
