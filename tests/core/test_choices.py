"""Reference lists in forms come from the cache, look exactly the same, and follow every edit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.activity_forms import ActivityForm
from parties.models import PartnerOrganisation, Party
from tests.factories import ActivityFactory, FinancingLineFactory, PartnerOrganisationFactory

pytestmark = pytest.mark.django_db

REFERENCE_TABLES = (
    "parties_party",
    "parties_partnerorganisation",
    "parties_geographicgroup",
    "actions_financingsource",
    "actions_priorityarea",
)


def _reference_reads(queries) -> list[str]:
    """Queries that read a whole reference list (no WHERE on an id or code)."""
    return [
        q["sql"]
        for q in queries
        if any(f'FROM "{t}"' in q["sql"] for t in REFERENCE_TABLES)
        and '"id" = ' not in q["sql"]
        and '"code" = ' not in q["sql"]
        and " IN (" not in q["sql"]
    ]


def test_the_activity_list_reads_its_filter_lists_once(client_for, secretariat, plan):
    c = client_for(secretariat)
    with CaptureQueriesContext(connection) as first:
        cold = c.get("/activities/").content.decode()
    with CaptureQueriesContext(connection) as second:
        warm = c.get("/activities/").content.decode()
    assert len(_reference_reads(first.captured_queries)) >= 4
    assert _reference_reads(second.captured_queries) == []
    assert len(second) <= len(first) - 4
    assert warm == cold.replace(_token(cold), _token(warm))  # the same page, but for the CSRF token


def _token(html: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    return html.split(marker, 1)[1].split('"', 1)[0] if marker in html else ""


def test_an_edit_to_reference_data_shows_on_the_next_request(client_for, secretariat, plan):
    c = client_for(secretariat)
    c.get("/activities/")
    PartnerOrganisationFactory(acronym="NEWORG", name="A new organisation")
    assert ">NEWORG" in c.get("/activities/").content.decode()
    party = Party.objects.get(code="CZ")
    party.short_name = "Czechia (renamed)"
    party.save()
    assert "Czechia (renamed)" in c.get("/activities/").content.decode()
    PartnerOrganisation.objects.filter(acronym="NEWORG").delete()
    assert ">NEWORG" not in c.get("/activities/").content.decode()


def test_the_edit_page_reads_the_sources_once_for_all_its_lines(client_for, secretariat, plan, party_a):
    activity = ActivityFactory(party=party_a)
    for _ in range(3):
        FinancingLineFactory(activity=activity)
    c = client_for(secretariat)
    url = f"/activities/{activity.pk}/edit/"
    assert c.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        body = c.get(url).content.decode()
    assert not any('FROM "actions_financingsource"' in q["sql"] for q in warm.captured_queries)
    assert body.count('name="financing-0-source"') == 1 and 'name="financing-2-source"' in body


def test_cached_choices_render_exactly_as_the_fields_own(secretariat, plan):
    cache.clear()
    fresh = ActivityForm(user=secretariat, plan=plan)
    cold = {name: str(fresh[name]) for name in ("party", "actions", "items", "other_parties")}
    again = ActivityForm(user=secretariat, plan=plan)
    with CaptureQueriesContext(connection) as rendering:
        warm = {name: str(again[name]) for name in cold}
    assert warm == cold
    assert _reference_reads(rendering.captured_queries) == []
    assert 'value="' in warm["actions"] and "I.1 –" in warm["actions"]


def test_a_cache_emptied_meanwhile_never_serves_a_list_kept_in_memory(client_for, secretariat, plan):
    """Each process keeps the lists it read under their generation; an emptied (or evicted) cache
    starts a new generation, so a change made without a signal in between still shows."""
    c = client_for(secretariat)
    cache.clear()  # the lists are read under a generation that starts here…
    assert ">QUIETORG" not in c.get("/activities/").content.decode()
    cache.clear()  # …and after this, under one that starts anew
    PartnerOrganisation.objects.bulk_create(  # no signal: only the new generation can show it
        [PartnerOrganisation(acronym="QUIETORG", name="Added without a signal")]
    )
    assert ">QUIETORG" in c.get("/activities/").content.decode()


def test_a_form_that_is_only_validated_reads_no_list(secretariat, plan):
    """A successful save validates its forms and redirects: their lists are never read."""
    from core import choices

    cache.clear()
    choices._local.clear()
    data = {"title": "x", "kind": "other", "status": "planned", "state": "draft", "version": "1"}
    form = ActivityForm(data, user=secretariat, plan=plan)
    form.is_valid()
    assert choices._local == {}
    assert 'value="' in str(form["actions"])  # rendering reads it
    assert len(choices._local) == 1


def test_lists_that_differ_only_in_a_value_are_kept_apart(secretariat, plan):
    """Two forms whose field lists differ by a condition's value get their own lists."""
    from django import forms as django_forms

    from core.choices import use_cached_choices

    class PartyForm(django_forms.Form):
        party = django_forms.ModelChoiceField(queryset=Party.objects.none())

    def rendered(**where):
        form = PartyForm()
        form.fields["party"].queryset = Party.objects.filter(**where).order_by("code")
        use_cached_choices(form)
        return str(form["party"])

    cz, de = rendered(code="CZ"), rendered(code="DE")
    assert ">Czech Republic<" in cz and ">Germany<" not in cz
    assert ">Germany<" in de and ">Czech Republic<" not in de
    assert rendered(code="CZ") == cz
