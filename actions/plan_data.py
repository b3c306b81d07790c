"""Reading, checking and loading a plan data file (JSON), and exporting a plan in the same words.

The loader is idempotent: rows are matched on their natural keys (plan slug, area numeral, action
number, item letter, Party code, group code, source name, organisation acronym) and updated in place.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import translation

from core.models import TranslationStatus
from core.translations import translations_load
from parties.models import GeographicGroup, PartnerOrganisation, Party

from .models import Action, ActionItem, ActionPlan, FinancingSource, PartyName, PriorityArea
from .signals import plan_loaded

DEFAULT_PLAN_FILE = Path(__file__).resolve().parent / "data" / "prague-process-action-plan-2012-2016.json"


class PlanDataError(ValueError):
    """A data file that cannot be loaded; the message names the entry."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _require(entry: dict, key: str, where: str, kind: type = str):
    if not isinstance(entry, dict):
        raise PlanDataError(f"{where}: expected an object, got {type(entry).__name__}")
    if key not in entry:
        raise PlanDataError(f"{where}: missing '{key}'")
    value = entry[key]
    if kind is str and (not isinstance(value, str) or not value.strip()):
        raise PlanDataError(f"{where}: '{key}' must be a non-empty text")
    if kind is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise PlanDataError(f"{where}: '{key}' must be a whole number")
    if kind is list and not isinstance(value, list):
        raise PlanDataError(f"{where}: '{key}' must be a list")
    return value


def read_plan_file(path: Path | str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanDataError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanDataError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    validate_plan_data(data)
    return data


def validate_plan_data(data: dict) -> None:
    """Check the whole file before anything is written, naming the first broken entry."""
    plan = _require(data, "plan", "file", dict)
    for key in ("slug", "process", "title", "adopted_at", "adopted_place", "adopted_on"):
        _require(plan, key, "plan")
    for key in ("start_year", "end_year"):
        _require(plan, key, "plan", int)
    try:
        date.fromisoformat(plan["adopted_on"])
    except ValueError as exc:
        raise PlanDataError(f"plan: 'adopted_on' is not a date (YYYY-MM-DD): {plan['adopted_on']!r}") from exc
    if plan["end_year"] < plan["start_year"]:
        raise PlanDataError("plan: 'end_year' is before 'start_year'")

    group_codes = set()
    for i, group in enumerate(_require(data, "groups", "file", list), 1):
        code = _require(group, "code", f"groups[{i}]")
        _require(group, "name", f"groups[{i}] ({code})")
        if code in group_codes:
            raise PlanDataError(f"groups[{i}] ({code}): duplicate code")
        group_codes.add(code)

    numerals = set()
    for i, area in enumerate(_require(data, "areas", "file", list), 1):
        numeral = _require(area, "numeral", f"areas[{i}]")
        where = f"area {numeral}"
        if numeral in numerals:
            raise PlanDataError(f"{where}: duplicate numeral")
        numerals.add(numeral)
        _require(area, "title", where)
        numbers = set()
        for action in _require(area, "actions", where, list):
            number = _require(action, "number", f"{where}, an action", int)
            awhere = f"action {numeral}.{number}"
            if number in numbers:
                raise PlanDataError(f"{awhere}: duplicate number")
            numbers.add(number)
            _require(action, "text", awhere)
            letters = set()
            for item in action.get("items", []):
                letter = _require(item, "letter", f"{awhere}, an item")
                if letter in letters:
                    raise PlanDataError(f"item {numeral}.{number} {letter}: duplicate letter")
                letters.add(letter)
                _require(item, "text", f"item {numeral}.{number} {letter}")

    codes, names = set(), set()
    for i, party in enumerate(_require(data, "parties", "file", list), 1):
        code = _require(party, "code", f"parties[{i}]")
        where = f"party {code}"
        for key in ("name", "short_name", "kind", "group"):
            _require(party, key, where)
        if len(code) != 2 or not code.isalpha() or code != code.upper():
            raise PlanDataError(f"{where}: 'code' must be two capital letters")
        if code in codes:
            raise PlanDataError(f"{where}: duplicate code")
        if party["name"] in names:
            raise PlanDataError(f"{where}: duplicate name {party['name']!r}")
        if party["kind"] not in Party.Kind.values:
            raise PlanDataError(f"{where}: unknown kind {party['kind']!r}")
        if party["group"] not in group_codes:
            raise PlanDataError(f"{where}: unknown group {party['group']!r}")
        codes.add(code)
        names.add(party["name"])

    for i, source in enumerate(_require(data, "financing_sources", "file", list), 1):
        if not isinstance(source, str) or not source.strip():
            raise PlanDataError(f"financing_sources[{i}]: must be a non-empty text")

    _validate_review_criteria(data)

    acronyms = set()
    for i, org in enumerate(data.get("partner_organisations", []), 1):
        acronym = _require(org, "acronym", f"partner_organisations[{i}]")
        _require(org, "name", f"partner organisation {acronym}")
        if org.get("kind", "other") not in PartnerOrganisation.Kind.values:
            raise PlanDataError(f"partner organisation {acronym}: unknown kind {org['kind']!r}")
        if acronym in acronyms:
            raise PlanDataError(f"partner organisation {acronym}: duplicate acronym")
        acronyms.add(acronym)


def _validate_review_criteria(data: dict) -> None:
    """The optional `review_criteria`: what the plan's reviews are answered on (read by evaluation;
    without it a plan is judged on the five criteria of the 2012 evaluation)."""
    if "review_criteria" not in data:
        return
    criteria = _require(data, "review_criteria", "file", list)
    if not criteria:
        raise PlanDataError("review_criteria: name at least one criterion, or leave the key out")
    codes = set()
    for i, criterion in enumerate(criteria, 1):
        code = _require(criterion, "code", f"review_criteria[{i}]")
        where = f"review criterion {code}"
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", code):
            raise PlanDataError(
                f"{where}: 'code' must be small letters, digits and '_', starting with a letter (40 at most)"
            )
        if code in codes:
            raise PlanDataError(f"{where}: duplicate code")
        codes.add(code)
        _require(criterion, "name", where)
        for key in ("name_ru", "description", "description_ru"):
            if not isinstance(criterion.get(key, ""), str):
                raise PlanDataError(f"{where}: '{key}' must be a text")


def _upsert(model, lookup: dict, values: dict, result: LoadResult):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        result.created += 1
        return model.objects.create(**lookup, **values)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=[*changed, "updated_at"])
        result.updated += 1
    else:
        result.unchanged += 1
    return obj


