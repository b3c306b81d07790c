from __future__ import annotations

from django.urls import path

from . import views

app_name = "parties"

# The Party's own page gathers activities and meetings, so it is assembled in pragueprocess/
# and added to this namespace there (see pragueprocess/urls.py).
urlpatterns = [
    path("", views.party_list, name="list"),
]
