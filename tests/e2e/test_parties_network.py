"""Browser journey: the secretariat invites a contact point, the person sets a password through the
one-time link, the secretariat later ends the term, and the person can no longer sign in."""

from __future__ import annotations

import re

from django.core import mail

from parties.notifications import notifications_send_due
from tests.e2e.conftest import sign_in

PASSWORD = "a-long-passphrase-42"


def test_secretariat_invites_person_accepts_once_then_term_ends(page, e2e_plan, browser, live_server):
    sign_in(page, "secretariat")
    page.goto("/parties/contact-points/invite/")
    page.get_by_label("E-mail").fill("marek.novy@example.cz")
    page.get_by_label("Party").select_option(label="Czech Republic")
    page.get_by_label("Role").select_option(label="Deputy contact point")
    page.get_by_role("button", name="Send the invitation").click()
    assert "Invitation sent to marek.novy@example.cz" in page.locator(".messages").inner_text()

    notifications_send_due()
    link = re.search(r"http://\S+/parties/invitations/\S+/", mail.outbox[-1].body).group(0)
    path = "/parties/" + link.split("/parties/", 1)[1]

    invitee = browser.new_context(base_url=live_server.url).new_page()
    invitee.goto(path)
    invitee.get_by_label("First name").fill("Marek")
    invitee.get_by_label("Last name").fill("Nový")
    invitee.locator("#id_password1").fill(PASSWORD)
    invitee.locator("#id_password2").fill(PASSWORD)
    invitee.get_by_role("button", name="Set password and sign in").click()
    invitee.wait_for_url("**/parties/my-details/")
    assert "Signed in as Marek Nový" in invitee.locator("header").inner_text()
    invitee.goto(path)
    assert "already been used" in invitee.get_by_role("heading", level=1).inner_text()

    page.goto("/parties/cz/")
    row = page.locator("tr", has_text="Marek Nový")
    row.get_by_role("link", name="End term").click()
    page.get_by_role("button", name="End the term").click()
    page.wait_for_url("**/parties/cz/")
    assert "Term ended" in page.locator(".messages").inner_text()
    terms = page.locator("table", has_text="Every contact point's term").inner_text()
    assert "Marek Nový" in terms  # the ended term stays, with the person's name

    invitee.goto("/parties/my-details/")
    assert "/accounts/login/" in invitee.url  # signed out on the next request
    sign_in(invitee, "marek.novy@example.cz", PASSWORD)
    assert invitee.get_by_role("heading", level=1).inner_text() != "My contact details"
    assert "/accounts/login/" in invitee.url
