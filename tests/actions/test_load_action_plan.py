from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from actions.models import Action, ActionItem, ActionPlan, FinancingSource, PriorityArea
from actions.plan_data import DEFAULT_PLAN_FILE, PlanDataError, plan_load, read_plan_file
from parties.models import GeographicGroup, PartnerOrganisation, Party

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "prague-process-action-plan-2012-2016.txt"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table_counts() -> dict[str, int]:
    models = [
        ActionPlan,
        PriorityArea,
        Action,
        ActionItem,
        Party,
        GeographicGroup,
        FinancingSource,
        PartnerOrganisation,
    ]
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_loaded_plan_matches_the_seed_counts(plan):
    assert plan.title == "Action Plan 2012-2016"
    assert (plan.start_year, plan.end_year, plan.adopted_place) == (2012, 2016, "Poznan")
    assert plan.adopted_on.isoformat() == "2011-11-04"
    assert PriorityArea.objects.count() == 6
    assert Action.objects.count() == 22
    assert ActionItem.objects.count() == 8
    assert Party.objects.count() == 52
    assert Party.objects.filter(kind="state").count() == 51
    per_area = dict(
        PriorityArea.objects.values_list("numeral").annotate(
            n=__import__("django").db.models.Count("actions")
        )
    )
    assert per_area == {"I": 3, "II": 4, "III": 6, "IV": 2, "V": 4, "VI": 3}
    items = sorted(
        f"{i.action.area.numeral}.{i.action.number}{i.letter}"
        for i in ActionItem.objects.select_related("action__area")
    )
    assert items == ["I.2a", "I.2b", "I.2c", "I.2d", "II.1a", "II.1b", "VI.2a", "VI.2b"]
    assert list(FinancingSource.objects.values_list("name", flat=True)) == [
        "European Union funds",
        "national funds of the Parties",
        "funds from other international institutions and organisations",
    ]
    assert PartnerOrganisation.objects.filter(acronym="UNHCR").exists()


@pytest.mark.django_db
def test_action_texts_are_verbatim_literals(plan):
    i1 = Action.objects.get(area__numeral="I", number=1)
    assert i1.text == (
        "To support awareness-raising campaigns in countries of origin on the risks of illegal migration, "
        "including smuggling of migrants and trafficking in human beings."
    )
    vi3 = Action.objects.get(area__numeral="VI", number=3)
    assert vi3.text == (
        "To promote the development of training programmes for law enforcement bodies and the judiciary "
        "on international protection standards and on the principle of non-refoulement."
    )
    c = ActionItem.objects.get(action__area__numeral="I", action__number=2, letter="c")
    assert (
        c.text
        == "the exchange of best practices on establishing the identity and/or nationality of irregular migrants,"
    )
    iv1 = Action.objects.get(area__numeral="IV", number=1)
    assert "the instruments of the receiving countries, in order to provide recommendations" in iv1.text
    assert (
        PriorityArea.objects.get(numeral="II").title
        == "Promoting readmission, voluntary return and sustainable reintegration"
    )


@pytest.mark.django_db
def test_every_text_and_party_name_stands_in_the_seed(plan):
    if not SEED.exists():
        pytest.skip("the shared seed text is not beside this checkout")
    seed = collapse(SEED.read_text(encoding="utf-8"))
    for action in Action.objects.all():
        assert collapse(action.text) in seed, action.code
    for item in ActionItem.objects.all():
        assert collapse(item.text) in seed, str(item)
    for area in PriorityArea.objects.all():
        assert collapse(area.title) in seed
    for party in Party.objects.filter(kind="state"):
        assert party.name in seed, party.name
    for name in (
        "the Czech Republic",
        "Kosovo (UNSCR 1244/1999)",
        "the former Yugoslav Republic of Macedonia",
    ):
        assert Party.objects.filter(name=name).exists()
    assert Party.objects.get(code="EU").name == "the European Commission"
    assert Party.objects.get(code="XK").short_name == "Kosovo"


