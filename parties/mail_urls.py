from __future__ import annotations

from django.urls import path

from . import mail_views

# The "mail" namespace; the secretariat's audience mail (which reads meetings) is added to it in
# pragueprocess/urls.py.
urlpatterns = [
    path("preferences/", mail_views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", mail_views.unsubscribe, name="unsubscribe"),
]