def translation_file_for(path: Path | str) -> Path:
    """The Russian file beside a plan file: `<name>.ru.json` next to `<name>.json`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.ru.json")


def read_translation_file(path: Path | str) -> dict | None:
    """The Russian text of a plan file, or None when there is no such file beside it."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PlanDataError(f"{path}: not a readable translation file ({exc})") from exc
    if not isinstance(data, dict) or data.get("language") != "ru":
        raise PlanDataError(f'{path}: a translation file says "language": "ru"')
    if data.get("status", "working") not in TranslationStatus.Status.values:
        raise PlanDataError(f"{path}: unknown status {data.get('status')!r}")
    return data


def plan_load(*, data: dict, translation_data: dict | None = None, source: str = "") -> LoadResult:
    """Load a plan file (and the Russian beside it); all or nothing. A row the database refuses is
    reported with its entry. The English is written under an English locale, so each text lands in
    its English column; a Russian text a person has changed in the portal is kept."""
    validate_plan_data(data)
    where = ["plan"]
    try:
        with transaction.atomic(), translation.override("en"):
            result = _load_rows(data, where)
            if translation_data:
                where[0] = "translation"
                _load_translation(data, translation_data, source=source)
            where[0] = "review criteria"
            plan_loaded.send(
                sender=ActionPlan,
                plan=ActionPlan.objects.get(slug=data["plan"]["slug"]),
                data=data,
                translation_data=translation_data,
                source=source,
            )
            return result
    except DatabaseError as exc:
        raise PlanDataError(
            f"{where[0]}: the database refused it ({str(exc).strip().splitlines()[0]})"
        ) from exc


def _load_rows(data: dict, where: list[str]) -> LoadResult:
    result = LoadResult()
    p = data["plan"]
    end_year = p["end_year"]
    existing = ActionPlan.objects.filter(slug=p["slug"]).first()
    if existing is not None and existing.is_prolonged and existing.adopted_end_year == end_year:
        end_year = existing.end_year  # a prolonged mandate outlives its file
    plan = _upsert(
        ActionPlan,
        {"slug": p["slug"]},
        {
            "process": p["process"],
            "title": p["title"],
            "adopted_at": p["adopted_at"],
            "adopted_place": p["adopted_place"],
            "adopted_on": date.fromisoformat(p["adopted_on"]),
            "conference_theme": p.get("conference_theme", ""),
            "start_year": p["start_year"],
            "end_year": end_year,
            "adopted_end_year": p["end_year"],
        },
        result,
    )
    # Parties, groups and partner organisations are shared by every plan. Their own names are today's:
    # only the newest plan writes them; each plan keeps the Party names it writes (PartyName).
    newest = not ActionPlan.objects.exclude(pk=plan.pk).filter(start_year__gt=plan.start_year).exists()
    groups = {}
    for order, g in enumerate(data["groups"], 1):
        where[0] = f"group {g['code']}"
        existing = GeographicGroup.objects.filter(code=g["code"]).first()
        if existing is not None and not newest:
            groups[g["code"]] = existing
            result.unchanged += 1
            continue
        groups[g["code"]] = _upsert(
            GeographicGroup,
            {"code": g["code"]},
            {"name": g["name"], "description": g.get("description", ""), "order": order},
            result,
        )
    for order, a in enumerate(data["areas"], 1):
        where[0] = f"area {a['numeral']}"
        area = _upsert(
            PriorityArea,
            {"plan": plan, "numeral": a["numeral"]},
            {"title": a["title"], "order": order},
            result,
        )
        for act in a["actions"]:
            where[0] = f"action {a['numeral']}.{act['number']}"
            action = _upsert(Action, {"area": area, "number": act["number"]}, {"text": act["text"]}, result)
            for item in act.get("items", []):
                where[0] = f"item {a['numeral']}.{act['number']} {item['letter']}"
                _upsert(
                    ActionItem, {"action": action, "letter": item["letter"]}, {"text": item["text"]}, result
                )
    for order, party in enumerate(data["parties"], 1):
        where[0] = f"party {party['code']}"
        existing = Party.objects.filter(code=party["code"]).first()
        if existing is not None and not newest:
            row = existing
            result.unchanged += 1
        else:
            row = _upsert(
                Party,
                {"code": party["code"]},
                {
                    "name": party["name"],
                    "short_name": party["short_name"],
                    "kind": party["kind"],
                    "group": groups[party["group"]],
                    "order": order,
                },
                result,
            )
        _upsert(
            PartyName,
            {"plan": plan, "party": row},
            {"name": party["name"], "short_name": party["short_name"], "since": plan.adopted_on},
            result,
        )
    for order, name in enumerate(data["financing_sources"], 1):
        where[0] = f"financing source {name!r}"
        _upsert(FinancingSource, {"plan": plan, "name": name}, {"order": order}, result)
    for org in data.get("partner_organisations", []):
        where[0] = f"partner organisation {org['acronym']}"
        if not newest and PartnerOrganisation.objects.filter(acronym=org["acronym"]).exists():
            result.unchanged += 1
            continue
        _upsert(
            PartnerOrganisation,
            {"acronym": org["acronym"]},
            {"name": org["name"], "kind": org.get("kind", "other"), "website": org.get("website", "")},
            result,
        )
    return result


