"""The site's own pages: those that gather from several apps, sign-in landing, and health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from actions import participation_selectors
from actions import selectors as action_selectors
from evaluation import selectors as evaluation_selectors
from meetings import selectors as meeting_selectors
from parties import selectors as party_selectors
from parties.models import Party
from parties.permissions import can

from . import due, health


def home(request):
    plan = action_selectors.plan_current()
    areas = action_selectors.plan_areas(plan) if plan else []
    context = {"plan": plan, "areas": areas}
    context["upcoming_meetings"] = list(meeting_selectors.meetings_upcoming())  # meetings: what is next
    context["due"] = due.due_for(request.user)  # the signed-in person's next steps
    return render(request, "pragueprocess/home.html", context)


@require_GET
def party_detail(request, code: str):
    party = party_selectors.party_get(code)
    show_contacts = can(request.user, "contacts.view")
    is_own = request.user.is_authenticated and request.user.party_id == party.pk
    context = {
        "party": party,
        "show_contacts": show_contacts,
        "contact_points": list(party_selectors.party_contact_points(party)) if show_contacts else [],
        "is_own": is_own,
        # the Parties and their people: commitments, core group seat, terms (secretariat),
        # and, on its own Party's page, what is due of the contact point
        "participations": list(participation_selectors.party_participations(party)),
        "can_edit_participation": can(request.user, "participation.edit", party),
        "core_group": party_selectors.core_group_current(on=timezone.localdate()).filter(party=party).first(),
        "terms": list(party_selectors.party_terms(party))
        if can(request.user, "contact_point.manage")
        else None,
        "due": due.due_for(request.user) if is_own else [],
        "progress_reports": evaluation_selectors.party_progress_reports(party, request.user),
        "party_activities": action_selectors.party_activities(request.user, party),
    }
    context["party_meetings"] = meeting_selectors.party_meetings(party)  # meetings: its invitations
    return render(request, "parties/party_detail.html", context)


@login_required
def after_login(request):
    """Those who write their own Party's records (contact points) land on its page; everyone else
    on the home page."""
    if request.user.party_id and can(request.user, "participation.edit", request.user.party_id):
        return redirect(request.user.party)
    return redirect("home")


@require_GET
def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


ROBOTS = """User-agent: *
Disallow: /accounts/
Disallow: /admin/
Disallow: /audit/
Disallow: /translations/
Disallow: /meetings/feed/
"""


@require_GET
def robots(request):
    """The plan, the Parties and the published reports are public; sign-in and the secretariat's pages
    are not worth a crawler's visit."""
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def healthz(request):
    healthy, checks = health.run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


@require_GET
def bench_floor(request):
    """The floor of `make bench`: the same stack (middleware, session, one indexed query), no page.

    Every page's time is read as a ratio to this one's, measured in the same run.
    """
    party = Party.objects.only("code", "short_name").get(code="CZ")
    return HttpResponse(party.short_name, content_type="text/plain; charset=utf-8")
