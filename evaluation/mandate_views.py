"""The plan's mandate page: its years as adopted, each prolongation, and the secretariat's form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actions.plans import plan_page
from parties.permissions import can, capability_required, require

from .mandate import ProlongationForm, plan_prolong
from .models import MandateProlongation


@plan_page
@require_http_methods(["GET", "POST"])
@capability_required("member.view", visible=False)
def mandate(request, plan):
    form = None
    if request.method == "POST":
        require(request.user, "plan.prolong")
        form = ProlongationForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                record = plan_prolong(plan=plan, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _("The mandate now runs to %(year)s; reporting cycles are open for the new years.")
                    % {"year": record.end_year},
                )
                return redirect("evaluation:mandate", plan=plan.url_slug)
        status = 400
    else:
        status = 200
        if can(request.user, "plan.prolong"):
            form = ProlongationForm(plan=plan)
    return render(
        request,
        "evaluation/mandate.html",
        {
            "plan": plan,
            "prolongations": MandateProlongation.objects.filter(plan=plan).select_related("meeting"),
            "form": form,
        },
        status=status,
    )
