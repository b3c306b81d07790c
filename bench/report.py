"""The markdown table of `make bench`, from the measurements (plain data, no Django)."""

from __future__ import annotations

NA = "n/a"

# The bar: same query count at every scale; no page slower than 3x its scale-1 time;
# list and edit pages p95 under 300 ms, the dashboard under 1 s (under load: `make load`).
MAX_SCALE_RATIO = 3.0


def _ms(value) -> str:
    return NA if value is None else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def _ratio(a, b) -> str:
    if a is None or b in (None, 0):
        return NA
    return f"{a / b:.1f}×"


def _fmt_scale(scale) -> str:
    try:
        return f"{float(scale):g}"
    except (TypeError, ValueError):
        return str(scale)


def _floor_for(result: dict, role: str) -> float | None:
    floors = result.get("floor", {})
    floor = floors.get("anonymous" if role == "anonymous" else "secretariat") or floors.get("anonymous")
    return floor and floor.get("median_ms")


def pages_table(results: dict, pages: list) -> str:
    """One row per key page: per scale median/p95/queries/×floor, then the scale ratio and the bar."""
    scales = sorted(results, key=float)
    low, high = scales[0], scales[-1]
    head = ["Page"]
    for s in scales:
        k = _fmt_scale(float(s))
        head += [f"s{k} median ms", f"s{k} p95 ms", f"s{k} queries", f"s{k} ×floor"]
    if len(scales) > 1:
        pair = f"s{_fmt_scale(float(high))}/s{_fmt_scale(float(low))}"
        head += [f"time {pair}", f"×floor {pair}", "bar"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for role, label in (("anonymous", "Floor, anonymous"), ("secretariat", "Floor, signed in")):
        floor_row = [f"{label} (/bench/floor: one indexed query)"]
        for s in scales:
            f = results[s]["floor"].get(role) or {}
            floor_row += [_ms(f.get("median_ms")), _ms(f.get("p95_ms")), str(f.get("queries", NA)), "1.0×"]
        if len(scales) > 1:
            fl = results[low]["floor"].get(role, {}).get("median_ms")
            fh = results[high]["floor"].get(role, {}).get("median_ms")
            floor_row += [_ratio(fh, fl), "", ""]
        lines.append("| " + " | ".join(floor_row) + " |")
    for page in pages:
        row = [page.label]
        cells_by_scale = {}
        for s in scales:
            t = results[s]["pages"].get(page.key)
            cells_by_scale[s] = t
            if not t or not t.get("available") or t.get("median_ms") is None:
                note = (t or {}).get("note") or "not available"
                row += [note, NA, NA, NA]
                continue
            suffix = "" if t.get("status") == 200 else f" ({t.get('status')})"
            row += [
                _ms(t["median_ms"]) + suffix,
                _ms(t["p95_ms"]),
                str(t["queries"]),
                _ratio(t["median_ms"], t.get("floor_ms") or _floor_for(results[s], page.role)),
            ]
        if len(scales) > 1:
            a, b = cells_by_scale[low], cells_by_scale[high]
            if a and b and a.get("median_ms") and b.get("median_ms"):
                ratio = b["median_ms"] / a["median_ms"]
                # The same ratio with each scale's time over its paired floor: what remains when
                # the machine was busier during one scale's run than the other's.
                fa, fb = a.get("floor_ms"), b.get("floor_ms")
                normalised = (b["median_ms"] / fb) / (a["median_ms"] / fa) if fa and fb else None
                problems = []
                if a["queries"] != b["queries"]:
                    problems.append(f"queries {a['queries']}→{b['queries']}")
                if a.get("status") != 200 or b.get("status") != 200:
                    problems.append(f"status {a.get('status')}/{b.get('status')}")
                if ratio > MAX_SCALE_RATIO and (normalised is None or normalised > MAX_SCALE_RATIO):
                    problems.append(f"over {MAX_SCALE_RATIO:g}× slower")
                shown = NA if normalised is None else f"{normalised:.2f}×"
                row += [f"{ratio:.2f}×", shown, "; ".join(problems) or "ok"]
            else:
                row += [NA, NA, NA]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def comparisons_table(results: dict, pages: list) -> str:
    """Our list against the admin changelist, and the dashboard's database time against plain SQL."""
    lines = [
        "| Comparison | Scale | ours median ms | reference median ms | ratio ours/reference |",
        "|---|---|---|---|---|",
    ]
    for s in sorted(results, key=float):
        r = results[s]
        for key, admin in r.get("admin", {}).items():
            ours = r["pages"].get(key) or {}
            label = f"{ours.get('label', key)} vs admin changelist"
            if not ours.get("median_ms"):
                lines.append(
                    f"| {label} | {_fmt_scale(float(s))} | {NA} | {_ms(admin.get('median_ms'))} | {NA} |"
                )
                continue
            lines.append(
                f"| {label} | {_fmt_scale(float(s))} | {_ms(ours['median_ms'])} | {_ms(admin.get('median_ms'))}"
                f" | {_ratio(ours['median_ms'], admin.get('median_ms'))} |"
            )
        dash = r["pages"].get("dashboard") or {}
        sql = r.get("dashboard_sql") or {}
        fresh = r.get("dashboard_uncached") or {}
        lines.append(
            f"| Dashboard page (figures cached) database time vs hand-written SQL ({sql.get('queries', NA)} queries)"
            f" | {_fmt_scale(float(s))} | {_ms(dash.get('db_ms')) if dash.get('median_ms') else NA}"
            f" | {_ms(sql.get('median_ms'))} | {_ratio(dash.get('db_ms'), sql.get('median_ms')) if dash.get('median_ms') else NA} |"
        )
        if fresh.get("db_ms") is not None:
            lines.append(
                f"| Dashboard figures computed afresh (after a write), database time vs hand-written SQL"
                f" | {_fmt_scale(float(s))} | {_ms(fresh['db_ms'])} | {_ms(sql.get('median_ms'))}"
                f" | {_ratio(fresh['db_ms'], sql.get('median_ms'))} |"
            )
            lines.append(
                f"| Dashboard figures computed afresh, whole time (SQL and Python) vs hand-written SQL"
                f" | {_fmt_scale(float(s))} | {_ms(fresh['median_ms'])} | {_ms(sql.get('median_ms'))}"
                f" | {_ratio(fresh['median_ms'], sql.get('median_ms'))} |"
            )
    return "\n".join(lines)


COMPILE_BAR_SECONDS = 30  # the bar: a year's report compiled in under 30 s at scale 50
EXPORT_BAR_MB = 150  # exports at flat memory: under 150 MB RSS…
EXPORT_BAR_SCALE = 100  # …for 100,000 rows


def jobs_table(jobs: dict, scale) -> str:
    lines = [
        "| Job | scale | time s | peak RSS MB | status | note |",
        "|---|---|---|---|---|---|",
    ]
    for key, job in jobs.items():
        at = job.get("scale", scale)
        if not job.get("available", True):
            lines.append(
                f"| {job['label']} | {_fmt_scale(at)} | {NA} | {NA} | {NA} | {job.get('note', 'not available')} |"
            )
            continue
        notes = [job["note"]] if job.get("note") else []
        if key == "report_compile" and job.get("seconds", 0) > COMPILE_BAR_SECONDS:
            notes.append(f"over the {COMPILE_BAR_SECONDS} s bar")
        if key in ("csv", "xlsx") and job.get("rss_mb", 0) > EXPORT_BAR_MB:
            notes.append(f"over the {EXPORT_BAR_MB} MB bar")
        if key in ("csv", "xlsx") and isinstance(at, int | float) and at < EXPORT_BAR_SCALE:
            notes.append(f"the bar is for {EXPORT_BAR_SCALE:g},000 rows")
        lines.append(
            f"| {job['label']} | {_fmt_scale(at)} | {job.get('seconds', 0):.2f} | {job.get('rss_mb', 0):.0f} "
            f"| {job.get('status', '')} | {'; '.join(notes)} |"
        )
    return "\n".join(lines)


def document(*, meta: dict, results: dict, jobs: dict, pages: list) -> str:
    scales = ", ".join(_fmt_scale(float(s)) for s in sorted(results, key=float))
    notes = [
        f"- Machine: {meta.get('cores')} cores ({meta.get('cpu', '?')}); Python {meta.get('python')}, "
        f"Django {meta.get('django')}, PostgreSQL {meta.get('postgresql')}",
        f"- Seed {meta.get('seed')}; scales {scales} (scale K = K × 1,000 activities); "
        f"{meta.get('requests')} warm requests per page after 2 warm-ups; run at {meta.get('when')}",
        "- Production settings in-process (Django test Client, DEBUG=False, cached templates, "
        "persistent connections); times are wall-clock per request, database time by execute_wrapper.",
        "- ×floor: the page's median over the median of floor requests (/bench/floor: same stack, "
        "same client and signed-in state, one indexed query) each made just before a page request.",
        "- The machine is shared: absolute times move with its load; the ×floor ratios less so. "
        "×floor sK/s1 compares the scales by their ratios to the floor; a page is flagged as over "
        "3× slower only when both the raw and the floor-normalised ratios are over 3.",
    ]
    for s, info in sorted(meta.get("databases", {}).items(), key=lambda kv: float(kv[0])):
        notes.append(
            f"- Scale {_fmt_scale(float(s))}: database {info['name']}, {info['activities']} activities, seeded in {info['seed_seconds']:.1f} s"
        )
    parts = [
        "# Bench: pages by scale",
        "",
        *notes,
        "",
        pages_table(results, pages),
        "",
        "## Against the references",
        "",
        comparisons_table(results, pages),
    ]
    if jobs:
        parts += ["", "## Exports and the year's report", "", jobs_table(jobs, meta.get("jobs_scale", NA))]
    return "\n".join(parts) + "\n"
