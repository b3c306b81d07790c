"""Names as of each plan: a successor plan loads beside the first, renames Parties for today, and the
first plan keeps the names it wrote, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from actions.models import Action, ActionPlan, PartyName, PriorityArea
from actions.plan_data import (
    DEFAULT_PLAN_FILE,
    plan_export,
    plan_load,
    read_plan_file,
    read_translation_file,
    translation_file_for,
)
from parties.models import Party

SUCCESSOR = Path(__file__).resolve().parents[1] / "data" / "prague-process-2023-2027.json"

pytestmark = pytest.mark.django_db


def load(path: Path) -> None:
    ru = translation_file_for(path)
    plan_load(data=read_plan_file(path), translation_data=read_translation_file(ru), source=ru.name)


def test_a_successor_plan_loads_beside_the_first_with_its_own_shape(plan):
    load(SUCCESSOR)
    first, successor = ActionPlan.objects.order_by("start_year")
    assert first == plan
    assert (
        PriorityArea.objects.filter(plan=first).count(),
        Action.objects.filter(area__plan=first).count(),
    ) == (
        6,
        22,
    )
    assert (
        PriorityArea.objects.filter(plan=successor).count(),
        Action.objects.filter(area__plan=successor).count(),
    ) == (4, 11)


def test_renaming_keeps_the_name_each_plan_wrote_in_both_languages(plan):
    load(SUCCESSOR)
    mk = Party.objects.get(code="MK")
    assert (mk.name_en, mk.short_name_en, mk.name_ru) == (
        "North Macedonia",
        "North Macedonia",
        "Северная Македония",
    )
    old = PartyName.objects.get(plan=plan, party=mk)
    assert (old.name_en, old.short_name_en) == ("the former Yugoslav Republic of Macedonia", "FYR Macedonia")
    assert old.name_ru == "бывшая югославская Республика Македония"
    assert old.since.isoformat() == "2011-11-04"
    new = PartyName.objects.get(plan__slug="prague-process-2023-2027", party=mk)
    assert new.since.isoformat() == "2022-10-25"
    with translation.override("ru"):
        assert PartyName.objects.get(pk=new.pk).short_name == "Северная Македония"
    # The first plan, exported, still writes the names of 2011.
    exported = {p["code"]: p["name"] for p in plan_export(plan=plan)["parties"]}
    assert (exported["MK"], exported["TR"]) == ("the former Yugoslav Republic of Macedonia", "Turkey")


def test_loading_the_older_plan_again_does_not_undo_a_rename(plan):
    load(SUCCESSOR)
    load(DEFAULT_PLAN_FILE)
    assert Party.objects.get(code="TR").name_en == "Türkiye"
    assert PartyName.objects.get(plan=plan, party__code="TR").name_en == "Turkey"
    assert PartyName.objects.filter(party__code="TR").count() == 2