@pytest.mark.django_db
def test_loading_twice_changes_nothing(plan):
    before = table_counts()
    stamps = dict(Action.objects.values_list("pk", "updated_at"))
    out = io.StringIO()
    call_command("load_action_plan", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert table_counts() == before
    assert dict(Action.objects.values_list("pk", "updated_at")) == stamps


@pytest.mark.django_db
def test_loading_a_changed_file_updates_rows_in_place(plan, tmp_path):
    data = read_plan_file(DEFAULT_PLAN_FILE)
    changed = copy.deepcopy(data)
    changed["areas"][0]["actions"][0]["text"] = "Amended text."
    changed["parties"][0]["short_name"] = "Albania (amended)"
    target = tmp_path / "plan.json"
    target.write_text(json.dumps(changed), encoding="utf-8")
    pk = Action.objects.get(area__numeral="I", number=1).pk
    before = table_counts()
    call_command("load_action_plan", file=str(target), stdout=io.StringIO())
    assert table_counts() == before
    assert Action.objects.get(pk=pk).text == "Amended text."
    assert Party.objects.get(code="AL").short_name == "Albania (amended)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: d["parties"][2].update(group="atlantis"), "party AT: unknown group 'atlantis'"),
        (lambda d: d["parties"][5].update(short_name="B" * 300), "party BE: the database refused it"),
        (lambda d: d["areas"][1]["actions"][1].pop("text"), "action II.2: missing 'text'"),
        (lambda d: d["parties"].append(dict(d["parties"][0])), "party AL: duplicate code"),
        (lambda d: d["plan"].update(adopted_on="4 Nov 2011"), "plan: 'adopted_on' is not a date"),
    ],
)
def test_a_broken_file_names_the_entry_and_changes_nothing(plan, tmp_path, breakage, message):
    data = read_plan_file(DEFAULT_PLAN_FILE)
    # First change something valid, so a partial load would be visible.
    data["areas"][0]["actions"][0]["text"] = "Should never be stored."
    breakage(data)
    target = tmp_path / "broken.json"
    target.write_text(json.dumps(data), encoding="utf-8")
    before = table_counts()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_action_plan", file=str(target), stdout=io.StringIO())
    assert table_counts() == before
    assert Action.objects.get(area__numeral="I", number=1).text.startswith("To support awareness-raising")


@pytest.mark.django_db
def test_invalid_json_is_reported_with_its_position(tmp_path):
    target = tmp_path / "bad.json"
    target.write_text('{"plan": ', encoding="utf-8")
    with pytest.raises(PlanDataError, match="not valid JSON at line 1"):
        read_plan_file(target)


@pytest.mark.django_db
def test_loader_assumes_no_fixed_shape(plan):
    """A second, smaller plan loads beside the first: plans are data."""
    data = read_plan_file(DEFAULT_PLAN_FILE)
    data["plan"] = {
        **data["plan"],
        "slug": "another-plan",
        "title": "Action Plan 2017-2019",
        "start_year": 2017,
        "end_year": 2019,
    }
    data["areas"] = data["areas"][:2]
    plan_load(data=data)
    other = ActionPlan.objects.get(slug="another-plan")
    assert other.areas.count() == 2
    assert list(other.years) == [2017, 2018, 2019]
    assert ActionPlan.objects.get(slug=plan.slug).areas.count() == 6


@pytest.mark.django_db
def test_export_plan_follows_the_schema(plan):
    out = io.StringIO()
    call_command("export_plan", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"plan", "areas", "parties", "financing_sources"}
    assert data["plan"] == {"title": "Action Plan 2012-2016", "start_year": 2012, "end_year": 2016}
    assert [a["numeral"] for a in data["areas"]] == ["I", "II", "III", "IV", "V", "VI"]
    for area in data["areas"]:
        assert set(area) == {"numeral", "title", "actions"}
        for act in area["actions"]:
            assert set(act) == {"number", "text", "items"}
            assert isinstance(act["number"], int)
            for item in act["items"]:
                assert set(item) == {"letter", "text"}
    assert sum(len(a["actions"]) for a in data["areas"]) == 22
    assert len(data["parties"]) == 52
    assert data["parties"][0] == {
        "name": "Albania",
        "short_name": "Albania",
        "code": "AL",
        "kind": "state",
        "group": "Western Balkans",
    }
    assert {"name", "short_name", "code", "kind", "group"} == set(data["parties"][-1])
    assert len(data["financing_sources"]) == 3
    # The exported texts are the seed file's texts.
    source = read_plan_file(DEFAULT_PLAN_FILE)
    assert (
        data["areas"][0]["actions"][1]["items"][3]["text"]
        == source["areas"][0]["actions"][1]["items"][3]["text"]
    )
