"""Rendering compiled figures: the HTML fragment, the PDF (WeasyPrint) and the XLSX (openpyxl).

Each is rendered from one language's figures (`figures.figures_in`) with that language active, so
interface words and content labels are in the version's language. The PDF's fonts are DejaVu Sans
and DejaVu Serif (Debian's fonts-dejavu-core), which cover Cyrillic: see pdf.css.

WeasyPrint is imported inside the function that renders, so the rest of the portal needs none of
its system libraries.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.translations import localized
from meetings.models import Decision

from .figures import label_text as _t
from .models import ReportKind

PDF_CSS = Path(__file__).with_name("pdf.css")


def report_title(kind: str, start_year: int, year: int, plan) -> str:
    """The report's title in the active language, naming its plan as the plan names itself."""
    names = {"process": str(localized(plan, "process")), "plan": str(localized(plan, "title"))}
    if kind == ReportKind.YEARLY:
        return _("%(process)s %(plan)s: monitoring report %(year)s") % {**names, "year": year}
    if kind == ReportKind.MIDTERM:
        return _("%(process)s %(plan)s: mid-term review %(a)s–%(b)s") % {**names, "a": start_year, "b": year}
    return _("%(process)s %(plan)s: final review %(a)s–%(b)s") % {**names, "a": start_year, "b": year}


def report_context(data: dict) -> dict:
    """Labels for the figures' keys, computed once for the HTML and the XLSX."""
    status = data["status_labels"]
    kind = data["kind_labels"]
    from .models import ProgressEntry

    progress = dict(ProgressEntry.Status.choices)
    return {
        "status_rows": [(status.get(k, k), n) for k, n in data["activities_by_status"].items()],
        "kind_rows": [(kind.get(k, k), n) for k, n in data["activities_by_kind"].items()],
        "status_labels": status,
        "kind_labels": kind,
        "progress_labels": {k: str(v) for k, v in progress.items()},
        "criteria_labels": criteria_labels(data),
        "change_labels": change_labels(data),
        "decision_labels": {k: str(v) for k, v in Decision.Status.choices},
    }


def criteria_labels(data: dict) -> dict[str, str]:
    """{criterion code: its name} as the figures froze them (the plan's criteria when compiled), in
    the figures' language; a name shown in English in a Russian report says it is not translated."""
    lang = data.get("language", "en")
    labels = {}
    for c in data.get("questionnaire", {}).get("criteria", []):
        name = c.get("name", c["key"])
        text = _t(name)
        if isinstance(name, dict) and name.get("lang", lang) != lang:
            text = f"{text} ({_('not yet translated')})"
        labels[c["key"]] = text
    return labels


def change_labels(data: dict | None = None) -> dict[str, str]:
    """Names of the figures compared between the mid-term and the final snapshot."""
    labels = {
        "parties_taking_part": _("Parties taking part"),
        "parties_reporting": _("Parties that reported"),
        "actions_covered": _("Actions covered"),
        "activities_total": _("Activities"),
        "soms_held": _("Senior Officials' Meetings held"),
        "open_decisions": _("Open decisions"),
        "response_rate": _("Response rate of the progress reports (%)"),
    }
    for code, name in criteria_labels(data or {}).items():
        labels[f"score_{code}"] = _("Average score: %(criterion)s") % {"criterion": name}
    return labels


def report_html(*, title: str, data: dict, kind: str) -> str:
    """The report's body as an HTML fragment: shown inside the portal's page and wrapped for the PDF;
    its `lang` is the figures' language."""
    return render_to_string(
        "evaluation/report_body.html",
        {"title": title, "d": data, "kind": kind, "lang": data.get("language", "en"), **report_context(data)},
    )


def html_to_pdf(html_document: str, base_url: str | None = None) -> bytes:
    import weasyprint  # lazily: needs pango, only where PDFs are made

    return weasyprint.HTML(string=html_document, base_url=base_url or str(PDF_CSS.parent)).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(PDF_CSS))]
    )


def report_pdf(*, title: str, html: str, lang: str | None = None) -> bytes:
    from django.utils.translation import get_language

    lang = lang or (get_language() or "en").split("-")[0]
    document = render_to_string("evaluation/pdf_document.html", {"title": title, "body": html, "lang": lang})
    return html_to_pdf(document)


