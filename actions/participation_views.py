"""Voluntary participation: the Party x Action matrix, its CSV, and a Party's declarations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.concurrency import StaleEdit, conflict_context, parse_version
from core.downloads import attachment, csv_text
from parties import selectors as party_selectors
from parties.permissions import can, require

from . import participation_selectors as selectors
from .models import Action, Participation
from .participation_forms import MatrixFilterForm, ParticipationForm
from .participation_services import participation_declare, participation_withdraw
from .plans import plan_page
from .selectors import activity_counts_by_party_action, party_names


def _matrix(request, plan):
    form = MatrixFilterForm(request.GET or None)
    group = form.cleaned_data["group"] if form.is_valid() else None
    return plan, form, selectors.participation_matrix(plan, group=group)


def _matrix_cell(cell: Participation | None, n: int, words: dict[str, str]) -> str:
    """One cell of the matrix as HTML. Written here, not in the template: the matrix has
    Parties x actions cells (1,144 for the plan), and a template spent about 100 ms on them."""
    if cell is None:
        css, mark = "cell", ""
    elif cell.role == Participation.Role.LEAD:
        css, mark = "cell cell-lead", f'<abbr title="{words["lead"]}">L</abbr>'
    else:
        css, mark = "cell cell-part", f'<abbr title="{words["participant"]}">P</abbr>'
    count = (
        f' <span class="act-count">{int(n)}<span class="visually-hidden"> {words["activities"]}</span></span>'
        if n
        else ""
    )
    return f'<td class="{css}">{mark}{count}</td>'


@plan_page
@require_GET
def matrix(request, plan):
    plan, form, table = _matrix(request, plan)
    # Activities the visitor may read, per (Party, action): one query whatever the data size.
    counts = activity_counts_by_party_action(request.user)
    activity_totals = [0] * len(table.actions)
    words = {
        "lead": escape(_("lead")),
        "participant": escape(_("participant")),
        "activities": escape(_("activities")),
    }
    for _group, members in table.groups:
        for i, (party, row, declared) in enumerate(members):
            cells = []
            for j, (action, cell) in enumerate(zip(table.actions, row, strict=True)):
                n = counts.get((party.pk, action.pk), 0)
                activity_totals[j] += n
                cells.append(_matrix_cell(cell, n, words))
            members[i] = (party, mark_safe("".join(cells)), declared)
    context = {
        "plan": plan,
        "form": form,
        "m": table,
        "activity_totals": activity_totals,
        "party_names": party_names(plan),
    }
    return render(request, "actions/participation_matrix.html", context)


@plan_page
@require_GET
def matrix_csv(request, plan):
    _plan, _form, m = _matrix(request, plan)
    names = party_names(plan)
    # headers and names in the reader's language (English headers: the column codes)
    header = [
        pgettext("export column", "party_code"),
        pgettext("export column", "party"),
        pgettext("export column", "group"),
        *[a.code for a in m.actions],
        pgettext("export column", "actions_taken_part_in"),
    ]
    rows = [
        [party.code, names.get(party.pk, party).name, group.name, *[c.role if c else "" for c in row], count]
        for group, members in m.groups
        for party, row, count in members
    ]
    rows.append(["", _("Parties per action"), "", *m.action_counts, m.total])
    # Small (a row per Party) and read whole by its tests and callers: not streamed.
    return attachment(
        HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8"), "participation.csv"
    )


CONFLICT_FIELDS = ["role", "items", "since", "note"]


def _initial(request, party) -> dict:
    """Blank for a new declaration; `?action=<pk>` opens the Party's declaration with its version."""
    chosen = None
    if request.method == "GET" and request.GET.get("action", "").isdigit():
        chosen = Participation.objects.filter(party=party, action_id=request.GET["action"]).first()
    initial = {"version": chosen.version if chosen else None, "role": Participation.Role.PARTICIPANT}
    if chosen:
        initial.update(
            action=chosen.action_id,
            role=chosen.role,
            note=chosen.note,
            since=chosen.since,
            items=list(chosen.items.all()),
        )
    return initial


@plan_page
@require_http_methods(["GET", "POST"])
def party_participation(request, code: str, plan):
    party = party_selectors.party_get(code)
    can_edit = can(request.user, "participation.edit", party)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require(request.user, "participation.edit", party)
    form = ParticipationForm(request.POST or None, plan=plan, initial=_initial(request, party))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            participation, created = participation_declare(
                party=party, action=data["action"], role=data["role"], items=list(data["items"]),
                note=data["note"], by=request.user, version=data["version"], since=data["since"],
            )  # fmt: skip
        except StaleEdit as stale:
            # A declaration withdrawn meanwhile has no items left to compare.
            fields = CONFLICT_FIELDS if stale.current.pk else [f for f in CONFLICT_FIELDS if f != "items"]
            conflict = conflict_context(stale.current, form, fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(party)s: %(what)s saved.") % {"party": party, "what": participation}
            )
            return redirect("actions:participation-party", plan=plan.url_slug, code=party.code.lower())
    return render(
        request,
        "actions/participation_party.html",
        {
            "party": party,
            "plan": plan,
            "form": form if can_edit else None,
            "can_edit": can_edit,
            "conflict": conflict,
            "participations": selectors.party_participations(party, plan),
            "party_name": party_names(plan).get(party.pk, party),
            "history": selectors.party_participation_history(party)
            if can(request.user, "member.view")
            else None,
        },
        status=409 if conflict else 200,
    )


@plan_page
@require_POST
@login_required
def withdraw(request, code: str, plan):
    party = party_selectors.party_get(code)
    require(request.user, "participation.edit", party)
    action_pk = request.POST.get("action", "")
    action = (
        Action.objects.select_related("area").filter(pk=action_pk, area__plan=plan).first()
        if action_pk.isdigit()
        else None
    )
    if action is None:
        messages.error(request, _("Choose the action to withdraw from."))
        return redirect("actions:participation-party", plan=plan.url_slug, code=party.code.lower())
    try:
        withdrawn = participation_withdraw(
            party=party, action=action, by=request.user, version=parse_version(request.POST.get("version"))
        )
    except StaleEdit:
        messages.error(
            request,
            _("Action %(code)s was changed after you opened this page; nothing was withdrawn.")
            % {"code": action.code},
        )
    else:
        if withdrawn:
            messages.success(
                request, _("%(party)s withdrew from action %(code)s.") % {"party": party, "code": action.code}
            )
        else:
            messages.info(
                request,
                _("%(party)s was not taking part in action %(code)s.")
                % {"party": party, "code": action.code},
            )
    return redirect("actions:participation-party", plan=plan.url_slug, code=party.code.lower())
