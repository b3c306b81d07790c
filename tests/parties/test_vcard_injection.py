"""A person's own title cannot end their card and forge another (RFC 6350 escaping)."""

from __future__ import annotations

import pytest

from tests.factories import ContactPointTermFactory

pytestmark = pytest.mark.django_db

FORGED = "Head of unit\rEND:VCARD\rBEGIN:VCARD\rFN:Forged Person\rEMAIL:attacker@example.org\r\n\u2028X"


def _cards(client_for, reader) -> str:
    return client_for(reader).get("/parties/contact-points/export.vcf", {"party": "CZ"}).content.decode()


def test_a_bare_carriage_return_in_a_title_does_not_start_a_forged_card(client_for, reader, party_a, ncp_a):
    ncp_a.title = FORGED
    ncp_a.save()
    ContactPointTermFactory(user=ncp_a, party=party_a)
    text = _cards(client_for, reader)
    lines = text.split("\r\n")
    assert lines.count("BEGIN:VCARD") == 1 and lines.count("END:VCARD") == 1
    assert "\r" not in text.replace("\r\n", "")  # no bare CR left anywhere
    assert not any(line.startswith(("FN:Forged", "EMAIL:attacker")) for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert (
        "TITLE:Head of unit\\nEND:VCARD\\nBEGIN:VCARD\\nFN:Forged Person\\nEMAIL:attacker@example.org\\n\\nX"
        in (unfolded)
    )


def test_long_lines_are_folded_at_75_octets(client_for, reader, party_a, ncp_a):
    ncp_a.organisation = "Ministerstvo vnitra České republiky, odbor azylové a migrační politiky " * 2
    ncp_a.save()
    ContactPointTermFactory(user=ncp_a, party=party_a)
    text = _cards(client_for, reader)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "ORG:Ministerstvo vnitra České republiky\\, odbor azylové" in text.replace("\r\n ", "")
