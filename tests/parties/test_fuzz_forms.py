"""fuzz_forms: whatever is posted to the section's forms, the answer is a page or a redirect, never a 5xx,
and another Party's rows never change."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Participation
from tests.factories import ContactPointTermFactory, CoreGroupMembershipFactory, PartnerOrganisationFactory

pytestmark = pytest.mark.django_db

junk = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["", "0", "-1", "99999999999", "2014-02-30", "=cmd|' /C calc'!A0", "<script>", "III.2", "lead"]
    ),
)
FIELDS = {
    "/plans/2012-2016/participation/cz/": ["action", "role", "items", "note", "version", "party"],
    "/plans/2012-2016/participation/cz/withdraw/": ["action"],
    "/parties/my-details/": [
        "first_name",
        "last_name",
        "title",
        "organisation",
        "email",
        "phone",
        "preferred_language",
        "version",
    ],  # fmt: skip
    "/parties/contact-points/invite/": ["email", "party", "kind", "first_name", "last_name"],
    "/parties/core-group/new/": ["party", "started_on", "decided_on", "decision_reference"],
    "/parties/partners/new/": ["acronym", "name", "kind", "website", "is_active"],
}


@pytest.mark.parametrize("url", sorted(FIELDS))
def test_fuzz_forms_never_answer_5xx(url, client_for, secretariat, ncp_a, ncp_b, party_a, party_b):
    ContactPointTermFactory(user=ncp_a, party=party_a)
    term = ContactPointTermFactory(party=party_b)
    membership = CoreGroupMembershipFactory(party=party_b)
    partner = PartnerOrganisationFactory()
    extra = {
        f"/parties/contact-points/terms/{term.pk}/end/": ["ended_on"],
        f"/parties/core-group/{membership.pk}/end/": ["ended_on"],
        f"/parties/partners/{partner.pk}/edit/": FIELDS["/parties/partners/new/"] + ["version"],
    }
    user = secretariat if "participation" not in url and "my-details" not in url else ncp_a
    client = client_for(user)
    targets = {url: FIELDS[url], **(extra if url == "/parties/partners/new/" else {})}

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        before = list(Participation.objects.filter(party=party_b).values_list("action_id", "role"))
        for target, names in targets.items():
            payload = {name: data.draw(junk, label=name) for name in names}
            response = client.post(target, payload)
            assert response.status_code < 500, (target, payload)
        assert list(Participation.objects.filter(party=party_b).values_list("action_id", "role")) == before

    run()
