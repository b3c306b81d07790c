"""The secretariat erases a former contact point's personal data on request; their records stay,
attributed to "a former contact point of <Party>"."""

from __future__ import annotations

import pytest
from django.utils import timezone

from parties.models import Notification, User
from parties.services import term_end
from tests.factories import ActivityFactory, ContactPointTermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def former(secretariat, ncp_a, party_a):
    ncp_a.first_name, ncp_a.last_name, ncp_a.phone = "Eva", "Svobodová", "+420 1"
    ncp_a.save()
    term = ContactPointTermFactory(user=ncp_a, party=party_a)
    Notification.objects.create(
        key="k", kind="reminder", to_email=ncp_a.email, recipient=ncp_a, subject="SOM", body="Dear Eva",
        due_at=timezone.now(),
    )  # fmt: skip
    term_end(term=term, ended_on=timezone.localdate(), by=secretariat)
    return ncp_a


def test_erasing_blanks_the_person_everywhere_and_keeps_their_records(
    client_for, secretariat, former, party_a
):
    activity = ActivityFactory(party=party_a, created_by=former, state="submitted", title="Training in Brno")
    c = client_for(secretariat)
    assert "Erase personal data" in c.get("/parties/cz/").content.decode()
    assert c.post(f"/parties/contact-points/people/{former.pk}/erase/").status_code == 302
    former.refresh_from_db()
    assert former.erased_at and former.username == f"former-{former.pk}" and former.email == ""
    assert (former.first_name, former.last_name, former.phone) == ("", "", "")
    assert not former.has_usable_password()
    assert not User.history.filter(id=former.pk, last_name="Svobodová").exists()
    assert Notification.objects.get(key="k").body == "" and Notification.objects.get(key="k").to_email == ""
    page = c.get(activity.get_absolute_url()).content.decode()
    assert "Training in Brno" in page and "Svobodová" not in page
    assert str(former) == f"a former contact point of {party_a.short_name}"


def test_a_person_still_in_office_is_not_erased(client_for, secretariat, ncp_b, party_b):
    ContactPointTermFactory(user=ncp_b, party=party_b)
    c = client_for(secretariat)
    c.post(f"/parties/contact-points/people/{ncp_b.pk}/erase/")
    ncp_b.refresh_from_db()
    assert ncp_b.erased_at is None and ncp_b.email


@pytest.mark.parametrize("who", ["ncp_b", "reader"])
def test_nobody_but_the_secretariat_erases(request, client_for, former, who):
    response = client_for(request.getfixturevalue(who)).post(
        f"/parties/contact-points/people/{former.pk}/erase/"
    )
    assert response.status_code == 403
    former.refresh_from_db()
    assert former.erased_at is None
