"""The activity list as CSV and XLSX, streamed, in the layout that the import reads back.

Columns (the documented export layout):
  id, title, party (code), kind, status, state, actions ("I.2; II.1"), items ("I.2 b; VI.2 a"),
  start_date, end_date (YYYY-MM-DD), description, outputs, other_parties (codes, "AT; DE"),
  partners ("UNHCR: implementing; IOM: funding"), financing (one line per row of the cell:
  "source | amount | currency | funder"), links (one per line), updated_at (UTC, ISO 8601).
Kinds, statuses, states and partner roles are written as their codes (`training`, `ongoing`, ...).

The export takes the reader's language: the header row names the columns in it (in English the
codes above; `column_code` reads a header of either language back, so the import takes both), and
financing sources are named in it (the English where a source has no Russian name). Party codes,
action codes and partner acronyms are identifiers, the same in both languages.

Cells that a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage
return) are written with a leading apostrophe; the import removes it again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC
from itertools import islice

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import pgettext_lazy

from core.downloads import csv_safe
from core.translations import LANGUAGES, current_language

from .models import Activity, ActivityPartner, FinancingLine

COLUMNS = [
    "id",
    "title",
    "party",
    "kind",
    "status",
    "state",
    "actions",
    "items",
    "start_date",
    "end_date",
    "description",
    "outputs",
    "other_parties",
    "partners",
    "financing",
    "links",
    "updated_at",
]
# The header of each column in the reader's language; English keeps the documented codes.
LABELS = {
    "id": pgettext_lazy("export column", "id"),
    "title": pgettext_lazy("export column", "title"),
    "party": pgettext_lazy("export column", "party"),
    "kind": pgettext_lazy("export column", "kind"),
    "status": pgettext_lazy("export column", "status"),
    "state": pgettext_lazy("export column", "state"),
    "actions": pgettext_lazy("export column", "actions"),
    "items": pgettext_lazy("export column", "items"),
    "start_date": pgettext_lazy("export column", "start_date"),
    "end_date": pgettext_lazy("export column", "end_date"),
    "description": pgettext_lazy("export column", "description"),
    "outputs": pgettext_lazy("export column", "outputs"),
    "other_parties": pgettext_lazy("export column", "other_parties"),
    "partners": pgettext_lazy("export column", "partners"),
    "financing": pgettext_lazy("export column", "financing"),
    "links": pgettext_lazy("export column", "links"),
    "updated_at": pgettext_lazy("export column", "updated_at"),
}


def header() -> list[str]:
    """The header row in the active language."""
    return [str(LABELS[c]) for c in COLUMNS]


def column_code(name: str) -> str:
    """The column code of a header written in any of the languages (lowercase), else the name itself."""
    name = str(name).strip().lower()
    for lang in LANGUAGES:
        with translation.override(lang):
            for code, label in LABELS.items():
                if str(label).lower() == name:
                    return code
    return name


CHUNK = 2000
MAIN_FIELDS = (
    "pk",
    "title",
    "party__code",
    "kind",
    "status",
    "state",
    "start_date",
    "end_date",
    "description",
    "outputs",
    "links",
    "updated_at",
)


def _grouped(rows) -> dict[int, list]:
    out: dict[int, list] = {}
    for activity_id, *rest in rows:
        out.setdefault(activity_id, []).append(rest)
    return out


def _related(ids: list[int]) -> dict[str, dict[int, list]]:
    """The relations of one chunk of activities: five queries, whatever the chunk holds.

    Plain tuples rather than model instances and prefetches: an export of 100,000 rows spends its
    time writing, not building querysets per row."""
    lang = current_language()
    through = Activity.actions.through.objects.filter(activity_id__in=ids)
    items = Activity.items.through.objects.filter(activity_id__in=ids)
    joint = Activity.other_parties.through.objects.filter(activity_id__in=ids)
    return {
        "actions": _grouped(
            through.order_by("action__area__order", "action__number").values_list(
                "activity_id", "action__area__numeral", "action__number"
            )
        ),
        "items": _grouped(
            items.order_by(
                "actionitem__action__area__order", "actionitem__action__number", "actionitem__letter"
            ).values_list(
                "activity_id",
                "actionitem__action__area__numeral",
                "actionitem__action__number",
                "actionitem__letter",
            )
        ),
        "other_parties": _grouped(joint.order_by("party__order").values_list("activity_id", "party__code")),
        "partners": _grouped(
            ActivityPartner.objects.filter(activity_id__in=ids)
            .order_by("pk")
            .values_list("activity_id", "organisation__acronym", "role")
        ),
        "financing": _grouped(
            FinancingLine.objects.filter(activity_id__in=ids)
            .order_by("pk")
            .values_list(
                "activity_id", f"source__name_{lang}", "source__name_en", "amount", "currency", "funder"
            )
        ),
    }


def _row(main: tuple, rel: dict[str, dict[int, list]]) -> list[str]:
    pk, title, party, kind, status, state, start, end, description, outputs, links, updated = main
    return [
        str(pk),
        title,
        party,
        kind,
        status,
        state,
        "; ".join(f"{numeral}.{number}" for numeral, number in rel["actions"].get(pk, ())),
        "; ".join(f"{numeral}.{number} {letter}" for numeral, number, letter in rel["items"].get(pk, ())),
        start.isoformat() if start else "",
        end.isoformat() if end else "",
        description,
        outputs,
        "; ".join(code for (code,) in rel["other_parties"].get(pk, ())),
        "; ".join(f"{acronym}: {role}" for acronym, role in rel["partners"].get(pk, ())),
        "\n".join(
            " | ".join([name or english, f"{amount:.2f}", currency, *([funder] if funder else [])])
            for name, english, amount, currency, funder in rel["financing"].get(pk, ())
        ),
        links,
        updated.astimezone(UTC).isoformat(timespec="seconds") if updated else "",
    ]


def rows(queryset: QuerySet[Activity]) -> Iterator[list]:
    """The export's rows, read in chunks: memory stays flat whatever the number of rows. The CSV
    (core.downloads.csv_response) and the XLSX writer escape formula cells."""
    # The list page's joins and prefetches are not needed here: the relations come per chunk.
    plain = queryset.select_related(None).prefetch_related(None)
    main = plain.values_list(*MAIN_FIELDS).iterator(chunk_size=CHUNK)
    while chunk := list(islice(main, CHUNK)):
        rel = _related([row[0] for row in chunk])
        for row in chunk:
            yield _row(row, rel)


def xlsx_file(queryset: QuerySet[Activity]):
    """A temporary file holding the workbook; openpyxl's write-only mode streams rows to disk."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(pgettext_lazy("export sheet", "activities")))
    sheet.append(header())
    for row in rows(queryset):
        # Control characters have no place in an XLSX cell: drop them rather than fail.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", csv_safe(v)) for v in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
