"""The activity list as CSV and XLSX, streamed, in the layout that the import reads back.

Columns (the documented export layout):
  id, title, party (code), kind, status, state, actions ("I.2; II.1"), items ("I.2 b; VI.2 a"),
  start_date, end_date (YYYY-MM-DD), description, outputs, other_parties (codes, "AT; DE"),
  partners ("UNHCR: implementing; IOM: funding"), financing (one line per row of the cell:
  "source | amount | currency | funder"), links (one per line), updated_at (UTC, ISO 8601).
Kinds, statuses, states and partner roles are written as their codes (`training`, `ongoing`, ...).

Cells that a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage
return) are written with a leading apostrophe; the import removes it again.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC

from django.db.models import QuerySet

from .models import Activity

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
CHUNK = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_escape(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def activity_row(activity: Activity) -> list[str]:
    """One activity as export cells; reads only prefetched relations (see selectors.activity_list)."""
    return [
        str(activity.pk),
        activity.title,
        activity.party.code,
        activity.kind,
        activity.status,
        activity.state,
        "; ".join(a.code for a in activity.actions.all()),
        "; ".join(f"{i.action.code} {i.letter}" for i in activity.items.all()),
        activity.start_date.isoformat() if activity.start_date else "",
        activity.end_date.isoformat() if activity.end_date else "",
        activity.description,
        activity.outputs,
        "; ".join(p.code for p in activity.other_parties.all()),
        "; ".join(f"{r.organisation.acronym}: {r.role}" for r in activity.partner_roles.all()),
        "\n".join(
            f"{ln.source.name} | {ln.amount:.2f} | {ln.currency} | {ln.funder}".rstrip(" |")
            for ln in activity.financing_lines.all()
        ),
        activity.links,
        activity.updated_at.astimezone(UTC).isoformat(timespec="seconds") if activity.updated_at else "",
    ]


def _rows(queryset: QuerySet[Activity]) -> Iterator[list[str]]:
    # iterator(chunk_size=...) keeps memory flat and runs the prefetches once per chunk.
    for activity in queryset.iterator(chunk_size=CHUNK):
        yield [cell_escape(v) for v in activity_row(activity)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(queryset: QuerySet[Activity]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read UTF-8
    yield writer.writerow(COLUMNS)
    for row in _rows(queryset):
        yield writer.writerow(row)


def xlsx_file(queryset: QuerySet[Activity]):
    """A temporary file holding the workbook; openpyxl's write-only mode streams rows to disk."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("activities")
    sheet.append(COLUMNS)
    for row in _rows(queryset):
        # Control characters have no place in an XLSX cell: drop them rather than fail.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
