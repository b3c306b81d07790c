"""The activity and participation forms render their fields through the one field template: each
help text carries the id its widget's aria-describedby names, and errors stand next to the field."""

from __future__ import annotations

import re

import pytest

from tests.actions.activity_support import activity_post

pytestmark = pytest.mark.django_db


def _described(body: str, name: str) -> str:
    """The id the widget named `name` is described by, checked to be an element of the page."""
    widget = re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', body).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', widget).group(1)
    assert f'id="{described}"' in body
    return described


def test_the_activity_forms_help_text_is_linked_to_its_field(client_for, ncp_a):
    body = client_for(ncp_a).get("/activities/new/").content.decode()
    assert _described(body, "links") == "id_links_helptext"
    assert 'id="id_links_helptext">One address per line.</p>' in body


def test_an_activity_field_error_stands_next_to_its_field(client_for, ncp_a):
    response = client_for(ncp_a).post("/activities/new/", activity_post(title=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<div class="field has-error">\s*<label for="id_title">', body)
    assert 'id="id_title_error"' in body


def test_the_participation_forms_help_text_is_linked_to_its_field(client_for, ncp_a):
    body = client_for(ncp_a).get("/plans/2012-2016/participation/cz/").content.decode()
    assert _described(body, "since") == "id_since_helptext"
