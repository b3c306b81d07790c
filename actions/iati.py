"""Submitted activities as IATI 2.03 activity XML (https://iatistandard.org/en/iati-standard/203/).

One `iati-activity` per submitted activity, streamed (memory stays flat at any size):

- `iati-identifier`: the reporting organisation's reference, a dash, the activity's id.
- `reporting-org`: the secretariat (`IATI_REPORTING_ORG_REF`, `IATI_REPORTING_ORG_TYPE`, its name
  `IATI_REPORTING_ORG_NAME`), as `settings` say.
- `participating-org`: the Party as accountable (role 2), the other Parties as implementing (4),
  each partner organisation by its role here (funding 1, implementing 4, partner 3 "extending").
  A state is a government (type 10), the European Commission a multilateral body (40), partner
  organisations by kind (international organisation 40, EU agency 40, NGO 21, other 90).
- `activity-status`: planned 1 (pipeline), ongoing 2 (implementation), completed 4 (closed),
  cancelled 5.
- `description`: the activity's description (its kind, where it has none) and its outputs (type 2).
- `activity-date`: the start (actual, type 2, once ongoing or completed; else planned, 1) and the
  end (actual, 4, once completed; else planned, 3). An activity with no start date gives the day its
  record was made as its planned start.
- `tag`: each action and each item of the plan the activity serves, under vocabulary 99 (the
  reporting organisation's own), whose `vocabulary-uri` is the plan's page; the code is the action's
  (`I.2`) or the item's (`I.2 b`), the narrative its text in English and, where written, Russian.
- `budget`: each financing line, with its currency, over the activity's dates (value date: its
  start), its source and funder in the description of the line's provider.

Only what is public to members is written: no person, no draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation

from core.translations import text_in
from parties.models import PartnerOrganisation, Party

from .models import Activity
from .selectors import activity_records

VERSION = "2.03"
STATUS = {
    Activity.Status.PLANNED: "1",
    Activity.Status.ONGOING: "2",
    Activity.Status.COMPLETED: "4",
    Activity.Status.CANCELLED: "5",
}
PARTNER_ROLE = {"funding": "1", "implementing": "4", "partner": "3"}
PARTNER_TYPE = {
    PartnerOrganisation.Kind.INTERNATIONAL: "40",
    PartnerOrganisation.Kind.EU_AGENCY: "40",
    PartnerOrganisation.Kind.NGO: "21",
    PartnerOrganisation.Kind.OTHER: "90",
}
TAG_VOCABULARY = "99"  # Reporting Organisation (IATI TagVocabulary codelist)
BATCH = 500


def _party_type(party: Party) -> str:
    return "40" if party.kind != Party.Kind.STATE else "10"


def _narratives(en: str, ru: str = "") -> str:
    out = f"<narrative>{escape(en)}</narrative>"
    if ru:
        out += f'<narrative xml:lang="ru">{escape(ru)}</narrative>'
    return out


def _date(kind: str, day: date) -> str:
    return f'<activity-date type="{kind}" iso-date="{day.isoformat()}"/>'


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def activities_for_iati(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    """The submitted activities of `queryset` (the list's, `selectors.activity_list`), with
    everything a record writes: a fixed number of queries per batch."""
    return activity_records(queryset.filter(state=Activity.State.SUBMITTED)).order_by("pk")


def activity_xml(activity: Activity, *, ref: str, org_type: str, org_name: str) -> str:
    """One `iati-activity`, its children in the order of the 2.03 schema."""
    party = activity.party
    parts = [
        f'<iati-activity last-updated-datetime="{activity.updated_at.astimezone(UTC).isoformat(timespec="seconds")}"'
        ' xml:lang="en">',
        f"<iati-identifier>{escape(ref)}-{activity.pk}</iati-identifier>",
        f'<reporting-org ref={quoteattr(ref)} type="{org_type}">{_narratives(org_name)}</reporting-org>',
        f"<title>{_narratives(activity.title)}</title>",
    ]
    # The schema asks for a description: an activity with none is described by its kind.
    with translation.override("en"):
        described = activity.description.strip() or str(activity.get_kind_display())
    parts.append(f'<description type="1">{_narratives(described)}</description>')
    if activity.outputs.strip():
        parts.append(f'<description type="2">{_narratives(activity.outputs)}</description>')
    parts.append(
        f'<participating-org role="2" type="{_party_type(party)}" ref="XM-PP-{party.code}">'
        f"{_narratives(text_in(party, 'name', 'en') or party.name, text_in(party, 'name', 'ru'))}</participating-org>"
    )
    for other in activity.other_parties.all():
        parts.append(
            f'<participating-org role="4" type="{_party_type(other)}" ref="XM-PP-{other.code}">'
            f"{_narratives(text_in(other, 'name', 'en') or other.name, text_in(other, 'name', 'ru'))}</participating-org>"
        )
    for row in activity.partner_roles.all():
        org = row.organisation
        english = f"{org.acronym}: {text_in(org, 'name', 'en') or org.name}"
        russian = text_in(org, "name", "ru")
        parts.append(
            f'<participating-org role="{PARTNER_ROLE.get(row.role, "3")}" type="{PARTNER_TYPE.get(org.kind, "90")}">'
            f"{_narratives(english, f'{org.acronym}: {russian}' if russian else '')}</participating-org>"
        )
    parts.append(f'<activity-status code="{STATUS.get(activity.status, "1")}"/>')
    started = activity.status in (Activity.Status.ONGOING, Activity.Status.COMPLETED)
    start = activity.start_date or activity.created_at.date()
    parts.append(_date("2" if started and activity.start_date else "1", start))
    if activity.end_date:
        parts.append(_date("4" if activity.status == Activity.Status.COMPLETED else "3", activity.end_date))
    plan = activity.plan
    vocabulary_uri = _site(plan.get_absolute_url()) if plan else _site("/")
    for action in activity.actions.all():
        parts.append(
            f'<tag vocabulary="{TAG_VOCABULARY}" vocabulary-uri={quoteattr(vocabulary_uri)} code="{action.code}">'
            f"{_narratives(text_in(action, 'text', 'en'), text_in(action, 'text', 'ru'))}</tag>"
        )
    for item in activity.items.all():
        parts.append(
            f'<tag vocabulary="{TAG_VOCABULARY}" vocabulary-uri={quoteattr(vocabulary_uri)}'
            f' code="{item.action.code} {item.letter}">'
            f"{_narratives(text_in(item, 'text', 'en'), text_in(item, 'text', 'ru'))}</tag>"
        )
    end = activity.end_date if activity.end_date and activity.end_date >= start else start
    for line in activity.financing_lines.all():
        parts.append(
            '<budget type="1" status="2">'
            f'<period-start iso-date="{start.isoformat()}"/><period-end iso-date="{end.isoformat()}"/>'
            f'<value currency="{escape(line.currency)}" value-date="{start.isoformat()}">{line.amount:.2f}</value>'
            "</budget>"
        )
    parts.append(
        f'<document-link format="text/html" url={quoteattr(_site(activity.get_absolute_url()))}>'
        f"<title>{_narratives(activity.title)}</title>"
        '<category code="A01"/>'
        "</document-link>"
    )
    parts.append("</iati-activity>")
    return "".join(parts)


def iati_xml(queryset: QuerySet[Activity], *, now: datetime | None = None) -> Iterator[str]:
    """The whole file, piece by piece: the root, then the activities in batches of BATCH."""
    ref = settings.IATI_REPORTING_ORG_REF
    org_type = settings.IATI_REPORTING_ORG_TYPE
    name = settings.IATI_REPORTING_ORG_NAME
    generated = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<iati-activities version="{VERSION}" generated-datetime="{generated}">\n'
    for batch in _batches(activities_for_iati(queryset)):
        for activity in batch:
            yield activity_xml(activity, ref=ref, org_type=org_type, org_name=name) + "\n"
    yield "</iati-activities>\n"


def _batches(queryset: QuerySet[Activity]) -> Iterable[list[Activity]]:
    """Keyset batches by id, each read with its prefetches: memory flat, queries per batch fixed."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk
