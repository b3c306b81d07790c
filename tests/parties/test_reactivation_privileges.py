"""Accepting an invitation sets exactly the invited role: an earlier account with the same address
comes back without its superuser and staff flags, groups, permissions or second-factor devices."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from parties.notifications import notifications_send_due
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-password-1"


def test_a_former_secretariat_member_invited_as_a_deputy_gets_a_deputys_rights_only(
    client_for, secretariat, party_a, party_b
):
    former = UserFactory(
        username="old-sec", email="old.sec@example.org", role="secretariat", is_staff=True,
        is_superuser=True, is_active=False,
    )  # fmt: skip
    group = Group.objects.create(name="editors")
    group.permissions.add(Permission.objects.get(codename="change_activity"))
    former.groups.add(group)
    former.user_permissions.add(Permission.objects.get(codename="delete_activity"))
    TOTPDevice.objects.create(user=former, name="old phone", confirmed=True)
    other_draft = ActivityFactory(party=party_b, state="draft", title="Germany's draft")

    invite = client_for(secretariat).post(
        "/parties/contact-points/invite/", {"email": former.email, "party": "CZ", "kind": "deputy"}
    )
    assert invite.status_code == 302
    notifications_send_due()
    token = re.search(r"/parties/invitations/(\S+?)/", mail.outbox[-1].body).group(1)
    accepted = client_for(None).post(
        f"/parties/invitations/{token}/",
        {"first_name": "Back", "last_name": "Again", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert accepted.status_code == 302

    former.refresh_from_db()
    assert (former.role, former.party, former.is_active) == ("contact_point", party_a, True)
    assert not former.is_superuser and not former.is_staff
    assert not former.groups.exists() and not former.user_permissions.exists()
    assert not TOTPDevice.objects.filter(user=former).exists()

    c = client_for(former)
    assert c.get("/admin/").status_code == 403
    assert c.get(f"/activities/{other_draft.pk}/").status_code == 404
    assert "Germany's draft" not in c.get("/activities/").content.decode()
