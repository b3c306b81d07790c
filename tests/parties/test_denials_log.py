"""Every denial on the Parties' pages writes exactly one line to the security log: a 403 where the
page's existence is public, a hiding 404 where the record must stay out of sight. A page that is
simply not there (an unknown Party code) is no denial and writes none."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import RequestFactory

from core.security import JsonFormatter, SecurityLogMiddleware
from parties.models import ContactPointTerm
from parties.permissions import Hidden, object_or_deny
from tests.factories import ContactPointTermFactory, CoreGroupMembershipFactory, PartnerOrganisationFactory

pytestmark = pytest.mark.django_db

LOGGER = "pragueprocess.security"


def _lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == LOGGER]


@pytest.fixture
def pages(party_a, ncp_a):
    term = ContactPointTermFactory(user=ncp_a, party=party_a)
    membership = CoreGroupMembershipFactory(party=party_a)
    partner = PartnerOrganisationFactory()
    return {
        "/parties/contact-points/invite/": "contact_point.manage",
        f"/parties/contact-points/terms/{term.pk}/end/": "contact_point.manage",
        "/parties/core-group/new/": "core_group.manage",
        f"/parties/core-group/{membership.pk}/end/": "core_group.manage",
        "/parties/partners/new/": "partner.manage",
        f"/parties/partners/{partner.pk}/edit/": "partner.manage",
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_403_on_a_parties_page_writes_exactly_one_security_line(client_for, reader, pages, caplog, method):
    client = client_for(reader)
    for url, capability in pages.items():
        caplog.clear()
        with caplog.at_level(logging.INFO, logger=LOGGER):
            assert getattr(client, method)(url).status_code == 403
        lines = _lines(caplog)
        assert len(lines) == 1, (url, lines)
        assert lines[0]["event"] == "forbidden_403"
        assert (lines[0]["capability"], lines[0]["user"], lines[0]["path"]) == (
            capability,
            reader.username,
            url,
        )


def test_own_details_refused_to_a_reader_writes_exactly_one_security_line(client_for, reader, caplog):
    client = client_for(reader)
    caplog.clear()  # the sign-in's own line
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client.get("/parties/my-details/").status_code == 403
    assert [(line["event"], line["capability"]) for line in _lines(caplog)] == [
        ("forbidden_403", "profile.edit")
    ]


def test_a_hiding_404_on_a_party_record_writes_exactly_one_security_line(ncp_b, party_a, ncp_a, caplog):
    term = ContactPointTermFactory(user=ncp_a, party=party_a)
    request = RequestFactory().get(f"/parties/contact-points/terms/{term.pk}/end/")
    request.user = ncp_b

    def view(request):
        object_or_deny(
            request.user, "contact_point.manage", ContactPointTerm.objects, visible=False, pk=term.pk
        )

    with caplog.at_level(logging.INFO, logger=LOGGER), pytest.raises(Hidden):
        SecurityLogMiddleware(view)(request)
    lines = _lines(caplog)
    assert len(lines) == 1
    assert (lines[0]["event"], lines[0]["party"], lines[0]["user"]) == (
        "cross_party_404",
        party_a.pk,
        ncp_b.username,
    )
    assert lines[0]["path"] == request.path


def test_a_page_that_is_not_there_is_no_denial_and_writes_nothing(client_for, ncp_a, caplog):
    client = client_for(ncp_a)
    caplog.clear()  # the sign-in's own line
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client.get("/parties/zz/").status_code == 404
        assert client.get("/parties/partners/999999/edit/").status_code == 403  # not its page
    assert [line["event"] for line in _lines(caplog)] == ["forbidden_403"]
