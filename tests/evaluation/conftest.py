"""A small hand-built year (2013) with known answers, shared by the evaluation tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import (
    ActivityFactory,
    DecisionFactory,
    FinancingLineFactory,
    ParticipationFactory,
    ProgressReportFactory,
    ReportingCycleFactory,
    action,
    som_on,
)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Compiles are enqueued after commit; tests run them by calling the service."""
    queued: list[int] = []
    monkeypatch.setattr("evaluation.services._enqueue", queued.append)
    return queued


@pytest.fixture
def year2013(plan, party_a, party_b):
    """CZ and DE take part; AT only from 2014. Three submitted activities overlap 2013."""
    from actions.models import FinancingSource
    from parties.models import Party

    at = Party.objects.get(code="AT")
    eu, national = FinancingSource.objects.filter(plan=plan).order_by("order")[:2]
    ParticipationFactory(party=party_a, action=action("I.1"), role="lead", since=dt.date(2012, 1, 1))
    ParticipationFactory(party=party_a, action=action("I.2"), since=dt.date(2012, 1, 1))
    ParticipationFactory(party=party_b, action=action("I.1"), since=dt.date(2013, 6, 1))
    ParticipationFactory(party=at, action=action("II.1"), since=dt.date(2014, 1, 1))
    a1 = ActivityFactory(
        party=party_a,
        actions=[action("I.1")],
        kind="training",
        status="ongoing",
        start_date=dt.date(2013, 3, 1),
        end_date=dt.date(2013, 6, 30),
    )
    a2 = ActivityFactory(
        party=party_b,
        actions=[action("I.1"), action("I.2")],
        kind="study",
        status="completed",
        start_date=dt.date(2012, 5, 1),
        end_date=dt.date(2013, 2, 1),
    )
    a3 = ActivityFactory(
        party=party_a,
        actions=[action("I.2")],
        kind="training",
        status="planned",
        start_date=dt.date(2013, 11, 1),
        end_date=None,
    )
    ActivityFactory(party=party_a, actions=[action("I.3")], state="draft", start_date=dt.date(2013, 4, 1))
    ActivityFactory(
        party=party_a,
        actions=[action("II.1")],
        start_date=dt.date(2012, 1, 1),
        end_date=dt.date(2012, 12, 31),
    )
    ActivityFactory(party=party_b, actions=[action("II.2")], start_date=dt.date(2014, 1, 1))
    FinancingLineFactory(activity=a1, source=eu, amount=Decimal("1000.00"), currency="EUR")
    FinancingLineFactory(activity=a1, source=national, amount=Decimal("500.00"), currency="EUR")
    FinancingLineFactory(activity=a2, source=eu, amount=Decimal("200.00"), currency="USD")
    FinancingLineFactory(activity=a3, source=eu, amount=Decimal("300.00"), currency="EUR")
    som12 = som_on(dt.date(2012, 6, 14), title="SOM 2012")
    som13 = som_on(dt.date(2013, 6, 15), title="SOM 2013", status="held")
    DecisionFactory(meeting=som12, text="Old decision", status="done")
    DecisionFactory(meeting=som13, text="Set up a working group on I.1")
    cycle = ReportingCycleFactory(plan=plan, year=2013)
    cz = ProgressReportFactory(cycle=cycle, party=party_a, state="submitted")
    cz.entries.create(action=action("I.1"), status="in_progress", achieved="Trained 40 officers")
    ProgressReportFactory(cycle=cycle, party=party_b, state="draft")
    ProgressReportFactory(cycle=cycle, party=at, state="submitted")  # not expected in 2013
    return {"cycle": cycle, "som": som13, "eu": eu, "national": national, "activities": (a1, a2, a3)}


@pytest.fixture
def admin_form_data():
    """admin_form_data(page) -> what an admin change page posts back unchanged."""
    return _admin_form_data


def _admin_form_data(page) -> dict:
    """What the admin change page would post back unchanged: the form, its inlines and their
    management forms, as the browser sends them (split date-times as two inputs)."""
    from django.forms import MultiWidget

    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, MultiWidget):
                for i, part in enumerate(bound.field.widget.decompress(value)):
                    data[f"{bound.html_name}_{i}"] = "" if part is None else part
            elif value not in (None, False):
                data[bound.html_name] = value
    return data
