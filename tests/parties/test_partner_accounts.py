"""The secretariat creates a partner organisation's contact person where it invites contact points."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from parties.models import ContactPointTerm, Invitation, User
from parties.notifications import notifications_send_due

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"


def _invite(client, **fields):
    data = {"email": "marie.dupont@example.org", "party": "", "kind": "primary", **fields}
    return client.post("/parties/contact-points/invite/", data)


def test_a_partner_organisations_person_is_invited_and_signs_in_as_its_contact_person(
    client_for, secretariat, partner_a
):
    assert _invite(client_for(secretariat), partner_organisation=partner_a.pk).status_code == 302
    invitation = Invitation.objects.get(email="marie.dupont@example.org")
    assert invitation.party is None and invitation.partner_organisation == partner_a
    notifications_send_due()
    (message,) = mail.outbox
    assert "contact person of UNHCR" in message.subject
    path = "/" + re.search(r"http://\S+/(parties/invitations/\S+/)", message.body).group(1)
    visitor = client_for(None)
    assert "contact person of" in visitor.get(path).content.decode()
    response = visitor.post(
        path, {"first_name": "Marie", "last_name": "Dupont", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="marie.dupont@example.org")
    assert (user.role, user.party, user.partner_organisation) == ("partner", None, partner_a)
    assert not ContactPointTerm.objects.filter(user=user).exists()


def test_the_invitation_names_a_party_or_an_organisation_with_a_message_by_the_field(
    client_for, secretariat, partner_a
):
    client = client_for(secretariat)
    both = _invite(client, party="CZ", partner_organisation=partner_a.pk)
    assert both.status_code == 200 and "not both" in both.content.decode()
    neither = _invite(client)
    assert (
        neither.status_code == 200
        and "Choose the Party (or the partner organisation)" in neither.content.decode()
    )
    assert not Invitation.objects.exists()
