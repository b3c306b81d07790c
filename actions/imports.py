"""Importing activities from a CSV or XLSX file in the export layout (see exports.py).

Every row goes through the same `ActivityForm` and financing/partner formsets as the page; an error
names its row (as a spreadsheet numbers it: the header is row 1) and its column. Rows are written in
one transaction: all of them or none. The `id` and `updated_at` columns are ignored: each row creates a
new activity.

Each row belongs to the plan in force at its start date (`selectors.plan_in_force`), else to the
import's plan (the current one): its codes of actions, items and financing sources are that plan's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from core.downloads import csv_unsafe
from core.uploads import ArchiveRefused, archive_check
from parties.models import PartnerOrganisation, Party
from parties.permissions import ALL, scope

from .activity_forms import ActivityForm, FinancingLineFormSet, PartnerFormSet, lines_of
from .exports import COLUMNS, column_code
from .models import Action, ActionItem, ActionPlan, Activity, ActivityPartner, FinancingSource
from .selectors import plan_current, plan_in_force
from .services import PLAIN_FIELDS, ActivityWrite, activity_create

MAX_ROWS = 2000
REQUIRED = {"title"}


@dataclass
class ImportRow:
    number: int
    values: dict
    errors: list[tuple[str, str]] = field(default_factory=list)
    party: Party | None = None
    plan: ActionPlan | None = None
    write: ActivityWrite | None = None
    line_numbers: list[int] = field(default_factory=list)

    @property
    def party_code(self) -> str:
        return self.values.get("party", "").upper() or (self.party.code if self.party else "")

    @property
    def codes(self) -> str:
        """The actions and items the row names, as written in the file."""
        return " ".join(filter(None, [self.values.get("actions", ""), self.values.get("items", "")]))


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


def _unescape(value) -> str:
    return csv_unsafe("" if value is None else str(value).strip())


def read_rows(content: bytes, kind: str) -> list[tuple[int, dict]]:
    """(row number, {column: text}) for each non-empty data row."""
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            archive_check(content)
        except ArchiveRefused as exc:
            raise ImportFileError(str(exc)) from exc
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken workbook
            raise ImportFileError(_("The workbook cannot be read.")) from exc
        sheet = workbook.worksheets[0]
        raw = (
            ["" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)
        )
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file is not UTF-8 text.")) from exc
        try:
            raw = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    raw = iter(raw)
    header = [column_code(h) for h in next(raw, [])]  # the export's header in either language
    missing = REQUIRED - set(header)
    if missing:
        raise ImportFileError(
            _("The first row must name the columns; missing: %(cols)s.")
            % {"cols": ", ".join(sorted(missing))}
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportFileError(_("Unknown columns: %(cols)s.") % {"cols": ", ".join(unknown[:10])})
    rows = []
    for number, cells in enumerate(raw, start=2):
        values = {h: _unescape(cells[i]) if i < len(cells) else "" for i, h in enumerate(header) if h}
        if not any(values.values()):
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("At most %(n)s rows can be imported at once.") % {"n": MAX_ROWS})
    if not rows:
        raise ImportFileError(_("The file has no rows of activities."))
    return rows


class _Lookups:
    """The codes of a plan (its actions, items and financing sources) and the Parties and partner
    organisations, read once per import and plan."""

    def __init__(self, plan: ActionPlan | None):
        actions = Action.objects.select_related("area")
        items = ActionItem.objects.select_related("action__area")
        sources = FinancingSource.objects.order_by("order")
        if plan is not None:
            actions = actions.filter(area__plan=plan)
            items = items.filter(action__area__plan=plan)
            sources = sources.filter(plan=plan)
        self.actions = {a.code.upper(): a for a in actions}
        self.items = {f"{i.action.code} {i.letter}".upper(): i for i in items}
        self.parties = {p.code.upper(): p for p in Party.objects.all()}
        self.partners = {o.acronym.upper(): o for o in PartnerOrganisation.objects.all()}
        self.sources = {}
        for s in sources:
            # A source is named in either language of the plan, or by its number.
            for name in (s.name_en, s.name_ru):
                if name:
                    self.sources.setdefault(" ".join(name.split()).upper(), s)
            self.sources.setdefault(str(s.order), s)


def _row_plan(values: dict, default: ActionPlan | None, cache: dict) -> ActionPlan | None:
    """The plan in force at the row's start date; the import's plan when it has none (or an
    unreadable one, which the form then refuses)."""
    try:
        day = date.fromisoformat(values.get("start_date", "").strip())
    except ValueError:
        return default
    if day.year not in cache:
        cache[day.year] = plan_in_force(day)
    return cache[day.year] or default


def _split(value: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def _codes(row: ImportRow, column: str, table: dict, codes: list[str]) -> list[str]:
    pks = []
    for code in codes:
        found = table.get(" ".join(str(code).split()).upper())
        if found is None:
            row.errors.append((column, _("unknown code “%(code)s”") % {"code": str(code)[:40]}))
        else:
            pks.append(str(found.pk))
    return pks


def cells_structured(row: ImportRow) -> dict:
    """The row's cells (the export layout's strings) as one activity's structured values: the
    codes as lists, the financing as (source, amount, currency, funder) lines, the partners as
    (acronym, role) pairs. A malformed financing line is an error of the row."""
    v = row.values
    values = {
        name: v.get(name, "")
        for name in ("title", "description", "outputs", "links", "start_date", "end_date")
    }
    values.update(
        kind=v.get("kind", ""), status=v.get("status", ""), state=v.get("state", ""), party=v.get("party", "")
    )
    for column in ("actions", "items", "other_parties"):
        values[column] = _split(v.get(column, ""))
    values["financing"] = []
    lines = [ln for ln in v.get("financing", "").splitlines() if ln.strip()]
    for number, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3 or len(parts) > 4:
            message = _("line %(n)s: expected “source | amount | currency | funder”") % {"n": number}
            row.errors.append(("financing", message))
            continue
        values["financing"].append(
            (number, parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else "")
        )
    values["partners"] = []
    for entry in _split(v.get("partners", "")):
        acronym, _sep, role = entry.partition(":")
        values["partners"].append((acronym.strip(), role.strip()))
    return values


def _form_data(row: ImportRow, user, lookups: _Lookups, values: dict) -> QueryDict:
    """The page's form data for one activity's structured values (see `cells_structured`): codes
    looked up in the plan, the Party as the user may choose it. Unknown codes are errors of the row."""
    data = QueryDict(mutable=True)
    for name in ("title", "description", "outputs", "links", "start_date", "end_date"):
        data[name] = values.get(name) or ""
    data["kind"] = values.get("kind") or Activity.Kind.OTHER
    data["status"] = values.get("status") or Activity.Status.PLANNED
    data["state"] = values.get("state") or Activity.State.DRAFT
    if values.get("version") is not None:
        data["version"] = str(values["version"])
    data.setlist("actions", _codes(row, "actions", lookups.actions, values.get("actions") or []))
    data.setlist("items", _codes(row, "items", lookups.items, values.get("items") or []))
    data.setlist(
        "other_parties", _codes(row, "other_parties", lookups.parties, values.get("other_parties") or [])
    )

    code = str(values.get("party") or "").strip().upper()
    own_only = scope(user, "activity.import") is not ALL
    if own_only:
        if code and code != user.party.code:
            row.errors.append(("party", _("a contact point imports only its own Party's activities")))
        row.party = user.party
    elif not code and row.party is not None:
        data["party"] = str(row.party.pk)  # an update that names no Party keeps its own
    else:
        row.party = lookups.parties.get(code)
        if row.party is None:
            row.errors.append(("party", _("unknown Party code “%(code)s”") % {"code": code[:10]}))
        data["party"] = str(row.party.pk) if row.party else ""

    for number, source_name, amount, currency, funder in values.get("financing") or []:
        source = lookups.sources.get(" ".join(str(source_name).split()).upper())
        if source is None:
            message = _("line %(n)s: unknown source “%(s)s”") % {"n": number, "s": str(source_name)[:60]}
            row.errors.append(("financing", message))
            continue
        try:
            amount = str(Decimal(str(amount).replace(",", "").replace(" ", "")))
        except InvalidOperation:
            amount = str(amount)
        n = len(row.line_numbers)
        row.line_numbers.append(number)  # the formset's n-th form is the cell's line `number`
        data[f"financing-{n}-source"] = str(source.pk)
        data[f"financing-{n}-amount"] = amount
        data[f"financing-{n}-currency"] = str(currency).upper()
        data[f"financing-{n}-funder"] = funder or ""
    _management(data, "financing", len(row.line_numbers))

    partners = values.get("partners") or []
    _management(data, "partners", len(partners))
    for n, (acronym, role) in enumerate(partners):
        organisation = lookups.partners.get(str(acronym).strip().upper())
        if organisation is None:
            row.errors.append(
                ("partners", _("unknown organisation “%(a)s”") % {"a": str(acronym).strip()[:30]})
            )
        data[f"partners-{n}-organisation"] = str(organisation.pk) if organisation else ""
        data[f"partners-{n}-role"] = str(role or "").strip().lower() or ActivityPartner.Role.PARTNER
    return data


def _management(data: QueryDict, prefix: str, total: int) -> None:
    data[f"{prefix}-TOTAL_FORMS"] = str(total)
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = "1000"


def _formset_errors(row: ImportRow, column: str, formset, numbers: list[int] | None = None) -> None:
    """Formset errors under the cell's column; `numbers` maps a form to its line within the cell."""
    for n, errors in enumerate(formset.errors):
        line = numbers[n] if numbers and n < len(numbers) else n + 1
        for name, messages in errors.items():
            message = _("line %(n)s, %(field)s: %(msg)s") % {
                "n": line,
                "field": name,
                "msg": " ".join(messages),
            }
            row.errors.append((column, message))
    for message in formset.non_form_errors():
        row.errors.append((column, message))


