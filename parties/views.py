"""Pages about the Parties' people: the directory, invitations, terms, own details, the core group
and the partner organisations. The Party's own page is assembled in pragueprocess/views.py."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.concurrency import StaleEdit, conflict_context
from core.downloads import attachment, csv_text

from . import selectors, services
from .exports import vcard
from .filters import ContactPointFilter, PartyFilter
from .forms import (
    ContactDetailsForm,
    CoreGroupEndForm,
    CoreGroupMembershipForm,
    InvitationAcceptForm,
    InvitationForm,
    PartnerForm,
    TermEndForm,
)
from .mail_views import preferences_form
from .models import ContactPointTerm, CoreGroupMembership, PartnerOrganisation, User
from .permissions import can, capability_required
from .reminders import confirm_token_read

GET_POST = require_http_methods(["GET", "POST"])


@require_GET
def party_list(request):
    filterset = PartyFilter(request.GET, queryset=selectors.party_list())
    parties = list(filterset.qs)
    grouped = [(group, list(members)) for group, members in groupby(parties, key=lambda p: p.group)]
    return render(
        request,
        "parties/party_list.html",
        {"filter": filterset, "grouped": grouped, "count": len(parties)},
    )


# --- the contact-point directory ---------------------------------------------------------------


def _directory(request) -> ContactPointFilter:
    return ContactPointFilter(request.GET, queryset=selectors.current_terms())


@require_GET
@capability_required("contacts.view")
def contact_point_directory(request):
    filterset = _directory(request)
    page = Paginator(filterset.qs, 60).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "parties/contact_point_directory.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_manage": can(request.user, "contact_point.manage"),
        },
    )


@require_GET
@capability_required("contacts.view")
def contact_point_csv(request):
    terms = _directory(request).qs
    header = ["party_code", "party", "group", "kind", "name", "title", "organisation", "email", "phone",
              "language", "since"]  # fmt: skip
    rows = (
        [
            t.party.code,
            t.party.name,
            t.party.group.name,
            t.get_kind_display(),
            t.user.get_full_name(),
            t.user.title,
            t.user.organisation,
            t.user.email,
            t.user.phone,
            t.user.preferred_language,
            t.started_on.isoformat(),
        ]  # fmt: skip
        for t in terms
    )
    # whole, not streamed: a few hundred rows at most, and the query count stays measurable
    return attachment(
        HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8"), "contact-points.csv"
    )


@require_GET
@capability_required("contacts.view")
def contact_point_vcard(request):
    body = "".join(vcard(t) for t in _directory(request).qs)
    return attachment(HttpResponse(body, content_type="text/vcard; charset=utf-8"), "contact-points.vcf")


# --- invitations and terms ---------------------------------------------------------------------


@GET_POST
@capability_required("contact_point.manage")
def invitation_new(request):
    form = InvitationForm(request.POST or None, initial={"party": request.GET.get("party", "").upper()})
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(invited_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("parties:invite")
    pending = selectors.pending_invitations()
    return render(
        request, "parties/invitation_new.html", {"form": form, "pending": pending, "now": timezone.now()}
    )


def _add_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@GET_POST
def invitation_accept(request, token: str):
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return render(request, "parties/invitation_dead.html", {"state": "unknown"}, status=404)
    state = services.invitation_state(invitation)
    if state != "valid":
        return render(
            request, "parties/invitation_dead.html", {"state": state, "invitation": invitation}, status=410
        )
    form = InvitationAcceptForm(
        request.POST or None,
        email=invitation.email,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError:  # accepted a moment ago in another tab
            return render(request, "parties/invitation_dead.html", {"state": "used"}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if not can(user, "profile.edit", user.party_id):  # a partner's person: no details page
            messages.success(request, _("Welcome. Your account is ready."))
            return redirect("home")
        messages.success(request, _("Welcome. Your account is ready; please check your details."))
        return redirect("parties:my-details")
    return render(request, "parties/invitation_accept.html", {"form": form, "invitation": invitation})


@GET_POST
@capability_required("contact_point.manage")
def term_end(request, pk: int):
    term = get_object_or_404(ContactPointTerm.objects.select_related("user", "party"), pk=pk)
    if term.ended_on is not None:
        messages.info(request, _("This term had already ended."))
        return redirect(term.party)
    form = TermEndForm(request.POST or None, term=term)
    if request.method == "POST" and form.is_valid():
        successor = services.term_end(term=term, ended_on=form.cleaned_data["ended_on"], by=request.user)
        if successor:
            messages.success(request, _("Term ended. Open items pass to %(name)s.") % {"name": successor})
        else:
            messages.warning(
                request, _("Term ended. %(party)s has no contact point left.") % {"party": term.party}
            )
        return redirect(term.party)
    return render(request, "parties/term_end.html", {"form": form, "term": term})


@GET_POST
@capability_required("contact_point.manage")
def person_erase(request, pk: int):
    """The secretariat erases a former contact point's personal data on their request."""
    person = get_object_or_404(User.objects.select_related("party"), pk=pk)
    if request.method == "POST":
        try:
            services.contact_point_erase(user=person, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The personal data are erased; the records stay, unnamed."))
        return redirect(person.party) if person.party_id else redirect("parties:contact-points")
    return render(request, "parties/person_erase.html", {"person": person})


# --- own details and the yearly confirmation ---------------------------------------------------


@GET_POST
@capability_required("profile.edit")
def my_details(request):
    user = request.user
    form = ContactDetailsForm(request.POST or None, instance=user, initial={"version": user.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_details_update(
                user=user, data=form.cleaned_data, version=form.cleaned_data["version"]
            )
        except StaleEdit as stale:
            conflict = conflict_context(stale.current, form, services.DETAIL_FIELDS)
        else:
            messages.success(request, _("Your details are saved and confirmed for this year."))
            return redirect("parties:my-details")
    context = {
        "form": form,
        "conflict": conflict,
        "terms": ContactPointTerm.objects.filter(user=user).select_related("party"),
        "changes": user.history.select_related("history_user").order_by("-history_date")[:10],
        "mail_form": preferences_form(user),
    }
    return render(request, "parties/my_details.html", context, status=409 if conflict else 200)


@GET_POST
def confirm_details(request, token: str):
    """The link in the yearly e-mail: the signature identifies the person, so no sign-in is needed.
    GET shows the details and one button; only POST records (mail scanners open links with GET)."""
    found = confirm_token_read(token)
    if found is None:
        return render(request, "parties/confirm_details.html", {"invalid": True}, status=404)
    user_pk, year = found
    person = User.objects.filter(pk=user_pk, is_active=True).first()
    if person is None:
        raise Http404
    confirmed = person.confirmations.filter(year=year).first()
    if request.method == "POST":
        confirmed, _created = services.details_confirm(user=person, year=year)
    return render(
        request, "parties/confirm_details.html", {"person": person, "year": year, "confirmed": confirmed}
    )


# --- the core group ----------------------------------------------------------------------------


@require_GET
def core_group(request):
    today = timezone.localdate()
    members = list(selectors.core_group_current(on=today))
    balance = selectors.core_group_balance(members)
    return render(
        request,
        "parties/core_group.html",
        {
            "members": members,
            "balance": balance,
            "groups_without": [g for g, ms in balance if not ms],
            "today": today,
            "can_manage": can(request.user, "core_group.manage"),
        },
    )


@require_GET
def core_group_history(request):
    memberships = list(selectors.core_group_history())
    years = sorted(
        {m.started_on.year for m in memberships} | {m.ended_on.year for m in memberships if m.ended_on}
    )
    if years:
        years = list(range(years[0], max(years[-1], timezone.localdate().year) + 1))
    table = [
        (
            year,
            [
                m
                for m in memberships
                if m.started_on.year <= year and (m.ended_on is None or m.ended_on.year >= year)
            ],
        )
        for year in years
    ]
    return render(request, "parties/core_group_history.html", {"memberships": memberships, "table": table})


@GET_POST
@capability_required("core_group.manage")
def core_group_add(request):
    form = CoreGroupMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.core_group_membership_add(**form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("%(party)s joins the core group.") % {"party": form.cleaned_data["party"]}
            )
            return redirect("parties:core-group")
    return render(request, "parties/core_group_form.html", {"form": form})


@GET_POST
@capability_required("core_group.manage")
def core_group_end(request, pk: int):
    membership = get_object_or_404(CoreGroupMembership.objects.select_related("party"), pk=pk)
    if membership.ended_on is not None:
        messages.info(request, _("This membership had already ended."))
        return redirect("parties:core-group")
    form = CoreGroupEndForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        services.core_group_membership_end(membership=membership, ended_on=form.cleaned_data["ended_on"])
        messages.success(request, _("Membership of %(party)s ended.") % {"party": membership.party})
        return redirect("parties:core-group")
    return render(request, "parties/core_group_end.html", {"form": form, "membership": membership})


# --- partner organisations ---------------------------------------------------------------------


@require_GET
def partner_list(request):
    partners = list(selectors.partner_list())
    grouped = [
        (kind, [p for p in partners if p.kind == kind]) for kind, _label in PartnerOrganisation.Kind.choices
    ]
    kinds = dict(PartnerOrganisation.Kind.choices)
    return render(
        request,
        "parties/partner_list.html",
        {
            "grouped": [(kinds[k], ps) for k, ps in grouped if ps],
            "count": len(partners),
            "can_manage": can(request.user, "partner.manage"),
        },
    )


@GET_POST
@capability_required("partner.manage")
def partner_edit(request, pk: int | None = None):
    partner = get_object_or_404(PartnerOrganisation, pk=pk) if pk else None
    initial = {"version": partner.version} if partner else {}
    form = PartnerForm(request.POST or None, instance=partner, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(
                data=form.cleaned_data, partner=partner, version=form.cleaned_data["version"], by=request.user
            )
        except StaleEdit as stale:
            conflict = conflict_context(stale.current, form, services.PARTNER_FIELDS)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Partner organisation saved."))
            return redirect("parties:partners")
    return render(
        request,
        "parties/partner_form.html",
        {"form": form, "partner": partner, "conflict": conflict},
        status=409 if conflict else 200,
    )
