from __future__ import annotations

from django.urls import path

from . import views

app_name = "parties"

# The Party's own page gathers activities and meetings, so it is assembled in pragueprocess/
# and added to this namespace there, AFTER these patterns (see pragueprocess/urls.py). Party codes
# are two letters, so every fixed path here is longer than two characters ("me" is Montenegro).
urlpatterns = [
    path("", views.party_list, name="list"),
    path("contact-points/", views.contact_point_directory, name="contact-points"),
    path("contact-points/export.csv", views.contact_point_csv, name="contact-points-csv"),
    path("contact-points/export.vcf", views.contact_point_vcard, name="contact-points-vcard"),
    path("contact-points/invite/", views.invitation_new, name="invite"),
    path("contact-points/terms/<int:pk>/end/", views.term_end, name="term-end"),
    path("contact-points/people/<int:pk>/erase/", views.person_erase, name="person-erase"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
    path("my-details/", views.my_details, name="my-details"),
    path("my-details/confirm/<str:token>/", views.confirm_details, name="confirm-details"),
    path("core-group/", views.core_group, name="core-group"),
    path("core-group/history/", views.core_group_history, name="core-group-history"),
    path("core-group/new/", views.core_group_add, name="core-group-add"),
    path("core-group/<int:pk>/end/", views.core_group_end, name="core-group-end"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/new/", views.partner_edit, name="partner-new"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
]