def _cell(value):
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def report_xlsx(*, title: str, data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    ctx = report_context(data)
    wb = Workbook()
    bold = Font(bold=True)

    def sheet(name: str, header: list[str], rows, first: bool = False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = name
        ws.append([_cell(h) for h in header])
        for c in ws[1]:
            c.font = bold
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        return ws

    h = data["headline"]
    rr = data["response_rate"]
    ws = sheet(
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            (_("Title"), title),
            (_("Period"), f"{data['start_year']}–{data['end_year']}"),
            (_("Parties taking part"), h["parties_taking_part"]),
            (_("Actions covered"), h["actions_covered"]),
            (_("Actions in the plan"), h["actions_total"]),
            (_("Activities"), h["activities_total"]),
            (_("Senior Officials' Meetings held"), h["soms_held"]),
            (_("Open decisions"), h["open_decisions"]),
            (_("Progress reports expected"), rr["expected"]),
            (_("Progress reports submitted"), rr["submitted"]),
            (_("Response rate (%)"), rr["rate"]),
            (_("Covered actions"), ", ".join(data["covered_actions"])),
            (_("Untouched actions"), ", ".join(data["untouched_actions"])),
        ],
        first=True,
    )
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 60
    sheet(
        _("Actions"),
        [_("Area"), _("Action"), _("Parties"), _("Activities"), _("Covered")]
        + [ctx["status_labels"][k] for k in ctx["status_labels"]],
        [
            (
                area["numeral"],
                a["code"],
                len(a["parties"]),
                a["activity_count"],
                _("yes") if a["covered"] else _("no"),
            )
            + tuple(a["by_status"].get(k, 0) for k in ctx["status_labels"])
            for area in data["areas"]
            for a in area["actions"]
        ],
    )
    sheet(
        _("Activities"),
        [_("Action"), _("Title"), _("Party"), _("Kind"), _("Status"), _("Start"), _("End")],
        [
            (
                a["code"],
                x["title"],
                _t(x["party"]),
                ctx["kind_labels"].get(x["kind"]),
                ctx["status_labels"].get(x["status"]),
                x["start"],
                x["end"],
            )
            for area in data["areas"]
            for a in area["actions"]
            for x in a["activities"]
        ],
    )
    fin = sheet(
        _("Financing"),
        [_("Source"), _("Currency"), _("Total")],
        [(_t(r["source"]), r["currency"], float(r["total"])) for r in data["financing"]],
    )
    for row in fin.iter_rows(min_row=2, min_col=3, max_col=3):
        for c in row:
            c.number_format = "#,##0.00"
    sheet(
        _("Progress"),
        [_("Year"), _("Action"), _("Party"), _("Status"), _("Achieved"), _("Difficulties"), _("Next steps")],
        [
            (
                s["year"],
                a["code"],
                _t(s["party"]),
                ctx["progress_labels"].get(s["status"]),
                s["achieved"],
                s["difficulties"],
                s["next_steps"],
            )
            for area in data["areas"]
            for a in area["actions"]
            for s in a["statements"]
        ],
    )
    sheet(
        _("Meetings"),
        [_("Date"), _("Meeting"), _("Host"), _("Decision"), _("Decision status")],
        [
            (
                m["date"],
                _t(m["title"]),
                _t(m["host"]),
                _t(d["text"]),
                ctx["decision_labels"].get(d["status"], d["status"]),
            )
            for m in data["meetings"]
            for d in (m["decisions"] or [{"text": "", "status": ""}])
        ],
    )
    sheet(
        _("Open decisions"),
        [_("Decision"), _("Meeting"), _("Date"), _("Follow-up by"), _("Due"), _("Decision status")],
        [
            (
                _t(x["text"]),
                _t(x["meeting"]),
                x["meeting_date"],
                ", ".join(
                    [_t(p["name"]) for p in x["owners"]]
                    + ([_("the secretariat")] if x["secretariat"] else [])
                    + ([_("the core group")] if x["core_group"] else [])
                ),
                x["due_on"],
                ctx["decision_labels"].get(x["status"], x["status"]),
            )
            for x in data.get("decisions_open", [])
        ],
    )
    sheet(
        _("Response rate"),
        [_("Year"), _("Expected"), _("Submitted"), _("Rate (%)")],
        [(r["year"], r["expected"], r["submitted"], r["rate"]) for r in data["response_rates"]],
    )
    if "questionnaire" in data:
        q = data["questionnaire"]
        sheet(
            _("Scores"),
            [_("Criterion"), _("Average score (1-5)"), _("Answers")],
            [(ctx["criteria_labels"][c["key"]], c["average"], c["n"]) for c in q["criteria"]],
        )
    if "changes" in data:
        sheet(
            _("Changes"),
            [_("Figure"), _("Mid-term"), _("Final"), _("Change")],
            [
                (ctx["change_labels"].get(c["key"], c["key"]), c["before"], c["after"], c["delta"])
                for c in data["changes"]
            ],
        )
    if "comparison" in data:
        yearly_sheets(sheet, data, ctx)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def yearly_sheets(sheet, data: dict, ctx: dict) -> None:
    """The yearly report's own sheets: the Parties that did not report, the comparison with the year
    before and the secretariat's conclusions and recommendations."""
    sheet(
        _("Not reported"),
        [_("Code"), _("Party")],
        [(p["code"], _t(p["name"])) for p in data["not_reported"]],
    )
    c = data["comparison"]
    if c["previous_year"] is None:
        rows = [
            (
                _("There is no previous year to compare with: %(y)s is the plan's first year.")
                % {"y": c["year"]},
            )
        ]
        sheet(_("Year before"), [_("Figure")], rows)
    else:
        before, after = str(c["previous_year"]), str(c["year"])
        rows = [
            (ctx["change_labels"].get(r["key"], r["key"]), "", r["before"], r["after"], r["delta"])
            for r in c["figures"]
        ]
        rows += [
            (
                _("Activities in area %(numeral)s") % {"numeral": a["numeral"]},
                _t(a["title"]),
                a["before"],
                a["after"],
                a["delta"],
            )
            for a in c["areas"]
        ]
        rows += [
            (
                _("Financing: %(source)s (%(currency)s)")
                % {"source": _t(f["source"]), "currency": f["currency"]},
                "",
                float(f["before"]),
                float(f["after"]),
                float(f["delta"]),
            )
            for f in c["financing"]
        ]
        sheet(
            _("Year before"),
            [_("Figure"), _("Priority area"), before, after, _("Change from the year before")],
            rows,
        )
    conclusions = data.get("conclusions")
    sheet(
        _("Conclusions"),
        [_("Conclusions"), _("Recommendations")],
        [(_t(conclusions["conclusions"]), _t(conclusions["recommendations"]))] if conclusions else [],
    )
