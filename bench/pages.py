"""What `make bench` and `make load` measure: the one list to edit when pages arrive.

No Django import at module level: the load generator (locust) reads this file too.

A URL may hold placeholders, filled from the benchmark database by `bench.measure.fill`:
  {action}    the path of a mid-plan action page, e.g. /plan/II/2/
  {activity}  the id of a submitted activity (the middle one by id)
  {meeting}   the id of the latest Senior Officials' Meeting
  {report}    the id of a compiled report (see PLACEHOLDER_MODELS)
  {party}     a Party code in lower case (cz)
A page whose placeholder cannot be filled (the model does not exist yet) or that answers 404 is
shown as "not available" in the table; nothing fails.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url: str
    role: str = "secretariat"  # who is signed in: anonymous, secretariat, reader, contact_point
    kind: str = "page"  # page, list, detail, dashboard: the bar of the issue depends on it
    language: str = "en"  # the interface language the client asks for (its language cookie)


FLOOR_URL = "/bench/floor"

PAGES: list[Page] = [
    Page("home", "Home", "/", role="anonymous"),
    Page("plan", "Plan /plan/", "/plan/", role="anonymous"),
    Page("action", "Action page", "{action}", role="anonymous", kind="detail"),
    Page("parties", "Parties /parties/", "/parties/", role="anonymous", kind="list"),
    Page("party", "Party page", "/parties/{party}/", role="secretariat", kind="detail"),
    Page("participation", "Participation /participation/", "/participation/", kind="list"),
    Page("activities", "Activities (unfiltered)", "/activities/", kind="list"),
    Page(
        "activities_filtered",
        "Activities (filtered)",
        "/activities/?kind=training&status=completed",
        kind="list",
    ),
    Page(
        "activities_contact_point",
        "Activities (a contact point)",
        "/activities/",
        role="contact_point",
        kind="list",
    ),
    Page("activity", "Activity page", "/activities/{activity}/", kind="detail"),
    Page("meetings", "Meetings /meetings/", "/meetings/", kind="list"),
    Page("meeting", "Meeting page", "/meetings/{meeting}/", kind="detail"),
    Page("dashboard", "Dashboard", "/evaluation/dashboard/", role="reader", kind="dashboard"),
    Page("report", "Compiled report", "/evaluation/reports/{report}/", role="secretariat", kind="detail"),
    # The same pages read in Russian: the content comes from the Russian columns beside the English.
    Page("plan_ru", "Plan /plan/, in Russian", "/plan/", role="anonymous", language="ru"),
    Page("action_ru", "Action page, in Russian", "{action}", role="anonymous", kind="detail", language="ru"),
    Page(
        "parties_ru",
        "Parties /parties/, in Russian",
        "/parties/",
        role="anonymous",
        kind="list",
        language="ru",
    ),
    Page("party_ru", "Party page, in Russian", "/parties/{party}/", kind="detail", language="ru"),
    Page("participation_ru", "Participation, in Russian", "/participation/", kind="list", language="ru"),
    Page("meetings_ru", "Meetings /meetings/, in Russian", "/meetings/", kind="list", language="ru"),
    Page(
        "dashboard_ru",
        "Dashboard, in Russian",
        "/evaluation/dashboard/",
        role="reader",
        kind="dashboard",
        language="ru",
    ),
    # The API's lists beside the HTML lists they match (the bar: within 2x of the page), a page each
    # of the same size as the HTML list's.
    Page("api_activities", "API /api/activities/ (25 a page)", "/api/activities/?page_size=25", kind="list"),
    Page("api_parties", "API /api/parties/", "/api/parties/", role="anonymous", kind="list"),
    Page("api_meetings", "API /api/meetings/ (25 a page)", "/api/meetings/?page_size=25", kind="list"),
]

# Django's own admin changelist over the same data and filter, signed in as the secretariat:
# (our page key, admin URL).
ADMIN_COMPARE: list[tuple[str, str]] = [
    ("activities", "/admin/actions/activity/"),
    ("activities_filtered", "/admin/actions/activity/?kind__exact=training&status__exact=completed"),
]

# Models that fill a placeholder with their first row's id (by id): (app label, model name, filter).
PLACEHOLDER_MODELS: dict[str, tuple[str, str, dict]] = {
    "report": ("evaluation", "ReportVersion", {}),
}

# Heavy jobs, each run once in its own process at the largest scale: time and peak RSS.
# kind "get": the URL is fetched signed in as the secretariat and its body read to the end
# (streamed or not). kind "call": "module:function" is called with `year=` (the compile).
JOBS: list[dict] = [
    {"key": "baseline", "label": "Baseline process (the floor, once)", "kind": "get", "url": FLOOR_URL},
    {"key": "csv", "label": "CSV export of all activities", "kind": "get", "url": "/activities/export.csv"},
    {
        "key": "xlsx",
        "label": "XLSX export of all activities",
        "kind": "get",
        "url": "/activities/export.xlsx",
    },
    {
        "key": "report_compile",
        "label": "Compile a year's monitoring report",
        "kind": "call",
        "call": "evaluation.services:report_compile_now",
        "year": 2014,
    },
]

# The hand-written SQL for the dashboard's headline figures, run in the same session as the page.
# Keep it in step with what the dashboard shows.
DASHBOARD_SQL: dict[str, str] = {
    "submitted activities per year": """
        SELECT extract(year FROM start_date) AS year, count(*)
        FROM actions_activity WHERE state = 'submitted' GROUP BY 1 ORDER BY 1""",
    "activities per priority area": """
        SELECT pa.numeral, count(DISTINCT a.id)
        FROM actions_activity a
        JOIN actions_activity_actions aa ON aa.activity_id = a.id
        JOIN actions_action ac ON ac.id = aa.action_id
        JOIN actions_priorityarea pa ON pa.id = ac.area_id
        WHERE a.state = 'submitted' GROUP BY 1 ORDER BY 1""",
    "Parties reporting per year": """
        SELECT extract(year FROM start_date), count(DISTINCT party_id)
        FROM actions_activity WHERE state = 'submitted' GROUP BY 1 ORDER BY 1""",
    "activities by status": """
        SELECT status, count(*) FROM actions_activity WHERE state = 'submitted' GROUP BY 1""",
    "financing in EUR per source": """
        SELECT fl.source_id, sum(fl.amount)
        FROM actions_financingline fl JOIN actions_activity a ON a.id = fl.activity_id
        WHERE a.state = 'submitted' AND fl.currency = 'EUR' GROUP BY 1""",
    "Parties per action (lead, participant)": """
        SELECT action_id, count(*) FILTER (WHERE role = 'lead'), count(*)
        FROM actions_participation GROUP BY 1""",
    "decisions by status": """SELECT status, count(*) FROM meetings_decision GROUP BY 1""",
}

# The load test (make load): paths per page type; {activity} is one of the user's own Party's
# activities, found on the list page. A page type whose probe answers 404 is skipped.
LOAD_URLS: dict[str, str] = {
    "home": "/",
    "plan": "/plan/",
    "action": "/plan/II/2/",
    "party": "/parties/{party}/",
    "activities": "/activities/",
    "activities_own": "/activities/?party={party_code}",
    "activity": "/activities/{activity}/",
    "activity_edit": "/activities/{activity}/edit/",
    "meetings": "/meetings/",
    "meeting": "/meetings/{meeting}/",
    "registrations": "/meetings/{meeting}/participants/",
    "dashboard": "/evaluation/dashboard/",
    "reports": "/evaluation/",
}
