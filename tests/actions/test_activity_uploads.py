"""upload_limits and upload_content: size cap, type by content, generated names outside static,
served as attachments only to those who may read the activity."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.activity_forms import document_sniff
from actions.models import Activity, ActivityDocument
from tests.actions.activity_support import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    XLSX,
    activity_post,
    media_root,  # noqa: F401
    zip_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _post(client, *files, title="With documents"):
    data = activity_post(title=title)
    data["documents"] = list(files)
    return client.post("/activities/new/", data)


@pytest.mark.parametrize(
    "content,expected",
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (ODT, "application/vnd.oasis.opendocument.text"),
        (b"MZ\x90\x00 an executable", None),
        (b"<html><script>alert(1)</script></html>", None),
        (b"GIF89a", None),
        (zip_bytes({"readme.txt": b"just a zip"}), None),
        (
            zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""}),
            None,
        ),
        (b"PK\x03\x04 not really a zip", None),
        (b"", None),
    ],
)
def test_upload_content_type_is_read_from_the_bytes(content, expected):
    assert document_sniff(SimpleUploadedFile("whatever.pdf", content)) == expected


@pytest.mark.parametrize("content", [PDF, PNG, JPEG, DOCX, XLSX, ODT])
def test_upload_content_accepted_kinds_are_stored_under_generated_names(client_for, ncp_a, content):
    upload = SimpleUploadedFile("../../etc/My Report.exe", content, content_type="text/plain")
    response = _post(client_for(ncp_a), upload)
    assert response.status_code == 302
    document = ActivityDocument.objects.get()
    assert document.original_name.endswith("My Report.exe")
    stored = Path(document.file.path)
    assert stored.is_relative_to(Path(django_settings.MEDIA_ROOT))
    assert not stored.is_relative_to(Path(django_settings.STATIC_ROOT))
    assert "Report" not in stored.name and ".exe" not in stored.name
    assert stored.read_bytes() == content
    assert document.size == len(content)


def test_upload_content_a_renamed_executable_is_refused(client_for, ncp_a):
    upload = SimpleUploadedFile(
        "report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, content_type="application/pdf"
    )
    response = _post(client_for(ncp_a), upload, title="Refused")
    assert response.status_code == 200
    assert (
        "is not a PDF, DOCX, XLSX, ODT, PNG or JPEG file (checked by its content)"
        in response.content.decode()
    )
    assert 'value="Refused"' in response.content.decode()
    assert not Activity.objects.filter(title="Refused").exists()
    assert not ActivityDocument.objects.exists()


def test_upload_limits_a_file_over_the_cap_is_refused(client_for, ncp_a, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)
    response = _post(client_for(ncp_a), big, title="Too big")
    assert response.status_code == 200
    assert "is larger than the limit" in response.content.decode()
    assert not ActivityDocument.objects.exists()


def test_upload_limits_a_file_at_the_cap_is_accepted(client_for, ncp_a, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    exact = SimpleUploadedFile("exact.pdf", PDF + b"0" * (1024 - len(PDF)))
    assert _post(client_for(ncp_a), exact).status_code == 302
    assert ActivityDocument.objects.get().size == 1024


def test_upload_limits_several_files_at_once(client_for, ncp_a):
    response = _post(client_for(ncp_a), SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG))
    assert response.status_code == 302
    assert ActivityDocument.objects.count() == 2


def test_upload_content_served_as_attachment_only_to_readers_of_the_activity(client_for, cast, ncp_a):
    client = client_for(ncp_a)
    data = activity_post(title="Draft with a file", state="draft")
    data["documents"] = [SimpleUploadedFile("notes.pdf", PDF)]
    assert client.post("/activities/new/", data).status_code == 302
    document = ActivityDocument.objects.get()
    url = document.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="notes.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    for role in ("ncp_b", "reader", "coregroup"):
        assert client_for(cast[role]).get(url).status_code == 404, role
    assert client_for(None).get(url).status_code == 302
    assert client_for(cast["secretariat"]).get(url).status_code == 200
    # a document id under another activity's address is not found
    other = Activity.objects.create(
        title="Other", party=ncp_a.party, state="submitted", plan=document.activity.plan
    )
    assert client.get(f"/activities/{other.pk}/documents/{document.pk}/").status_code == 404


def test_upload_limits_media_is_not_served_by_any_url(client, ncp_a, client_for):
    data = activity_post(title="Public?")
    data["documents"] = [SimpleUploadedFile("p.pdf", PDF)]
    client_for(ncp_a).post("/activities/new/", data)
    document = ActivityDocument.objects.get()
    assert client.get("/media/" + document.file.name).status_code == 404


def test_upload_limits_deleting_a_draft_removes_its_files(
    client_for, ncp_a, django_capture_on_commit_callbacks
):
    client = client_for(ncp_a)
    data = activity_post(title="Draft to delete", state="draft")
    data["documents"] = [SimpleUploadedFile("p.pdf", PDF)]
    client.post("/activities/new/", data)
    path = Path(ActivityDocument.objects.get().file.path)
    assert path.exists()
    activity = Activity.objects.get(title="Draft to delete")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/activities/{activity.pk}/delete/")
    assert not path.exists()


def test_upload_documents_added_and_removed_on_edit_are_in_the_history(
    client_for, ncp_a, django_capture_on_commit_callbacks
):
    from tests.actions.activity_support import edit_post

    client = client_for(ncp_a)
    data = activity_post(title="Edited files")
    data["documents"] = [SimpleUploadedFile("first.pdf", PDF)]
    client.post("/activities/new/", data)
    activity = Activity.objects.get(title="Edited files")
    first = activity.documents.get()
    assert "Remove documents" in client.get(f"/activities/{activity.pk}/edit/").content.decode()
    data = edit_post(activity, remove_documents=[str(first.pk)])
    data["documents"] = [SimpleUploadedFile("second.png", PNG)]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/activities/{activity.pk}/edit/", data).status_code == 302
    assert [d.original_name for d in activity.documents.all()] == ["second.png"]
    assert not Path(first.file.path).exists()
    body = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "Document removed: first.pdf" in body and "Document added: second.png" in body
