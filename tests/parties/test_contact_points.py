"""The contact-point network: invitations, terms of office, own details, the directory, exports."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from actions.models import Participation
from parties.models import ContactPointTerm, DetailsConfirmation, Invitation, Notification, User
from parties.notifications import notifications_send_due
from parties.services import DETAIL_FIELDS, invitation_create, term_end
from tests.factories import ContactPointTermFactory, ParticipationFactory, UserFactory, action

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"


def _invite(client, email="eva.svobodova@example.cz", party="CZ", kind="primary"):
    return client.post("/parties/contact-points/invite/", {"email": email, "party": party, "kind": kind})


def _link_from_mail() -> str:
    notifications_send_due()
    assert len(mail.outbox) == 1
    return re.search(r"http://\S+/parties/invitations/\S+/", mail.outbox[0].body).group(0)


def _accept(client, path, first="Eva", last="Svobodová"):
    return client.post(
        path, {"first_name": first, "last_name": last, "password1": PASSWORD, "password2": PASSWORD}
    )


# --- invitations -------------------------------------------------------------------------------


def test_invitation_is_accepted_once_then_the_link_is_dead(client_for, secretariat, party_a):
    assert _invite(client_for(secretariat)).status_code == 302
    link = _link_from_mail()
    path = link.split("127.0.0.1:8000")[-1] if "127.0.0.1:8000" in link else "/" + link.split("/", 3)[3]
    assert mail.outbox[0].to == ["eva.svobodova@example.cz"]

    visitor = client_for(None)
    assert visitor.get(path).status_code == 200
    response = _accept(visitor, path)
    assert response.status_code == 302 and response["Location"] == "/parties/my-details/"
    user = User.objects.get(email="eva.svobodova@example.cz")
    assert user.role == "contact_point" and user.party == party_a and user.check_password(PASSWORD)
    assert ContactPointTerm.objects.get(user=user, ended_on__isnull=True).kind == "primary"
    assert visitor.get("/parties/my-details/").status_code == 200  # signed in

    again = client_for(None)
    dead = again.get(path)
    assert dead.status_code == 410 and "already been used" in dead.content.decode()
    assert _accept(again, path, first="Mallory").status_code == 410
    assert User.objects.filter(email="eva.svobodova@example.cz").count() == 1
    assert User.objects.get(pk=user.pk).first_name == "Eva"


def test_expired_invitation_explains_itself(client, secretariat, party_a):
    past = timezone.now() - dt.timedelta(days=8)
    _invitation, token = invitation_create(
        email="late@example.org", party=party_a, kind="deputy", invited_by=secretariat, now=past
    )
    response = client.get(f"/parties/invitations/{token}/")
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert _accept(client, f"/parties/invitations/{token}/").status_code == 410
    assert not User.objects.filter(email="late@example.org").exists()


def test_unknown_invitation_token_is_404_with_an_explanation(client, plan):
    response = client.get("/parties/invitations/not-a-token/")
    assert response.status_code == 404 and "not valid" in response.content.decode()


def test_invitation_for_a_current_contact_points_email_is_refused_next_to_the_field(
    client_for, secretariat, ncp_a, party_a
):
    ContactPointTermFactory(user=ncp_a, party=party_a)
    response = _invite(client_for(secretariat), email=ncp_a.email.upper(), party="DE")
    assert response.status_code == 200
    body = response.content.decode()
    assert "already a current contact point of Czech Republic" in body and 'class="field-error"' in body
    assert not Invitation.objects.exists()


def test_invitation_for_an_active_account_of_another_role_is_refused(client_for, secretariat, reader):
    response = _invite(client_for(secretariat), email=reader.email)
    assert response.status_code == 200 and "already uses this e-mail" in response.content.decode()


def test_invitation_of_a_former_contact_point_reactivates_the_same_account(
    client_for, secretariat, ncp_a, party_a
):
    term = ContactPointTermFactory(user=ncp_a, party=party_a)
    ParticipationFactory(party=party_a, action=action("I.2"), declared_by=ncp_a)
    term_end(term=term, ended_on=timezone.localdate(), by=secretariat)
    assert _invite(client_for(secretariat), email=ncp_a.email, kind="deputy").status_code == 302
    link = _link_from_mail()
    path = "/parties/invitations/" + link.rstrip("/").rsplit("/", 1)[-1] + "/"
    assert _accept(client_for(None), path, first="Back").status_code == 302
    ncp_a.refresh_from_db()
    assert ncp_a.is_active and ncp_a.first_name == "Back"
    assert User.objects.filter(email__iexact=ncp_a.email).count() == 1
    assert ncp_a.terms.filter(ended_on__isnull=True).get().kind == "deputy"
    assert Participation.objects.get(party=party_a, action=action("I.2")).declared_by == ncp_a


def test_a_second_invitation_replaces_the_pending_one(client_for, secretariat, plan):
    c = client_for(secretariat)
    _invite(c)
    first_link = _link_from_mail()
    _invite(c, kind="deputy")
    path = "/parties/invitations/" + first_link.rstrip("/").rsplit("/", 1)[-1] + "/"
    response = client_for(None).get(path)
    assert response.status_code == 410 and "replaced" in response.content.decode()


def test_accept_form_refuses_a_weak_or_mismatched_password_next_to_the_field(secretariat, party_a, client):
    _inv, token = invitation_create(
        email="x@example.org", party=party_a, kind="primary", invited_by=secretariat
    )
    path = f"/parties/invitations/{token}/"
    response = client.post(
        path, {"first_name": "X", "last_name": "Y", "password1": "short", "password2": "short"}
    )
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    response = client.post(
        path, {"first_name": "X", "last_name": "Y", "password1": PASSWORD, "password2": PASSWORD + "x"}
    )
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


# --- ending a term -----------------------------------------------------------------------------


def test_ending_a_term_stops_sign_in_keeps_records_with_name_and_passes_to_the_deputy(
    client_for, client, secretariat, party_a
):
    primary = ContactPointTermFactory(
        party=party_a, user=UserFactory(username="primary-cz", first_name="Jana", last_name="Dvořáková",
                                        role="contact_point", party=party_a),
    )  # fmt: skip
    deputy = ContactPointTermFactory(
        party=party_a,
        kind="deputy",
        user=UserFactory(username="deputy-cz", role="contact_point", party=party_a),
    )
    signed_in = client_for(primary.user)
    signed_in.post(
        "/plans/2012-2016/participation/cz/",
        {"action": action("III.2").pk, "role": "participant", "note": "", "fingerprint": ""},
    )
    queued = Notification.objects.create(
        key="x:1", kind="x", recipient=primary.user, to_email="p@example.org", subject="s", body="b",
        due_at=timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip

    response = client_for(secretariat).post(
        f"/parties/contact-points/terms/{primary.pk}/end/", {"ended_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302

    primary.refresh_from_db()
    deputy.refresh_from_db()
    assert primary.ended_on == timezone.localdate() and primary.ended_by == secretariat
    assert deputy.kind == "primary"  # the Party's open items pass to the remaining contact point
    assert not User.objects.get(username="primary-cz").is_active
    login = client.post("/accounts/login/", {"username": "primary-cz", "password": "correct-horse-battery"})
    assert login.status_code == 200 and "_auth_user_id" not in client.session
    assert signed_in.get("/parties/my-details/").status_code == 302  # signed out on the next request
    assert Notification.objects.get(pk=queued.pk).status == "cancelled"

    # the records stay, under the person's name
    participation = Participation.objects.get(party=party_a, action=action("III.2"))
    assert participation.declared_by.get_full_name() == "Jana Dvořáková"
    page = client_for(secretariat).get("/plans/2012-2016/participation/cz/").content.decode()
    assert "Jana Dvořáková" in page
    assert "Jana Dvořáková" in client_for(secretariat).get("/parties/cz/").content.decode()  # terms table
    directory = client_for(secretariat).get("/parties/contact-points/").content.decode()
    assert "Jana Dvořáková" not in directory


def test_a_term_cannot_end_in_the_future_or_twice(client_for, secretariat, ncp_a, party_a):
    term = ContactPointTermFactory(user=ncp_a, party=party_a)
    c = client_for(secretariat)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = c.post(f"/parties/contact-points/terms/{term.pk}/end/", {"ended_on": tomorrow})
    assert response.status_code == 200 and "cannot be ended in the future" in response.content.decode()
    assert (
        c.post(f"/parties/contact-points/terms/{term.pk}/end/", {"ended_on": "2013-01-01"}).status_code == 302
    )
    assert (
        c.post(f"/parties/contact-points/terms/{term.pk}/end/", {"ended_on": "2014-01-01"}).status_code == 302
    )
    term.refresh_from_db()
    assert term.ended_on == dt.date(2013, 1, 1)
    assert term.history.count() == 2  # created, ended; the second request changed nothing


# --- own details -------------------------------------------------------------------------------


def _details(user, **changes):
    data = {name: getattr(user, name) for name in DETAIL_FIELDS}
    data.update(changes, version=user.version)
    return data


def test_contact_point_keeps_own_details_and_confirms_them(client_for, ncp_a):
    response = client_for(ncp_a).post(
        "/parties/my-details/", _details(ncp_a, title="Head of Unit", organisation="Ministry of the Interior",
                                         phone="+420 974 000 000", preferred_language="ru"),
    )  # fmt: skip
    assert response.status_code == 302
    ncp_a.refresh_from_db()
    assert (ncp_a.title, ncp_a.phone, ncp_a.preferred_language) == ("Head of Unit", "+420 974 000 000", "ru")
    assert DetailsConfirmation.objects.filter(user=ncp_a, year=timezone.now().year).exists()


def test_stale_details_form_shows_a_conflict_and_overwrites_nothing(client_for, ncp_a):
    stale = _details(ncp_a, title="Old idea")
    User.objects.filter(pk=ncp_a.pk).update(title="Changed in the meantime", version=F("version") + 1)
    response = client_for(ncp_a).post("/parties/my-details/", stale)
    assert response.status_code == 409 and "nothing was overwritten" in response.content.decode()
    ncp_a.refresh_from_db()
    assert ncp_a.title == "Changed in the meantime"


def test_details_form_refuses_bad_email_next_to_the_field(client_for, ncp_a, ncp_b):
    response = client_for(ncp_a).post("/parties/my-details/", _details(ncp_a, email=ncp_b.email))
    assert (
        response.status_code == 200
        and "Another account already uses this e-mail." in response.content.decode()
    )
    response = client_for(ncp_a).post("/parties/my-details/", _details(ncp_a, email="not an address"))
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()


def test_mass_assignment_of_role_or_party_through_details_is_ignored(client_for, ncp_a, party_a, party_b):
    data = _details(ncp_a, role="secretariat", party=party_b.pk, is_staff="on")
    assert client_for(ncp_a).post("/parties/my-details/", data).status_code == 302
    ncp_a.refresh_from_db()
    assert (ncp_a.role, ncp_a.party_id, ncp_a.is_staff) == ("contact_point", party_a.pk, False)


# --- the directory and its exports -------------------------------------------------------------


@pytest.fixture
def network(party_a, party_b, ncp_a, ncp_b):
    ncp_a.phone, ncp_a.organisation = "+420 1", '=HYPERLINK("http://evil")'
    ncp_a.save()
    ContactPointTermFactory(user=ncp_a, party=party_a)
    ContactPointTermFactory(user=ncp_b, party=party_b, kind="deputy")
    ParticipationFactory(party=party_b, action=action("III.2"))
    return ncp_a, ncp_b


def test_directory_filters_by_party_group_and_action(client_for, reader, network):
    c = client_for(reader)
    all_ = c.get("/parties/contact-points/").content.decode()
    assert "ncp-a@example.org" in all_ and "ncp-b@example.org" in all_
    by_party = c.get("/parties/contact-points/", {"party": "DE"}).content.decode()
    assert "ncp-b@example.org" in by_party and "ncp-a@example.org" not in by_party
    by_group = c.get("/parties/contact-points/", {"group": "central-asia"}).content.decode()
    assert "ncp-a@example.org" not in by_group and "ncp-b@example.org" not in by_group
    by_action = c.get("/parties/contact-points/", {"action": "iii.2"}).content.decode()
    assert "ncp-b@example.org" in by_action and "ncp-a@example.org" not in by_action
    bad = c.get("/parties/contact-points/", {"action": "nonsense"})
    assert bad.status_code == 200 and "e.g. III.2" in bad.content.decode()


def test_directory_csv_escapes_formula_cells(client_for, reader, network):
    response = client_for(reader).get("/parties/contact-points/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "'+420 1" in text and "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and ",+420" not in text


def test_directory_vcard_has_one_card_per_current_contact_point(client_for, reader, network):
    text = client_for(reader).get("/parties/contact-points/export.vcf", {"party": "CZ"}).content.decode()
    assert text.count("BEGIN:VCARD") == 1 and "EMAIL;TYPE=INTERNET,WORK:ncp-a@example.org" in text
    assert "TEL;TYPE=WORK,VOICE:+420 1" in text and "\r\n" in text
    assert "NOTE:Prague Process: Primary contact point\\, the Czech Republic" in text


def test_directory_and_exports_query_count_does_not_grow(client_for, reader, plan, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parties.models import Party

    c = client_for(reader)
    parties = list(Party.objects.order_by("order"))
    for party in parties[:2]:
        ContactPointTermFactory(party=party)
    counts = {}
    for url in (
        "/parties/contact-points/",
        "/parties/contact-points/export.csv",
        "/parties/contact-points/export.vcf",
    ):
        with CaptureQueriesContext(connection) as few:
            c.get(url)
        counts[url] = len(few)
    for party in parties[2:50]:
        ContactPointTermFactory(party=party)
    for url, n in counts.items():
        with django_assert_num_queries(n):
            assert c.get(url).status_code == 200


def test_ending_a_term_returns_the_successor_who_takes_over(secretariat, party_a, ncp_a):
    primary = ContactPointTermFactory(user=ncp_a, party=party_a)
    deputy = ContactPointTermFactory(party=party_a, kind="deputy")
    assert term_end(term=primary, ended_on=timezone.localdate(), by=secretariat) == deputy.user
    deputy.refresh_from_db()
    assert deputy.kind == "primary"


def test_action_page_links_members_to_the_contact_points_of_its_parties(client_for, reader, client, plan):
    assert (
        "/parties/contact-points/?action=I.2"
        in client_for(reader).get("/plans/2012-2016/I/2/").content.decode()
    )
    assert "/parties/contact-points/" not in client.get("/plans/2012-2016/I/2/").content.decode()


def test_a_remaining_primary_takes_over_and_the_deputy_stays_deputy(secretariat, party_a):
    leaving = ContactPointTermFactory(party=party_a, started_on=dt.date(2012, 1, 1))
    deputy = ContactPointTermFactory(party=party_a, kind="deputy", started_on=dt.date(2012, 2, 1))
    other_primary = ContactPointTermFactory(party=party_a, started_on=dt.date(2013, 1, 1))
    assert term_end(term=leaving, ended_on=timezone.localdate(), by=secretariat) == other_primary.user
    deputy.refresh_from_db()
    assert deputy.kind == "deputy"


def test_directory_lists_the_primary_before_the_deputy(client_for, reader, party_a):
    ContactPointTermFactory(
        party=party_a, kind="deputy", user=UserFactory(last_name="Aaron", role="contact_point", party=party_a)
    )
    ContactPointTermFactory(
        party=party_a, user=UserFactory(last_name="Zeman", role="contact_point", party=party_a)
    )
    body = client_for(reader).get("/parties/contact-points/", {"party": "CZ"}).content.decode()
    assert body.index("Zeman") < body.index("Aaron")


def test_invitation_is_saved_and_queued_even_when_the_broker_is_down(
    secretariat, party_a, monkeypatch, django_capture_on_commit_callbacks
):
    from parties import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.send_due_notifications, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, _token = invitation_create(
            email="during-outage@example.org", party=party_a, kind="primary", invited_by=secretariat
        )
    assert len(callbacks) == 1
    assert Notification.objects.get(key=f"invitation:{invitation.pk}").status == "pending"
    notifications_send_due()  # the periodic sweep sends it once the broker is back
    assert mail.outbox[0].to == ["during-outage@example.org"]


def test_details_changes_keep_who_and_when_but_sign_ins_leave_no_entry(
    client_for, ncp_a, secretariat, party_a
):
    before = ncp_a.history.count()
    client_for(ncp_a).get("/parties/my-details/")  # force_login updates last_login
    assert ncp_a.history.count() == before
    client_for(ncp_a).post("/parties/my-details/", _details(ncp_a, title="Head of Unit"))
    latest = ncp_a.history.order_by("-history_date").first()
    assert latest.title == "Head of Unit" and latest.history_user == ncp_a
    term = ContactPointTermFactory(user=ncp_a, party=party_a)
    term_end(term=term, ended_on=timezone.localdate(), by=secretariat)
    latest = ncp_a.history.order_by("-history_date").first()
    assert latest.is_active is False and latest.history_user == secretariat
