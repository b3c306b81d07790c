"""The open-data bundle: everything public, as JSON and CSV, with its licence and data dictionary,
rebuilt once a night by beat and downloadable from `/open-data/`.

A bundle is one dated ZIP in the file storage (`opendata/prague-process-open-data-YYYY-MM-DD.zip`):

- `plans.json`: every plan with its areas, actions and items; `parties.json`; `meetings.json`;
  `reports.json` (published report versions with their figures): written by the read API's own
  serializers (pragueprocess/api/serializers.py), so the bundle and `/api/` say the same.
- `parties.csv`, `participation.csv`, `meetings.csv`: the same, flat, for spreadsheets.
- `datapackage.json`: the data dictionary (Frictionless Data Package: each file, each field, its
  type and meaning) and the licence; `LICENCE.txt`; `README.txt`.

Only what the portal shows to anyone: no activity (they are for members), no draft, no
unpublished report, no person. The last `KEEP` bundles are kept.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils import timezone

from actions.models import ActionPlan, Participation, PartyName
from actions.selectors import plan_areas
from core.translations import text_in
from evaluation.models import ReportVersion
from meetings.models import Meeting
from parties.models import Party

from .api import serializers as s
from .models import Heartbeat
from .retention import claim_today

FOLDER = "opendata"
PREFIX = "prague-process-open-data-"
NAME = re.compile(rf"^{PREFIX}(\d{{4}}-\d{{2}}-\d{{2}})\.zip$")
KEEP = 14
CLAIM = "opendata-nightly"
BUILD_HOUR = 2  # local time: the night's bundle is made from this hour on

LICENCE = (
    "The Prague Process open data, {day}.\n\n"
    "Licensed under the Creative Commons Attribution 4.0 International licence (CC BY 4.0):\n"
    "https://creativecommons.org/licenses/by/4.0/\n"
    "Attribute as: Prague Process Secretariat, Prague Process Action Plan portal ({site}).\n\n"
    "The Action Plan's text is the text adopted by the Ministers; its Russian is a translation whose\n"
    "status each record's translation page shows.\n"
)

FIELDS = {
    "parties.csv": [
        ("code", "string", "ISO 3166-1 alpha-2 code of the Party (EU: the European Commission, XK: Kosovo)"),
        ("kind", "string", "state or eu"),
        ("name_en", "string", "Name as the newest plan writes it, in English"),
        ("name_ru", "string", "The same in Russian ('' where not written yet)"),
        ("group", "string", "Code of the Party's geographic group"),
        ("group_en", "string", "Name of the group in English"),
        ("group_ru", "string", "Name of the group in Russian"),
    ],
    "participation.csv": [
        ("plan", "string", "Slug of the plan, as in its pages' addresses"),
        ("party", "string", "Code of the Party"),
        ("action", "string", "Code of the action, e.g. I.2"),
        ("items", "string", "Letters of the action's items the Party takes part in, separated by spaces"),
        ("role", "string", "participant or leader"),
        ("since", "date", "Day the Party declared it (YYYY-MM-DD)"),
    ],
    "meetings.csv": [
        ("id", "integer", "The meeting's number in the portal"),
        ("kind", "string", "som (Senior Officials' Meeting), ministerial, core_group, expert or other"),
        ("status", "string", "planned, confirmed, held or cancelled"),
        ("title_en", "string", "Title in English"),
        ("title_ru", "string", "Title in Russian"),
        ("starts_at", "datetime", "Start, UTC (ISO 8601)"),
        ("ends_at", "datetime", "End, UTC (ISO 8601)"),
        ("timezone", "string", "The meeting's own time zone (IANA)"),
        ("city", "string", "City"),
        ("country", "string", "Country"),
        ("host", "string", "Code of the hosting Party"),
        ("plan", "string", "Slug of the plan the meeting belongs to"),
        ("url", "string", "The meeting's page"),
    ],
}
JSON_FILES = {
    "plans.json": "Every plan with its priority areas, numbered actions and their items; texts as {en, ru}",
    "parties.json": "The Parties with their group and their names in each plan; texts as {en, ru}",
    "meetings.json": "Meetings with their public details",
    "reports.json": "Published versions of the compiled reports, each language, with their figures",
}


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, default=_plain).encode()


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _csv(name: str, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f for f, _t, _d in FIELDS[name]])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _context() -> dict:
    return {"site": _site()}


def _plans() -> list[dict]:
    plans = list(ActionPlan.objects.order_by("-start_year", "-pk"))
    for plan in plans:
        plan.area_list = list(plan_areas(plan))
    return s.PlanDetailSerializer(plans, many=True, context=_context()).data


def _parties() -> list[Party]:
    names = PartyName.objects.select_related("plan").order_by("since")
    return list(
        Party.objects.select_related("group")
        .prefetch_related(Prefetch("plan_names", queryset=names))
        .order_by("order", "code")
    )


def files() -> dict[str, bytes]:
    """Every file of today's bundle but the ZIP itself, name -> content."""
    parties = _parties()
    meetings = list(Meeting.objects.select_related("host", "plan").order_by("starts_at", "pk"))
    reports = list(
        ReportVersion.objects.filter(state=ReportVersion.State.PUBLISHED)
        .select_related("plan")
        .defer("html", "pdf", "xlsx")
        .order_by("plan__start_year", "kind", "year", "number", "language")
    )
    participations = (
        Participation.objects.select_related("party", "action__area__plan")
        .prefetch_related("items")
        .order_by("action__area__plan__start_year", "party__order", "action__area__order", "action__number")
    )
    meeting_rows = s.MeetingSerializer(meetings, many=True, context=_context()).data
    return {
        "plans.json": _json(_plans()),
        "parties.json": _json(s.PartySerializer(parties, many=True, context=_context()).data),
        "meetings.json": _json(meeting_rows),
        "reports.json": _json(s.ReportDetailSerializer(reports, many=True, context=_context()).data),
        "parties.csv": _csv(
            "parties.csv",
            (
                [
                    p.code,
                    p.kind,
                    text_in(p, "name", "en"),
                    text_in(p, "name", "ru"),
                    p.group.code,
                    text_in(p.group, "name", "en"),
                    text_in(p.group, "name", "ru"),
                ]
                for p in parties
            ),
        ),
        "participation.csv": _csv(
            "participation.csv",
            (
                [
                    p.action.area.plan.url_slug,
                    p.party.code,
                    p.action.code,
                    " ".join(sorted(i.letter for i in p.items.all())),
                    p.role,
                    p.since.isoformat(),
                ]
                for p in participations
            ),
        ),
        "meetings.csv": _csv(
            "meetings.csv",
            (
                [
                    m["id"],
                    m["kind"],
                    m["status"],
                    m["title"]["en"],
                    m["title"]["ru"],
                    m["starts_at"],
                    m["ends_at"],
                    m["timezone"],
                    m["city"],
                    m["country"],
                    m["host"] or "",
                    m["plan"] or "",
                    m["url"],
                ]
                for m in meeting_rows
            ),
        ),
    }