def activity_validate(
    row: ImportRow, *, user, values: dict, lookups: _Lookups, instance: Activity | None = None
) -> ImportRow:
    """One activity's structured values through the page's form and formsets: the row's errors
    (column, message) as the page would give them, or its `write` ready for the services. With an
    `instance`, the values replace that activity's (its lines included)."""
    if instance is not None:
        row.party = instance.party
    data = _form_data(row, user, lookups, values)
    form = ActivityForm(data, user=user, plan=row.plan, instance=instance)
    financing = FinancingLineFormSet(data, instance=Activity(), prefix="financing", plan=row.plan)
    partners = PartnerFormSet(data, instance=Activity(), prefix="partners")
    valid = form.is_valid() & financing.is_valid() & partners.is_valid()
    for name, messages in form.errors.items():
        column = "–" if name == "__all__" else name
        for message in messages:
            row.errors.append((column, message))
    _formset_errors(row, "financing", financing, row.line_numbers)
    _formset_errors(row, "partners", partners)
    if valid and not row.errors:
        cleaned = form.cleaned_data
        row.write = ActivityWrite(
            fields={k: cleaned[k] for k in PLAIN_FIELDS},
            actions=cleaned["actions"],
            items=list(cleaned["items"]),
            other_parties=list(cleaned["other_parties"]),
            financing=lines_of(financing),
            partners=lines_of(partners),
            plan=row.plan,
        )
        if cleaned.get("party") is not None:
            row.party = cleaned["party"]
    return row


def plan_lookups(plan: ActionPlan | None) -> _Lookups:
    return _Lookups(plan)


def rows_validate(*, user, content: bytes, kind: str, plan=None) -> list[ImportRow]:
    """Parse and validate every row; nothing is written. Raises ImportFileError for an unreadable file.

    A row goes under the plan in force at its start date, else under `plan` (the current plan when
    none is given)."""
    plan = plan or plan_current()
    lookups: dict[int | None, _Lookups] = {}
    in_force: dict[int, ActionPlan | None] = {}
    results = []
    for number, values in read_rows(content, kind):
        row = ImportRow(number=number, values=values)
        row.plan = _row_plan(values, plan, in_force)
        key = row.plan.pk if row.plan else None
        if key not in lookups:
            lookups[key] = _Lookups(row.plan)
        results.append(activity_validate(row, user=user, values=cells_structured(row), lookups=lookups[key]))
    return results


@transaction.atomic
def rows_import(*, user, rows: list[ImportRow]) -> list[Activity]:
    """Create one activity per row, all in one transaction; refuses when any row has an error."""
    if any(row.errors or row.write is None for row in rows):
        raise ValueError("rows with errors are never imported")
    return [activity_create(user=user, party=row.party, write=row.write)[0] for row in rows]
