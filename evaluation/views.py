"""Pages of the evaluation: cycles, progress reports, compiled reports, reviews and the dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import plan_cache
from actions.plans import plan_page
from actions.selectors import party_names, submitted_narrowed_for
from core.concurrency import StaleEdit, conflict_context, parse_version
from core.downloads import attachment
from core.security import log_denial
from core.translations import current_language, option_text
from parties import threads
from parties.forms import MessageForm
from parties.models import GeographicGroup, Party
from parties.permissions import can, capability_required, deny, require

from . import dashboard as dash
from . import ministers as mins
from . import rendering, selectors, services
from .criteria import plan_criteria
from .forms import ConclusionsForm, ProgressReportForm, QuestionnaireForm, ReviewStepForm, VersionForm
from .models import (
    ProgressEntry,
    ReportKind,
    ReportRequest,
    ReportVersion,
    Review,
    ReviewResponse,
    ReviewScore,
)

# Signed-in pages: anonymous visitors are sent to sign in; an account without a role is a hiding 404.
member_required = capability_required("member.view", visible=False)


def _refused(request, exc: services.NotAllowed, capability: str, party=None):
    """A rule of the record refuses the step: 403 with its message, logged like every denial."""
    deny(request.user, capability, party, reason=str(exc))


@plan_page
@require_GET
def cycle_list(request, plan):
    return render(
        request,
        "evaluation/cycle_list.html",
        {
            "plan": plan,
            "infos": selectors.cycle_infos(plan),
            "versions": selectors.versions_visible(request.user, plan=plan),
            "reviews": Review.objects.filter(plan=plan).select_related("plan"),
            "can_manage": can(request.user, "progress.review"),
        },
    )


@plan_page
@require_POST
@capability_required("progress.review")
def evaluation_setup(request, plan):
    made = services.evaluation_setup(plan=plan)
    messages.success(request, _("%(n)s reporting cycles and reviews opened.") % {"n": made})
    return redirect("evaluation:cycles", plan=plan.url_slug)


@plan_page
@require_GET
@member_required
def cycle_detail(request, year: int, plan):
    info = selectors.cycle_get(year, plan)
    rows = selectors.cycle_party_status(info)
    counts = {k: sum(1 for r in rows if r.category == k) for k in ("submitted", "late", "due", "nothing")}
    return render(
        request,
        "evaluation/cycle_detail.html",
        {
            "plan": plan,
            "party_names": party_names(plan),
            "info": info,
            "rows": rows,
            "counts": counts,
            "own_party": request.user.party
            if can(request.user, "progress.edit", request.user.party_id)
            else None,
            "versions": selectors.versions_visible(
                request.user, plan=plan, kind=ReportKind.YEARLY, year=year
            ),
            "active": selectors.active_request(plan, ReportKind.YEARLY, year),
            "can_compile": can(request.user, "report.compile"),
            "can_review": can(request.user, "progress.review"),
        },
    )


@plan_page
@require_POST
@capability_required("progress.review")
def cycle_lock(request, year: int, plan):
    info = selectors.cycle_get(year, plan)
    try:
        services.cycle_lock(cycle=info.cycle, user=request.user, som_held=info.som_held)
        messages.success(request, _("The year %(year)s is locked.") % {"year": year})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(info.cycle)


def _progress_context(info, party, report, user):
    plan = info.cycle.plan
    participations = list(selectors.party_actions(party, info.cycle.year, plan))
    by_action, others = selectors.activities_by_action(
        submitted_narrowed_for(user, selectors.party_year_activities(party, info.cycle.year, plan)),
        {p.action_id for p in participations},
    )
    names = party_names(plan)
    return {
        "plan": plan,
        "party_names": names,
        "party_name": names.get(party.pk, party),
        "info": info,
        "party": party,
        "report": report,
        "participations": participations,
        "by_action": by_action,
        "activities": others,
        "entries": selectors.progress_entries(report),
        "can_edit": can(user, "progress.edit", party),
        "can_review": can(user, "progress.review", party),
    }


@plan_page
@require_GET
@member_required
def progress_detail(request, year: int, code: str, plan):
    info, party, report = selectors.progress_report_for(request.user, year, code, plan=plan)
    return _progress_page(request, info, party, report)


def _progress_page(request, info, party, report, *, message_form=None, status=200):
    context = _progress_context(info, party, report, request.user)
    context["history"] = selectors.progress_history(report) if can(request.user, "draft.view", party) else []
    context["review_form"] = ReviewStepForm()
    # A report's conversation exists once the report does (its first save).
    context["thread"] = (
        threads.thread_for(request.user, report, party, form=message_form) if report is not None else None
    )
    return render(request, "evaluation/progress_detail.html", context, status=status)


@plan_page
@require_POST
@member_required
def progress_message(request, year: int, code: str, plan):
    info, party, report = selectors.progress_report_for(request.user, year, code, "thread.write", plan=plan)
    if report is None:
        raise Http404
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _progress_page(request, info, party, report, message_form=form, status=400)
    threads.message_post(
        user=request.user,
        record=report,
        party=party,
        text=form.cleaned_data["text"],
        url=report.get_absolute_url(),
        about=lambda: services.progress_report_name(report),
    )
    messages.success(request, _("Your message is sent."))
    return redirect(report.get_absolute_url() + "#conversation-h")


def _progress_for_write(request, plan, year: int, code: str):
    info, party, report = selectors.progress_report_for(request.user, year, code, "progress.edit", plan=plan)
    if info.cycle.is_locked:
        _refused(request, services.YearLocked(), "progress.edit", party)
    if info.cycle.opens_on > info.today and not can(request.user, "progress.review"):
        deny(
            request.user, "progress.edit", party, reason=_("The reporting for this year has not opened yet.")
        )
    return info, party, report


def _entry_rows(form: ProgressReportForm, current) -> list[dict]:
    """The conflict screen's rows: each statement the other person saved that differs from this one's."""
    saved = selectors.progress_entries(current)
    shown = dict(ProgressEntry.Status.choices)
    rows = []
    for action in form.actions:
        entry = saved.get(action.pk)
        for name in ("status", "achieved", "difficulties", "next_steps"):
            key = f"{name}_{action.pk}"
            theirs = getattr(entry, name) if entry else ""
            mine = form.cleaned_data.get(key, "")
            if str(theirs) != str(mine):
                if name == "status":
                    theirs, mine = shown.get(theirs, theirs), shown.get(mine, mine)
                rows.append({"label": form.fields[key].label, "theirs": theirs, "mine": mine})
    return rows


@plan_page
@require_http_methods(["GET", "POST"])
@member_required
def progress_edit(request, year: int, code: str, plan):
    info, party, report = _progress_for_write(request, plan, year, code)
    if report is not None and report.is_sent:
        _refused(request, services.ReportSent(), "progress.edit", party)
    context = _progress_context(info, party, report, request.user)
    form = ProgressReportForm(
        request.POST or None,
        participations=context["participations"],
        entries=context["entries"],
        initial={"version": report.version if report else 1},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_save(
                cycle=info.cycle,
                party=party,
                user=request.user,
                version=form.cleaned_data["version"],
                entries=form.entries(),
            )
            messages.success(request, _("Progress report saved."))
            return redirect("evaluation:progress", plan=plan.url_slug, year=year, code=party.code.lower())
        except StaleEdit as stale:
            status = 409
            context["conflict"] = conflict_context(
                stale.current, form, (), extra_rows=_entry_rows(form, stale.current)
            )
        except services.NotAllowed as exc:
            _refused(request, exc, "progress.edit", party)
    elif request.method == "POST":
        status = 400
    context["form"] = form
    return render(request, "evaluation/progress_edit.html", context, status=status)


@plan_page
@require_POST
@member_required
def progress_submit(request, year: int, code: str, plan):
    info, party, report = _progress_for_write(request, plan, year, code)
    form = VersionForm(request.POST)
    if report is None or not form.is_valid():
        messages.error(request, _("Save the report before submitting it."))
        return redirect("evaluation:progress-edit", plan=plan.url_slug, year=year, code=party.code.lower())
    try:
        services.progress_report_submit(
            report=report, user=request.user, version=form.cleaned_data["version"]
        )
        messages.success(request, _("Progress report submitted to the secretariat."))
    except StaleEdit:
        messages.error(request, _("The report changed since you opened it: check it, then submit again."))
    except services.NotAllowed as exc:
        _refused(request, exc, "progress.edit", party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("evaluation:progress", plan=plan.url_slug, year=year, code=party.code.lower())


def _review_step(request, plan, year: int, code: str, step):
    _info, party, report = selectors.progress_report_for(
        request.user, year, code, "progress.review", plan=plan
    )
    if report is None:
        raise Http404
    form = ReviewStepForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        step(
            report=report,
            user=request.user,
            version=parse_version(request.POST.get("version")),
            comment=comment,
        )
        messages.success(request, _("Done."))
    except StaleEdit:
        messages.error(request, _("The report changed since you opened it: check it, then try again."))
    except services.NotAllowed as exc:
        _refused(request, exc, "progress.review", party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(report)


@plan_page
@require_POST
@member_required
def progress_return(request, year: int, code: str, plan):
    return _review_step(request, plan, year, code, services.progress_report_return)


@plan_page
@require_POST
@member_required
def progress_accept(request, year: int, code: str, plan):
    return _review_step(request, plan, year, code, services.progress_report_accept)


def _compile(request, plan, kind: str, year: int):
    try:
        req, _created = services.report_request(plan=plan, kind=kind, year=year, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("evaluation:cycles", plan=plan.url_slug)
    return redirect(req)


@plan_page
@require_POST
@capability_required("report.compile")
def report_compile(request, year: int, plan):
    selectors.cycle_get(year, plan)
    return _compile(request, plan, ReportKind.YEARLY, year)


@require_GET
@capability_required("report.compile", visible=False)
def request_detail(request, pk: int):
    """The compile's progress bar: the page refreshes itself until the versions exist (one per
    language, the reader's first)."""
    req = get_object_or_404(ReportRequest.objects.select_related("requested_by", "plan"), pk=pk)
    versions = (
        ReportVersion.objects.filter(request=req)
        .only("pk", "number", "title", "language")
        .order_by(Case(When(language=current_language(), then=0), default=1), "language")
    )
    return render(request, "evaluation/request_detail.html", {"req": req, "versions": list(versions)})