def _datapackage(day, contents: dict[str, bytes]) -> dict:
    resources = []
    for name, content in contents.items():
        resource = {
            "name": name.rsplit(".", 1)[0] + ("-csv" if name.endswith(".csv") else "-json"),
            "path": name,
            "format": name.rsplit(".", 1)[1],
            "bytes": len(content),
            "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
        }
        if name in FIELDS:
            resource["mediatype"] = "text/csv"
            resource["encoding"] = "utf-8-sig"
            resource["schema"] = {
                "fields": [{"name": f, "type": t, "description": d} for f, t, d in FIELDS[name]]
            }
        else:
            resource["mediatype"] = "application/json"
            resource["description"] = JSON_FILES[name]
        resources.append(resource)
    return {
        "name": f"prague-process-open-data-{day.isoformat()}",
        "title": "Prague Process Action Plan portal: open data",
        "created": timezone.now().isoformat(timespec="seconds"),
        "homepage": _site() + "/open-data/",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "CC BY 4.0",
            }
        ],
        "resources": resources,
    }


def bundle_build(*, now: datetime | None = None) -> str:
    """Write today's bundle (replacing one made earlier today) and drop the oldest; its name."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    contents = files()
    package = _datapackage(day, contents)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in contents.items():
            bundle.writestr(name, content)
        bundle.writestr("datapackage.json", _json(package))
        bundle.writestr("LICENCE.txt", LICENCE.format(day=day.isoformat(), site=_site()))
        bundle.writestr(
            "README.txt",
            "Files, fields and their meaning: datapackage.json. Licence: LICENCE.txt.\n"
            + "".join(f"{n}: {d}\n" for n, d in JSON_FILES.items()),
        )
    name = f"{FOLDER}/{PREFIX}{day.isoformat()}.zip"
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(buffer.getvalue()))
    for old in bundles()[KEEP:]:
        default_storage.delete(f"{FOLDER}/{old['name']}")
    return name


def bundles() -> list[dict]:
    """The bundles kept, newest first: name, day and size."""
    try:
        _dirs, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        match = NAME.match(name)
        if match:
            found.append(
                {"name": name, "day": match.group(1), "size": default_storage.size(f"{FOLDER}/{name}")}
            )
    return sorted(found, key=lambda b: b["day"], reverse=True)


def bundle_nightly(*, now: datetime | None = None) -> str | None:
    """The beat's run (hourly): once a night, from BUILD_HOUR, builds the bundle; a second beat, a
    retry or a later hour the same day does nothing. A build that fails gives the claim back."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < BUILD_HOUR:
        return None
    if not claim_today(CLAIM, now=now):
        return None
    try:
        return bundle_build(now=now)
    except Exception:
        start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        Heartbeat.objects.filter(name=CLAIM).update(beat_at=start - timedelta(days=1))
        raise
