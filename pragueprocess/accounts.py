"""Sign-in: Django's view, with a signed-in person never sent round in a loop."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    """A signed-in person who opens the sign-in page goes where `next` says, unless `next` is the
    sign-in page itself (Django would raise on that loop: a 500); then to their landing page."""

    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        if url and url.split("?")[0] == self.request.path:
            return ""  # the sign-in page is no place to return to after signing in
        return url
