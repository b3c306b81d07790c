"""A document is served under a name whose extension matches the kind its content was checked to be."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from actions.models import ActivityDocument
from core.uploads import download_name
from meetings.models import Document
from tests.factories import ActivityFactory, MeetingFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content_type", "served"),
    [
        ("Agenda SOM 2016.bat", "application/pdf", "Agenda SOM 2016.pdf"),
        ("minutes.hta", "application/pdf", "minutes.pdf"),
        ("report.pdf.exe", "application/pdf", "report.pdf.pdf"),
        ("Zápis ze zasedání.pdf", "application/pdf", "Zápis ze zasedání.pdf"),
        ("..\\..\\windows\\run.cmd", "application/pdf", "run.pdf"),
        ("budget", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "budget.xlsx"),
        ("notes.v2 final", "application/vnd.oasis.opendocument.text", "notes.v2 final.odt"),
        ('a"b<c>.js', "image/png", "abc.png"),
        ("", "image/jpeg", "document.jpg"),
    ],
)
def test_the_served_name_takes_the_checked_kinds_extension(name, content_type, served):
    assert download_name(name, content_type) == served


@pytest.mark.django_db
def test_an_activity_document_named_bat_is_served_as_a_pdf(client_for, ncp_a, party_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = ActivityFactory(party=party_a, state="submitted")
    document = ActivityDocument(
        activity=activity, original_name="Agenda SOM 2016.bat", content_type="application/pdf", size=len(PDF),
        uploaded_by=ncp_a,
    )  # fmt: skip
    document.file.save("x", ContentFile(PDF), save=False)
    document.save()
    response = client_for(ncp_a).get(f"/activities/{activity.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Agenda SOM 2016.pdf"'


@pytest.mark.django_db
def test_a_meeting_document_named_hta_is_served_as_a_pdf(client_for, reader, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = MeetingFactory()
    document = Document(
        meeting=meeting, title="Minutes", kind=Document.Kind.MINUTES, filename="minutes.hta",
        content_type="application/pdf", size=len(PDF),
    )  # fmt: skip
    document.file.save("x", ContentFile(PDF), save=False)
    document.save()
    response = client_for(reader).get(f"/meetings/{meeting.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