@require_GET
def report_detail(request, pk: int):
    """One version in its language; the same number in the other language is a link away, and the
    lists link each reader to the version in their language."""
    return _report_page(request, selectors.report_for(request.user, pk, fields=("html",)))


def _report_page(request, version: ReportVersion, *, form=None, conflict=None, status: int = 200):
    plan = plan_cache.by_pk(version.plan_id)
    others, translation = selectors.version_neighbours(request.user, version)
    can_publish = can(request.user, "report.publish")
    conclusions = None
    if can_publish and version.kind == ReportKind.YEARLY:
        conclusions = selectors.conclusions_state(version)
        conclusions["form"] = form or ConclusionsForm(initial=conclusions["initial"])
        conclusions["conflict"] = conflict
    return render(
        request,
        "evaluation/report_detail.html",
        {
            "version": version,
            "plan": plan,
            "others": others,
            "translation": translation,
            "can_publish": can_publish,
            "conclusions": conclusions,
        },
        status=status,
    )


@require_POST
@member_required
def report_conclusions(request, pk: int):
    """The secretariat writes the report's conclusions and recommendations (English and Russian,
    with the Russian's status); they appear in the next compile."""
    version = selectors.report_for(request.user, pk, fields=("html",))
    require(request.user, "report.publish")
    if version.kind != ReportKind.YEARLY:
        raise Http404("Only the yearly report has conclusions written in the portal.")
    form = ConclusionsForm(request.POST)
    status, conflict = 400, None
    if form.is_valid():
        try:
            services.report_conclusions_save(
                plan=version.plan,
                kind=version.kind,
                year=version.year,
                user=request.user,
                version=form.cleaned_data["version"],
                data=form.cleaned_data,
                status=form.cleaned_data["status"],
            )
            messages.success(
                request, _("Conclusions and recommendations saved: compile the report again to include them.")
            )
            return redirect(version)
        except StaleEdit as stale:
            status = 409
            conflict = conflict_context(
                stale.current, form, (), extra_rows=_conclusions_rows(form, stale.current)
            )
    return _report_page(request, version, form=form, conflict=conflict, status=status)


