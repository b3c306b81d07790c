"""fuzz_forms: arbitrary input to the activity form, its financing lines and partners, the list
filters and the import, posted through the views: never an exception, never a 5xx."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from actions.activity_forms import FinancingLineForm
from tests.actions.activity_support import activity_post, media_root  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

junk = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["", "0", "-1", "1e309", "NaN", "9" * 40, "2013-02-30", "\x00", "<script>", "' OR 1=1 --"]
    ),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)
ids = st.lists(st.one_of(st.integers(min_value=-5, max_value=10**12).map(str), junk), max_size=4)


@FUZZ
@given(
    title=junk,
    kind=junk,
    status=junk,
    state=junk,
    actions=ids,
    items=ids,
    other_parties=ids,
    start=junk,
    end=junk,
    links=junk,
    version=junk,
    party=junk,
)
def test_fuzz_forms_activity_form_through_the_view(
    client_for,
    ncp_a,
    title,
    kind,
    status,
    state,
    actions,
    items,
    other_parties,
    start,
    end,
    links,
    version,
    party,
):
    data = activity_post(
        title=title,
        kind=kind,
        status=status,
        state=state,
        actions=actions,
        items=items,
        other_parties=other_parties,
        start_date=start,
        end_date=end,
        links=links,
        party=party,
        version=version,
    )
    response = client_for(ncp_a).post("/activities/new/", data)
    assert response.status_code in (200, 302)


line = st.fixed_dictionaries(
    {"source": junk, "amount": junk, "currency": st.one_of(junk, st.just("EUR")), "funder": junk, "id": junk}
)


@FUZZ
@given(
    lines=st.lists(line, max_size=3),
    totals=st.tuples(junk, junk),
    partner=st.fixed_dictionaries({"organisation": junk, "role": junk}),
)
def test_fuzz_forms_financing_lines_and_partners_through_the_view(client_for, ncp_a, lines, totals, partner):
    data = activity_post(title="Fuzzed lines", partners=[partner])
    for n, row in enumerate(lines):
        for key, value in row.items():
            data[f"financing-{n}-{key}"] = value
    data["financing-TOTAL_FORMS"], data["financing-INITIAL_FORMS"] = totals
    response = client_for(ncp_a).post("/activities/new/", data)
    assert response.status_code in (200, 302)


def _sources():
    from actions.models import FinancingSource

    return st.sampled_from(
        [str(pk) for pk in FinancingSource.objects.order_by("pk").values_list("pk", flat=True)]
    )


@FUZZ
@given(form=from_form(FinancingLineForm, source=st.one_of(st.deferred(_sources), junk)))
def test_fuzz_forms_financing_line_form_validates_without_exception(plan, form):
    form.is_valid()


@FUZZ
@given(
    edit=st.dictionaries(
        st.sampled_from(["title", "version", "state", "actions", "financing-TOTAL_FORMS"]), junk
    )
)
def test_fuzz_forms_edit_through_the_view(client_for, ncp_a, edit):
    from tests.actions.activity_support import edit_post
    from tests.factories import ActivityFactory

    activity = ActivityFactory(party=ncp_a.party, state="draft")
    response = client_for(ncp_a).post(f"/activities/{activity.pk}/edit/", edit_post(activity, **edit))
    assert response.status_code in (200, 302, 409)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "area",
                "action",
                "item",
                "party",
                "group",
                "kind",
                "status",
                "state",
                "year",
                "source",
                "partner",
                "sort",
                "page",
            ]
        ),
        junk,
    )
)
def test_fuzz_forms_list_filters_and_exports(client_for, reader, params):
    client = client_for(reader)
    assert client.get("/activities/", params).status_code == 200
    response = client.get("/activities/export.csv", params)
    assert response.status_code == 200
    b"".join(response.streaming_content)


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: ("title,party,actions,financing\n" + t).encode()),
    )
)
def test_fuzz_forms_import_file(client_for, secretariat, content):
    response = client_for(secretariat).post(
        "/activities/import/", {"file": SimpleUploadedFile("f.csv", content)}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("key", ["q", "party", "group", "partner", "area", "kind", "year", "sort"])
def test_fuzz_forms_null_bytes_in_filters_are_no_error(client_for, reader, key):
    client = client_for(reader)
    assert client.get("/activities/", {key: "a\x00b"}).status_code == 200
    response = client.get("/activities/export.csv", {key: "a\x00b"})
    assert response.status_code == 200