def _load_translation(data: dict, ru: dict, *, source: str) -> int:
    """Write the Russian texts of a loaded plan with the file's status; returns how many were set."""
    entries = []
    plan = ActionPlan.objects.get(slug=data["plan"]["slug"])
    newest = not ActionPlan.objects.exclude(pk=plan.pk).filter(start_year__gt=plan.start_year).exists()
    for field, text in (ru.get("plan") or {}).items():
        if field in ("process", "title", "adopted_at", "adopted_place", "conference_theme"):
            entries.append((plan, field, text))
    groups = {g.code: g for g in GeographicGroup.objects.all()} if newest else {}
    for code, entry in (ru.get("groups") or {}).items():
        entries += [(groups.get(code), field, entry.get(field)) for field in ("name", "description")]
    areas = {a.numeral: a for a in PriorityArea.objects.filter(plan=plan)}
    actions = {
        (a.area.numeral, a.number): a for a in Action.objects.filter(area__plan=plan).select_related("area")
    }
    items = {
        (i.action.area.numeral, i.action.number, i.letter): i
        for i in ActionItem.objects.filter(action__area__plan=plan).select_related("action__area")
    }
    for numeral, area in (ru.get("areas") or {}).items():
        entries.append((areas.get(numeral), "title", area.get("title")))
        for number, action in (area.get("actions") or {}).items():
            entries.append((actions.get((numeral, int(number))), "text", action.get("text")))
            for letter, text in (action.get("items") or {}).items():
                entries.append((items.get((numeral, int(number), letter)), "text", text))
    names = {n.party.code: n for n in PartyName.objects.filter(plan=plan).select_related("party")}
    for code, entry in (ru.get("parties") or {}).items():
        name = names.get(code)
        for field in ("name", "short_name"):
            entries.append((name, field, entry.get(field)))
            if newest and name is not None:
                entries.append((name.party, field, entry.get(field)))
    sources = {s.name_en: s for s in FinancingSource.objects.filter(plan=plan)}
    for english, text in (ru.get("financing_sources") or {}).items():
        entries.append((sources.get(english), "name", text))
    orgs = {o.acronym: o for o in PartnerOrganisation.objects.all()} if newest else {}
    for acronym, entry in (ru.get("partner_organisations") or {}).items():
        entries.append((orgs.get(acronym), "name", entry.get("name")))
    return translations_load(
        entries, status=ru.get("status", TranslationStatus.Status.WORKING), source=source
    )


def plan_export(*, plan: ActionPlan) -> dict:
    """The plan, its Parties and financing sources in the shape documented in the README."""
    areas = PriorityArea.objects.filter(plan=plan).prefetch_related("actions__items").order_by("order")
    return {
        "plan": {"title": plan.title, "start_year": plan.start_year, "end_year": plan.end_year},
        "areas": [
            {
                "numeral": area.numeral,
                "title": area.title,
                "actions": [
                    {
                        "number": action.number,
                        "text": action.text,
                        "items": [{"letter": i.letter, "text": i.text} for i in action.items.all()],
                    }
                    for action in area.actions.all()
                ],
            }
            for area in areas
        ],
        "parties": [
            {
                "name": n.name,
                "short_name": n.short_name,
                "code": n.party.code,
                "kind": n.party.kind,
                "group": n.party.group.name,
            }
            for n in PartyName.objects.filter(plan=plan)
            .select_related("party__group")
            .order_by("party__order", "party__code")
        ],
        "financing_sources": list(plan.financing_sources.order_by("order").values_list("name", flat=True)),
    }