def _conclusions_rows(form: ConclusionsForm, current) -> list[dict]:
    """The conflict screen's rows: each text as saved beside this person's, where they differ."""
    rows = []
    for name in selectors.CONCLUSION_FIELDS:
        theirs, mine = getattr(current, name) or "", form.cleaned_data.get(name) or ""
        if theirs.strip() != mine.strip():
            rows.append({"label": form.fields[name].label, "theirs": theirs, "mine": mine})
    return rows


def _download(version: ReportVersion, content: bytes, ext: str, mimetype: str) -> HttpResponse:
    name = f"prague-process-{version.kind}-{version.year}-v{version.number}-{version.language}.{ext}"
    return attachment(HttpResponse(bytes(content), content_type=mimetype), name)


@require_GET
def report_pdf(request, pk: int):
    version = selectors.report_for(request.user, pk, fields=("pdf",))
    return _download(version, version.pdf, "pdf", "application/pdf")


@require_GET
def report_xlsx(request, pk: int):
    version = selectors.report_for(request.user, pk, fields=("xlsx",))
    return _download(
        version, version.xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@require_POST
@member_required
def report_publish(request, pk: int):
    version = selectors.report_for(request.user, pk)
    require(request.user, "report.publish")
    services.report_publish(version=version, user=request.user)
    messages.success(request, _("Published: anyone can now read this report."))
    return redirect(version)


def _dashboard_context(request, plan):
    groups = list(GeographicGroup.objects.order_by("order"))
    f = dash.dashboard_filter(plan, request.GET, groups)
    return {
        "plan": plan,
        "f": f,
        "all_groups": groups,
        "group_options": [(g, option_text(g, "name")) for g in groups],
        "years": list(plan.years),
        **dash.dashboard_figures_cached(plan, f, groups),
    }


@plan_page
@require_GET
@capability_required("dashboard.view", visible=False)
def dashboard(request, plan):
    return render(request, "evaluation/dashboard.html", _dashboard_context(request, plan))


@plan_page
@require_GET
@capability_required("dashboard.view", visible=False)
def dashboard_print(request, plan):
    return render(request, "evaluation/dashboard_print.html", _dashboard_context(request, plan))


@plan_page
@require_GET
@capability_required("dashboard.view", visible=False)
def dashboard_pdf(request, plan):
    context = _dashboard_context(request, plan)
    body = render_to_string("evaluation/_dashboard_body.html", {**context, "for_pdf": True}, request=request)
    title = _("Prague Process Action Plan: dashboard %(a)s–%(b)s") % {
        "a": context["f"].start_year,
        "b": context["f"].end_year,
    }
    pdf = rendering.html_to_pdf(
        render_to_string("evaluation/pdf_document.html", {"title": title, "body": body})
    )
    return attachment(HttpResponse(pdf, content_type="application/pdf"), "prague-process-dashboard.pdf")


def _choice(params, name: str, allowed, default: str) -> str:
    value = params.get(name, default)
    return value if value in allowed else default


@plan_page
@require_GET
@capability_required("dashboard.view", visible=False)
def ministers(request, plan):
    """The ministers' view of one review (`?review=midterm|final`), its map coloured by
    participation or by activity (`?map=`); the final review unless the mid-term is asked for."""
    kind = _choice(request.GET, "review", Review.Kind.values, Review.Kind.FINAL)
    measure = _choice(request.GET, "map", mins.MEASURES, mins.MEASURES[0])
    figures = mins.ministers_figures_cached(plan, kind)
    map_svg, legend = mins.party_map_svg(figures["parties"], measure, figures["period"])
    context = {
        "plan": plan,
        "measure": measure,
        "measures": [(m, m == measure) for m in mins.MEASURES],
        "map_svg": map_svg,
        "legend": legend,
        "change_labels": rendering.change_labels(figures["d"]),
        **figures,
    }
    return render(request, "evaluation/ministers.html", context)


@plan_page
@require_GET
@member_required
def review_detail(request, kind: str, plan):
    review = selectors.review_get(kind, plan)
    responses = {r.party_id: r for r in ReviewResponse.objects.filter(review=review)}
    see_all = can(request.user, "progress.review")
    return render(
        request,
        "evaluation/review_detail.html",
        {
            "plan": plan,
            "party_names": party_names(plan),
            "review": review,
            "criteria": plan_criteria(plan),
            "rows": [(p, responses.get(p.pk)) for p in Party.objects.order_by("order")] if see_all else [],
            "submitted": sum(1 for r in responses.values() if r.state == ReviewResponse.State.SUBMITTED),
            "own_party": request.user.party
            if can(request.user, "review.respond", request.user.party_id)
            else None,
            "versions": selectors.versions_visible(request.user, plan=plan, kind=kind),
            "active": selectors.active_request(plan, kind, review.end_year),
            "can_compile": can(request.user, "report.compile"),
        },
    )


@plan_page
@require_POST
@capability_required("report.compile")
def review_compile(request, kind: str, plan):
    review = selectors.review_get(kind, plan)
    return _compile(request, plan, review.kind, review.end_year)


def _review_conflict_rows(form: QuestionnaireForm, current: ReviewResponse) -> list[dict]:
    """The conflict screen's rows for the scores: theirs (as saved) beside this person's, per field."""
    saved = {s.criterion_id: s for s in ReviewScore.objects.filter(response=current)}
    mine = form.answers() if hasattr(form, "cleaned_data") else {}
    rows = []
    for c, score_field, comment_field in form.criterion_fields():
        row = saved.get(c.pk)
        theirs = (row.score if row else None, row.comment if row else "")
        ours = mine.get(c.pk, theirs)
        for i, bound in ((0, score_field), (1, comment_field)):
            a, b = "" if theirs[i] is None else theirs[i], "" if ours[i] is None else ours[i]
            if str(a) != str(b):
                rows.append({"label": bound.label, "theirs": a, "mine": b})
    return rows


@plan_page
@require_http_methods(["GET", "POST"])
@member_required
def review_respond(request, kind: str, code: str, plan):
    review, party, response = selectors.review_response_for(request.user, kind, code, plan)
    scores = {s.criterion_id: s for s in response.scores.all()} if response else {}
    form = QuestionnaireForm(
        request.POST or None,
        criteria=plan_criteria(review.plan_id),
        scores=scores,
        initial={"version": response.version if response else 1},
    )
    status, conflict = 200, None
    window = review.window(timezone.localdate())
    submitted = response is not None and response.state == ReviewResponse.State.SUBMITTED
    locked = submitted or window != "open"  # read-only outside the questionnaire's dates
    if request.method == "POST" and not locked and form.is_valid():
        try:
            services.review_response_save(
                review=review,
                party=party,
                user=request.user,
                version=form.cleaned_data["version"],
                answers=form.answers(),
                submit="submit" in request.POST,
            )
            messages.success(request, _("Questionnaire saved."))
            return redirect(
                "evaluation:review-respond", plan=plan.url_slug, kind=kind, code=party.code.lower()
            )
        except StaleEdit as stale:
            status, response = 409, stale.current
            conflict = conflict_context(
                stale.current, form, (), extra_rows=_review_conflict_rows(form, stale.current)
            )
        except services.NotAllowed as exc:
            _refused(request, exc, "review.respond", party)
        except ValidationError as exc:
            status = 400
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
    elif request.method == "POST" and locked:
        status = 403
        log_denial(
            user=request.user,
            capability="review.respond",
            party_id=party.pk,
            visible=True,
            reason=str(services.QuestionnaireClosed() if submitted else services.QuestionnaireNotOpen()),
        )
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "evaluation/review_respond.html",
        {
            "plan": plan,
            "party_name": party_names(plan).get(party.pk, party),
            "review": review,
            "party": party,
            "response": response,
            "form": form,
            "criteria": form.criterion_fields(),
            "locked": locked,
            "submitted": submitted,
            "window": window,
            "conflict": conflict,
        },
        status=status,
    )
