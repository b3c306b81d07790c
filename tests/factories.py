"""factory-boy factories: they set only what tests assert on; the plan's own rows come from the data file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from actions.models import Action, Activity, FinancingLine, FinancingSource, Participation
from actions.selectors import plan_current, plan_in_force
from meetings.models import Decision, Meeting
from parties.models import Party, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    role = User.Role.READER
    password = factory.django.Password("correct-horse-battery")


def action(code: str) -> Action:
    """Action by its plan code, 'I.2' (of the first plan when a successor is loaded too)."""
    numeral, number = code.split(".")
    return (
        Action.objects.select_related("area")
        .filter(area__numeral=numeral, number=int(number))
        .order_by("area__plan__start_year")
        .first()
    )


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    party = factory.LazyFunction(lambda: Party.objects.get(code="CZ"))
    action = factory.LazyFunction(lambda: action("I.1"))
    role = Participation.Role.PARTICIPANT
    since = dt.date(2012, 1, 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"Activity {n}")
    party = factory.LazyFunction(lambda: Party.objects.get(code="CZ"))
    kind = Activity.Kind.TRAINING
    status = Activity.Status.ONGOING
    state = Activity.State.SUBMITTED
    start_date = dt.date(2013, 3, 1)
    # The plan in force at the start, else the current one; the plan of its actions once given.
    plan = factory.LazyAttribute(lambda a: plan_in_force(a.start_date) or plan_current())

    @factory.post_generation
    def actions(self, create, extracted, **kwargs):
        if create:
            chosen = extracted or [action("I.1")]
            self.actions.add(*chosen)
            if chosen[0].area.plan_id != self.plan_id:
                self.plan = chosen[0].area.plan
                Activity.objects.filter(pk=self.pk).update(plan=self.plan)


class FinancingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancingLine

    activity = factory.SubFactory(ActivityFactory)
    source = factory.LazyFunction(lambda: FinancingSource.objects.order_by("order").first())
    amount = Decimal("1000.00")
    currency = "EUR"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.SOM
    title = factory.Sequence(lambda n: f"Senior Officials' Meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=40))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=8))
    plan = factory.LazyAttribute(lambda m: plan_in_force(m.starts_at))  # as the services set it


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Decision {n}")

    @factory.post_generation
    def owner_parties(self, create, extracted, **kwargs):
        """`DecisionFactory(owner_parties=[party])`: Parties that own it (none by default)."""
        if create and extracted:
            self.owner_parties.set(extracted)


# --- meetings ---
from meetings.models import AgendaItem, Delegate, Invitation  # noqa: E402


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    party = factory.LazyFunction(lambda: Party.objects.get(code="CZ"))


class DelegateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegate

    invitation = factory.SubFactory(InvitationFactory, answer=Invitation.Answer.REGISTERED)
    name = factory.Sequence(lambda n: f"Delegate {n}")
    function = "Head of unit"
    email = factory.Sequence(lambda n: f"delegate{n}@example.org")

    @factory.post_generation
    def registered(self, create, extracted, **kwargs):
        if create:  # a Party with delegates has answered
            Invitation.objects.filter(pk=self.invitation_id).update(answer=Invitation.Answer.REGISTERED)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


# --- the Parties and their people ---
from parties.models import ContactPointTerm, CoreGroupMembership, PartnerOrganisation  # noqa: E402


class ContactPointTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPointTerm

    user = factory.SubFactory(
        UserFactory, role=User.Role.CONTACT_POINT, party=factory.SelfAttribute("..party")
    )
    party = factory.LazyFunction(lambda: Party.objects.get(code="CZ"))
    kind = ContactPointTerm.Kind.PRIMARY
    started_on = dt.date(2012, 1, 1)


class CoreGroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoreGroupMembership

    party = factory.LazyFunction(lambda: Party.objects.get(code="CZ"))
    started_on = dt.date(2012, 1, 1)
    decided_on = dt.date(2011, 11, 15)
    decision_reference = "Senior Officials' Meeting of 2011: conclusions"


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ("acronym",)

    acronym = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = PartnerOrganisation.Kind.INTERNATIONAL


# --- evaluation ---
def _plan():
    from actions.models import ActionPlan

    return ActionPlan.objects.order_by("start_year").first()  # the first plan


class ReportingCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.ReportingCycle"
        django_get_or_create = ("plan", "year")

    plan = factory.LazyFunction(_plan)
    year = 2013
    opens_on = factory.LazyAttribute(lambda c: dt.date(c.year, 1, 15))
    weeks_before_som = 6


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.ProgressReport"

    cycle = factory.SubFactory(ReportingCycleFactory)
    party = factory.LazyFunction(lambda: Party.objects.get(code="CZ"))
    state = "draft"


def som_on(day: dt.date, **kwargs) -> Meeting:
    """An SOM starting at 09:30 Brussels time on the given day."""
    from zoneinfo import ZoneInfo

    start = dt.datetime.combine(day, dt.time(9, 30), tzinfo=ZoneInfo("Europe/Brussels"))
    return MeetingFactory(kind=Meeting.Kind.SOM, starts_at=start, timezone="Europe/Brussels", **kwargs)
