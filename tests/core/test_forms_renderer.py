"""The form renderer writes choice widgets in Python: the markup must be Django's, byte for byte."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory

from actions.activity_forms import ActivityForm
from actions.filters import ActivityFilter
from actions.selectors import activity_list
from core.forms_renderer import QuickChoicesRenderer


class Tricky(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "—"), ('x<"&', "X & <y>"), ("Group & co", [("1", "one"), ("2", 'tw"o')])],
        required=False,
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "one"), ("2", "<two>")], widget=forms.SelectMultiple(attrs={"size": 4})
    )
    boxes = forms.MultipleChoiceField(
        choices=[("1", "one"), ("g", [("2", "two & more")])],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "boxes", "aria-describedby": "hint"}),
    )
    radios = forms.ChoiceField(choices=[("1", "one"), ("2", "two")], widget=forms.RadioSelect)
    disabled = forms.ChoiceField(choices=[("1", "one")], disabled=True, required=False)
    text = forms.CharField(max_length=10, help_text="hint", widget=forms.TextInput(attrs={"autofocus": True}))
    area = forms.CharField(widget=forms.Textarea, required=False)
    number = forms.IntegerField(min_value=0)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    mail = forms.EmailField()
    tick = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput)
    upload = forms.FileField(required=False)


def _both(form: forms.Form) -> list[tuple[str, str, str]]:
    """(field, Django's markup, ours) for every field of the form, as the form would render it."""
    out = []
    for bound in form:
        widget = bound.field.widget
        attrs = bound.build_widget_attrs({"id": bound.auto_id} if bound.auto_id else {})
        value = bound.value()
        theirs = widget.render(bound.html_name, value, attrs, renderer=DjangoTemplates())
        ours = widget.render(bound.html_name, value, attrs, renderer=QuickChoicesRenderer())
        out.append((bound.name, theirs, ours))
    return out


def test_the_renderer_is_the_portals():
    assert settings.FORM_RENDERER == "core.forms_renderer.QuickChoicesRenderer"


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": 'x<"&', "many": ["1", "2"], "boxes": ["2"], "radios": "2", "text": "<b>&amp;",
         "area": "line\n<two>", "number": "-1", "when": "2014-13-01", "tick": "on", "secret": '"'},
        {"plain": "2", "text": "", "area": ""},
    ],
)  # fmt: skip
def test_escaping_groups_and_selection_match_django(data):
    form = Tricky(data)
    form.is_valid()
    pairs = _both(form)
    assert len(pairs) == len(form.fields)
    for name, theirs, ours in pairs:
        assert ours == theirs, name
    assert "&lt;two&gt;" in dict((n, o) for n, _t, o in pairs)["many"]


@pytest.mark.django_db
def test_the_activity_filters_and_form_match_django(plan, party_a, secretariat):
    request = RequestFactory().get("/activities/", {"party": party_a.code, "kind": "training"})
    request.user = secretariat
    filterset = ActivityFilter(request.GET, queryset=activity_list(secretariat), request=request)
    filters = _both(filterset.form)
    pairs = filters + _both(ActivityForm(user=secretariat, plan=plan))
    assert len(pairs) >= 12
    for name, theirs, ours in pairs:
        assert ours == theirs, name
    selected = dict((n, o) for n, _t, o in filters)["party"]
    assert f'value="{party_a.code}" selected' in selected


@pytest.mark.django_db
def test_a_page_renders_its_filters_through_it(client_for, secretariat, party_a):
    response = client_for(secretariat).get("/activities/", {"party": party_a.code})
    assert response.status_code == 200
    assert f'<option value="{party_a.code}" selected>' in response.content.decode()
