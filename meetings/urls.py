from __future__ import annotations

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="new"),
    path("reminders/", views.reminder_log, name="reminders"),
    path("calendar/", views.my_calendar, name="my-calendar"),
    path("feed/renew/", views.feed_renew, name="feed-renew"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/reschedule/", views.meeting_reschedule, name="reschedule"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/calendar.ics", views.meeting_calendar, name="calendar"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/agenda/edit/", views.agenda_edit, name="agenda-edit"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/register/", views.register_own, name="register-own"),
    path("<int:pk>/register/<str:code>/", views.register, name="register"),
    path("<int:pk>/register/partner/<str:acronym>/", views.register_partner, name="register-partner"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/participants.csv", views.participants_csv, name="participants-csv"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/documents/new/", views.document_new, name="document-new"),
    path("<int:pk>/documents/<int:doc>/", views.document_download, name="document"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/edit/", views.minutes_edit, name="minutes-edit"),
    path("<int:pk>/minutes/approve/", views.minutes_approve, name="minutes-approve"),
    path("<int:pk>/minutes/revisions/", views.minutes_revisions, name="minutes-revisions"),
    path("<int:pk>/minutes/revisions/<int:number>/", views.minutes_revision, name="minutes-revision"),
    path("<int:pk>/decisions/new/", views.decision_new, name="decision-new"),
    path("<int:pk>/decisions/<int:decision>/", views.decision_detail, name="decision"),
    path("<int:pk>/decisions/<int:decision>/edit/", views.decision_edit, name="decision-edit"),
]
