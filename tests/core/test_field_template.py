"""The one field template: on every page that renders a form through _form.html, a field's help text
and its error are linked to the field by aria-describedby, and a field in error says so."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string

from parties.services import invitation_create

pytestmark = pytest.mark.django_db


def _tag(body: str, name: str) -> str:
    return re.search(rf'<input[^>]* name="{name}"[^>]*>', body).group(0)


def test_help_text_and_error_are_referenced_by_the_fields_aria_describedby(client, secretariat, party_a):
    _invitation, token = invitation_create(
        email="new.person@example.org", party=party_a, kind="deputy", invited_by=secretariat
    )
    url = f"/parties/invitations/{token}/"
    data = {"first_name": "Eva", "last_name": "Nová", "password1": "short", "password2": "short"}
    body = client.post(url, data).content.decode()
    password = _tag(body, "password1")
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in password
    assert 'aria-invalid="true"' in password
    assert re.search(r'<p class="help" id="id_password1_helptext">', body)
    assert re.search(r'<p class="field-error" id="id_password1_error">', body)
    assert '<div class="field has-error">' in body  # the look stays: the same classes

    fresh = client.get(url).content.decode()
    assert 'aria-describedby="id_password1_helptext"' in _tag(fresh, "password1")
    assert "aria-invalid" not in _tag(fresh, "password1")
    assert "aria-describedby" not in _tag(fresh, "first_name")  # neither help nor error


class Choices(forms.Form):
    colours = forms.MultipleChoiceField(
        choices=[("r", "red"), ("g", "green")], widget=forms.CheckboxSelectMultiple, help_text="Pick some."
    )


def test_a_group_of_choices_is_a_fieldset_that_names_its_help_and_error():
    form = Choices({})
    html = render_to_string("_form.html", {"form": form})
    assert (
        '<fieldset class="field has-error" aria-describedby="id_colours_helptext id_colours_error">' in html
    )
    assert '<p class="help" id="id_colours_helptext">Pick some.</p>' in html
    assert '<p class="field-error" id="id_colours_error">' in html
