"""Every denial on the activity pages writes exactly one line to the security log: a hiding 404
for another Party's draft and its documents, a 403 for an edit the reader may not make. An
activity that does not exist is no denial and writes none."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Activity, ActivityDocument
from core.security import JsonFormatter
from tests.actions.activity_support import PDF, activity_post, media_root  # noqa: F401
from tests.factories import ActivityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

LOGGER = "pragueprocess.security"


def _lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == LOGGER]


def _get(client, url: str, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = client.get(url)
    return response, _lines(caplog)


@pytest.fixture
def draft_with_document(client_for, ncp_a) -> ActivityDocument:
    data = activity_post(title="Draft with a file", state="draft")
    data["documents"] = [SimpleUploadedFile("notes.pdf", PDF)]
    assert client_for(ncp_a).post("/activities/new/", data).status_code == 302
    return ActivityDocument.objects.get()


def test_another_partys_draft_is_a_hiding_404_written_once_to_the_security_log(
    client_for, ncp_b, draft_with_document, caplog
):
    activity = draft_with_document.activity
    for url in (f"/activities/{activity.pk}/", f"/activities/{activity.pk}/edit/"):
        response, lines = _get(client_for(ncp_b), url, caplog)
        assert response.status_code == 404, url
        assert len(lines) == 1, url
        assert lines[0]["event"] == "cross_party_404" and lines[0]["path"] == url
        assert lines[0]["user"] == ncp_b.username and lines[0]["capability"] == "draft.view"


def test_another_partys_draft_document_is_a_hiding_404_written_once(
    client_for, reader, draft_with_document, caplog
):
    response, lines = _get(client_for(reader), draft_with_document.get_absolute_url(), caplog)
    assert response.status_code == 404
    assert [line["event"] for line in lines] == ["cross_party_404"]


def test_an_edit_by_a_reader_is_a_403_written_once(client_for, reader, party_a, caplog):
    activity = ActivityFactory(party=party_a, state=Activity.State.SUBMITTED, title="Public work")
    response, lines = _get(client_for(reader), f"/activities/{activity.pk}/edit/", caplog)
    assert response.status_code == 403
    assert len(lines) == 1
    assert lines[0]["event"] == "forbidden_403" and lines[0]["capability"] == "activity.edit"
    assert lines[0]["party"] == party_a.pk
    activity.refresh_from_db()
    assert activity.title == "Public work"


def test_a_nonexistent_activity_is_a_plain_404_with_no_security_line(client_for, reader, caplog):
    missing = (Activity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    for url in (
        f"/activities/{missing}/",
        f"/activities/{missing}/edit/",
        f"/activities/{missing}/documents/1/",
    ):
        response, lines = _get(client_for(reader), url, caplog)
        assert response.status_code == 404, url
        assert lines == [], url


def test_the_own_partys_draft_is_read_without_a_security_line(client_for, ncp_a, draft_with_document, caplog):
    response, lines = _get(client_for(ncp_a), draft_with_document.get_absolute_url(), caplog)
    assert response.status_code == 200
    assert lines == []
