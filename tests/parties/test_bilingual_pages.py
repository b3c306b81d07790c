"""Partner organisations: the name is edited in both languages side by side and shown in the reader's."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from core.models import TranslationStatus
from parties.models import PartnerOrganisation

pytestmark = pytest.mark.django_db


def russian(client):
    assert client.post("/i18n/setlang/", {"language": "ru", "next": "/"}).status_code == 302
    return client


def test_partner_form_in_russian_saves_each_language_in_its_column(client_for, secretariat, plan):
    client = russian(client_for(secretariat))
    data = {"acronym": "MPI", "kind": "ngo", "website": "", "is_active": "on"}
    refused = client.post("/parties/partners/new/", {**data, "name_en": "", "name_ru": "Институт"})
    assert refused.status_code == 200 and list(refused.context["form"].errors) == ["name_en"]
    assert not PartnerOrganisation.objects.filter(acronym="MPI").exists()

    saved = client.post(
        "/parties/partners/new/",
        {**data, "name_en": "Migration Policy Institute", "name_ru": "Институт миграционной политики"},
    )
    assert saved.status_code == 302
    partner = PartnerOrganisation.objects.get(acronym="MPI")
    assert (partner.name_en, partner.name_ru) == (
        "Migration Policy Institute",
        "Институт миграционной политики",
    )
    status = TranslationStatus.objects.get(
        content_type=ContentType.objects.get_for_model(PartnerOrganisation),
        object_id=partner.pk,
        field="name",
    )
    assert status.updated_by == secretariat
    listing = client.get("/parties/partners/").content.decode()
    assert "Институт миграционной политики" in listing and "Migration Policy Institute" not in listing

    edit = {**data, "name_en": "Migration Policy Institute", "name_ru": "", "version": partner.version}
    assert client.post(f"/parties/partners/{partner.pk}/edit/", edit).status_code == 302
    partner.refresh_from_db()
    assert partner.name_ru is None
    listing = client.get("/parties/partners/").content.decode()
    assert '<span lang="en" class="untranslated">Migration Policy Institute</span>' in listing
