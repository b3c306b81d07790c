"""The one stale-edit mechanism on the Parties' people: the version a form was opened at is checked
by the portal's forms and by the administration alike, in either order."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from parties.models import PartnerOrganisation, User
from parties.services import DETAIL_FIELDS
from tests.factories import PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


class _FormValues(HTMLParser):
    """The values a browser would post from the page's admin change form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "on")
                return
            self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.lstrip("\n")


def _admin_form(client, url: str) -> dict[str, list[str]]:
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    return parser.data


def _details(user: User, **changes) -> dict:
    return {**{name: getattr(user, name) for name in DETAIL_FIELDS}, "version": user.version, **changes}


def test_details_form_opened_before_an_admin_edit_is_refused_and_overwrites_nothing(
    client_for, ncp_a, secretariat
):
    person = client_for(ncp_a)
    opened = person.get("/parties/my-details/")
    assert f'name="version" value="{ncp_a.version}"' in opened.content.decode()
    stale = _details(ncp_a, title="Head of Unit (mine)")

    admin = client_for(secretariat)
    url = f"/admin/parties/user/{ncp_a.pk}/change/"
    data = _admin_form(admin, url)
    data["title"] = ["Director (secretariat's)"]
    assert admin.post(url, data).status_code == 302
    ncp_a.refresh_from_db()
    assert ncp_a.title == "Director (secretariat's)" and ncp_a.version == stale["version"] + 1

    response = person.post("/parties/my-details/", stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="conflict"' in body and "Head of Unit (mine)" in body  # the person's input is kept
    ncp_a.refresh_from_db()
    assert ncp_a.title == "Director (secretariat's)"
    # the form now carries the saved version: saving it again overwrites, knowingly
    assert f'name="version" value="{ncp_a.version}"' in body
    assert person.post("/parties/my-details/", {**stale, "version": ncp_a.version}).status_code == 302
    ncp_a.refresh_from_db()
    assert ncp_a.title == "Head of Unit (mine)"


def test_admin_edit_opened_before_the_person_saved_their_details_is_refused(client_for, ncp_a, secretariat):
    admin = client_for(secretariat)
    url = f"/admin/parties/user/{ncp_a.pk}/change/"
    data = _admin_form(admin, url)
    assert client_for(ncp_a).post("/parties/my-details/", _details(ncp_a, phone="+420 1")).status_code == 302
    data["phone"] = ["+420 2"]
    admin.post(url, data)
    ncp_a.refresh_from_db()
    assert ncp_a.phone == "+420 1"


def test_admin_save_of_a_partner_moves_its_version_and_refuses_the_open_portal_form(client_for, secretariat):
    partner = PartnerOrganisationFactory(acronym="ZZ", name="Before")
    c = client_for(secretariat)
    portal = {"acronym": "ZZ", "name_en": "Portal's name", "kind": partner.kind, "website": "",
              "is_active": "on", "version": partner.version}  # fmt: skip
    url = f"/admin/parties/partnerorganisation/{partner.pk}/change/"
    data = _admin_form(c, url)
    data["name_en"] = ["Admin's name"]
    assert c.post(url, data).status_code == 302
    assert c.post(f"/parties/partners/{partner.pk}/edit/", portal).status_code == 409
    partner = PartnerOrganisation.objects.get(pk=partner.pk)
    assert (partner.name, partner.version) == ("Admin's name", portal["version"] + 1)
