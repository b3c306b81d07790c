"""The read API (`/api/`): the portal's public records as JSON, and the activities a member may read.

Built on Django REST framework: its filter backend takes the very filtersets of the list pages
(`actions.filters.ActivityFilter`, `meetings.filters.MeetingFilter`), its throttles keep anonymous
clients to a rate, and drf-spectacular writes the OpenAPI 3 schema from these classes. Each list
answers `ETag` and `Last-Modified` from one aggregate query over what it lists (the newest change
and the count, so that an edit or a deletion changes them); a client that sends them back gets a
304 before anything is serialized.
"""

from __future__ import annotations

import hashlib

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, permissions
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse

from actions import plan_cache, services
from actions.filters import ActivityFilter
from actions.models import Action, ActionItem, ActionPlan, Activity, Participation, PartyName, PriorityArea
from actions.selectors import (
    activities_visible_to,
    activity_for_edit,
    activity_list,
    activity_reach,
    activity_records,
    plan_areas,
)
from core.concurrency import StaleEdit
from core.security import log_denial
from evaluation.models import ReportVersion
from meetings.filters import MeetingFilter
from meetings.models import Meeting
from meetings.selectors import meeting_list
from parties.models import Party
from parties.permissions import ALL, can, require, scope

from . import serializers as s
from . import writes

API_VERSION = "1"

# The list page's filters by a record's id (an area, an action, an item, a financing source, a partner)
# are written in the schema as the integers they take.
for _name in ("area", "action", "item", "source", "partner"):
    extend_schema_field(OpenApiTypes.INT)(ActivityFilter.base_filters[_name])


class StablePages(CursorPagination):
    """Pages that stay stable while records are added: a cursor on the id, never an offset."""

    page_size = 100
    max_page_size = 500
    page_size_query_param = "page_size"
    ordering = "id"


class Capability(permissions.BasePermission):
    """The view's `capability` (parties/permissions.py), every denial logged."""

    def has_permission(self, request, view) -> bool:
        capability = getattr(view, "capability", None)
        if request.method not in permissions.SAFE_METHODS:
            # A read-only endpoint answers 405 to a write, whoever sends it.
            capability = getattr(view, "write_capability", None)
        if capability is None or can(request.user, capability):
            return True
        log_denial(user=request.user, capability=capability, party_id=None, visible=True, reason="api")
        return False


class Conditional:
    """ETag and Last-Modified from one aggregate over what the response lists; 304 when unchanged."""

    def stamp_queryset(self) -> QuerySet:
        return self.filter_queryset(self.get_queryset())

    def _stamp(self, request) -> tuple[str, object]:
        row = self.stamp_queryset().order_by().aggregate(newest=Max("updated_at"), count=Count("pk"))
        newest = row["newest"]
        words = [
            API_VERSION,
            request.get_full_path(),
            activity_reach(request.user),
            str(newest.timestamp() if newest else ""),
            str(row["count"]),
        ]
        for model in self.stamp_models:
            words.append(str(model.objects.aggregate(newest=Max("updated_at"))["newest"]))
        return quote_etag(hashlib.sha256("|".join(words).encode()).hexdigest()[:32]), newest

    stamp_models: tuple = ()

    def dispatch_conditional(self, request, respond):
        etag, newest = self._stamp(request)
        headers = {"ETag": etag}
        if newest is not None:
            headers["Last-Modified"] = http_date(newest.timestamp())
        sent = request.headers.get("If-None-Match", "")
        if etag in [tag.strip() for tag in sent.split(",")] or sent.strip() == "*":
            response = Response(status=304)
        else:
            response = respond()
        for name, value in headers.items():
            response[name] = value
        response["Vary"] = "Accept, Accept-Language, Cookie, Authorization"
        return response

    def list(self, request, *args, **kwargs):
        return self.dispatch_conditional(
            request, lambda: super(Conditional, self).list(request, *args, **kwargs)
        )


class ReadList(Conditional, generics.ListAPIView):
    pagination_class = StablePages
    permission_classes = [Capability]
    filter_backends = [DjangoFilterBackend]


WRITE_ERRORS = OpenApiResponse(
    description='The form\'s messages, by field: `{"actions": ["unknown code “IX.9”"]}`.'
)
CONFLICT = OpenApiResponse(
    description='A stale version or an archived activity: `{"detail": ..., "current": <the activity as it is>}`.'
)


def _posted(request) -> dict:
    """The body's shapes checked (400 otherwise), as the import's structured values."""
    body = s.ActivityWriteSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    return body.structured()


def _errors(row) -> Response:
    errors: dict[str, list[str]] = {}
    for column, message in row.errors:
        errors.setdefault("non_field_errors" if column == "–" else column, []).append(str(message))
    return Response(errors, status=400)


def _one(request, pk: int):
    return _activities(request.user).get(pk=pk)


def _saved(request, activity, joined, *, status: int) -> Response:
    body = s.ActivitySerializer(_one(request, activity.pk), context={"request": request}).data
    body["joined"] = [a.code for a in joined]
    return Response(
        body,
        status=status,
        headers={"Location": reverse("api:activity-detail", args=[activity.pk], request=request)},
    )


def _conflict(request, activity, detail: str) -> Response:
    current = s.ActivitySerializer(_one(request, activity.pk), context={"request": request}).data
    return Response({"detail": detail, "current": current}, status=409)


def _plans() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.order_by("-start_year", "-pk")


@extend_schema(summary="Plans", description="Every loaded plan, newest first.")
class PlanList(ReadList):
    serializer_class = s.PlanSerializer
    pagination_class = None

    def get_queryset(self):
        return _plans()


@extend_schema(
    summary="One plan",
    description="A plan with its priority areas, their numbered actions and the actions' items.",
)
class PlanDetail(Conditional, generics.RetrieveAPIView):
    serializer_class = s.PlanDetailSerializer
    stamp_models = (PriorityArea, Action, ActionItem)

    def get_object(self):
        plan = plan_cache.by_url_slug(self.kwargs["slug"])
        if plan is None:
            raise Http404
        plan.area_list = list(plan_areas(plan))
        return plan

    def stamp_queryset(self):
        return _plans().filter(
            slug__in=[p.slug for p in plan_cache.plans() if p.url_slug == self.kwargs["slug"]]
        )

    def retrieve(self, request, *args, **kwargs):
        return self.dispatch_conditional(
            request, lambda: super(PlanDetail, self).retrieve(request, *args, **kwargs)
        )


def _parties() -> QuerySet[Party]:
    names = PartyName.objects.select_related("plan").order_by("since")
    return (
        Party.objects.select_related("group")
        .prefetch_related(Prefetch("plan_names", queryset=names))
        .order_by("order", "code")
    )


@extend_schema(summary="Parties", description="The Parties with their group and their names in each plan.")
class PartyList(ReadList):
    serializer_class = s.PartySerializer
    pagination_class = None
    stamp_models = (PartyName,)

    def get_queryset(self):
        return _parties()


@extend_schema(summary="One Party")
class PartyDetail(Conditional, generics.RetrieveAPIView):
    serializer_class = s.PartySerializer
    lookup_field = "code"
    stamp_models = (PartyName,)

    def get_queryset(self):
        return _parties()

    def get_object(self):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()

    def stamp_queryset(self):
        return Party.objects.filter(code=self.kwargs["code"].upper())

    def retrieve(self, request, *args, **kwargs):
        return self.dispatch_conditional(
            request, lambda: super(PartyDetail, self).retrieve(request, *args, **kwargs)
        )


@extend_schema(
    summary="Participation",
    description="Which Party takes part in which action (and items), as the participation matrix shows.",
    parameters=[
        OpenApiParameter("plan", str, description="A plan's slug (as in its URL): its actions only."),
        OpenApiParameter("party", str, description="A Party's code."),
        OpenApiParameter("action", str, description="An action's code, e.g. I.2."),
    ],
)
class ParticipationList(ReadList):
    serializer_class = s.ParticipationSerializer

    def get_queryset(self):
        qs = Participation.objects.select_related("party", "action__area__plan").prefetch_related("items")
        params = self.request.query_params
        if params.get("plan"):
            plan = plan_cache.by_url_slug(params["plan"])
            qs = qs.filter(action__area__plan=plan) if plan else qs.none()
        if params.get("party"):
            qs = qs.filter(party__code=params["party"].upper())
        if params.get("action"):
            numeral, _, number = params["action"].partition(".")
            qs = (
                qs.filter(action__area__numeral=numeral, action__number=number)
                if number.isdigit()
                else qs.none()
            )
        return qs


def _activities(user) -> QuerySet:
    return activity_records(activity_list(user))


@extend_schema(
    summary="Activities",
    description=(
        "The activities you may read: submitted ones for every member; drafts too for your own Party. "
        "Members only (a signed-in session or a token). Filters as on the activity list page."
    ),
)
class ActivityList(ReadList):
    serializer_class = s.ActivitySerializer
    filterset_class = ActivityFilter
    capability = "member.view"
    write_capability = "activity.create"

    def get_queryset(self):
        return _activities(self.request.user)

    @extend_schema(
        summary="Log an activity",
        description=(
            "Creates an activity of your Party (the secretariat names the Party), under the same rules "
            "as the activity form: the same validation messages, the history entry, and the Party "
            "recorded as a participant in the activity's actions when it is submitted."
        ),
        request=s.ActivityWriteSerializer,
        responses={201: s.ActivitySerializer, 400: WRITE_ERRORS},
    )
    def post(self, request):
        values = _posted(request)
        row = writes.activity_row(user=request.user, values=values)
        if row.errors:
            return _errors(row)
        activity, joined = services.activity_create(user=request.user, party=row.party, write=row.write)
        return _saved(request, activity, joined, status=201)


@extend_schema(summary="One activity")
class ActivityDetail(Conditional, generics.RetrieveAPIView):
    serializer_class = s.ActivitySerializer
    permission_classes = [Capability]
    capability = "member.view"
    write_capability = "activity.edit"

    def _change(self, request, pk: int, *, partial: bool):
        activity = activity_for_edit(request.user, pk)
        require(request.user, "activity.edit", activity.party)
        values = _posted(request)
        version = values.get("version")
        if version is None:
            return Response(
                {"version": [_("Send the version you read: it guards against overwriting a newer change.")]},
                status=400,
            )
        if activity.state == Activity.State.ARCHIVED:
            return _conflict(
                request, activity, _("This activity is archived: the secretariat can restore it.")
            )
        if version != activity.version:
            return _conflict(request, activity, _("This activity was changed after you read it."))
        if partial:
            values = {**writes.values_of(activity), **values}
        row = writes.activity_row(user=request.user, values=values, instance=activity)
        if row.errors:
            return _errors(row)
        party = row.party if scope(request.user, "activity.edit") is ALL else None
        try:
            saved, joined = services.activity_update(
                activity=activity, user=request.user, expected_version=version, write=row.write, party=party
            )
        except StaleEdit as stale:
            return _conflict(request, stale.current, _("This activity was changed after you read it."))
        except services.ActivityStateError:
            return Response({"state": [_("A submitted activity stays submitted.")]}, status=400)
        return _saved(request, saved, joined, status=200)

    @extend_schema(
        summary="Replace an activity",
        description="Every field as sent (lines included); `version` is the one you read: a stale one gets 409 and the current record.",
        request=s.ActivityWriteSerializer,
        responses={200: s.ActivitySerializer, 400: WRITE_ERRORS, 409: CONFLICT},
    )
    def put(self, request, pk: int):
        return self._change(request, pk, partial=False)

    @extend_schema(
        summary="Change some fields of an activity",
        description="The fields sent replace the current ones; `version` as for PUT.",
        request=s.ActivityWriteSerializer,
        responses={200: s.ActivitySerializer, 400: WRITE_ERRORS, 409: CONFLICT},
    )
    def patch(self, request, pk: int):
        return self._change(request, pk, partial=True)

    def get_queryset(self):
        return _activities(self.request.user)

    def stamp_queryset(self):
        return activities_visible_to(self.request.user).filter(pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return self.dispatch_conditional(
            request, lambda: super(ActivityDetail, self).retrieve(request, *args, **kwargs)
        )


@extend_schema(
    summary="Meetings", description="Meetings with their public details; filters as on the meetings page."
)
class MeetingList(ReadList):
    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self):
        return meeting_list().select_related("plan")


@extend_schema(summary="One meeting")
class MeetingDetail(Conditional, generics.RetrieveAPIView):
    serializer_class = s.MeetingSerializer

    def get_queryset(self):
        return meeting_list().select_related("plan")

    def stamp_queryset(self):
        return Meeting.objects.filter(pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return self.dispatch_conditional(
            request, lambda: super(MeetingDetail, self).retrieve(request, *args, **kwargs)
        )


def _published() -> QuerySet[ReportVersion]:
    return ReportVersion.objects.filter(state=ReportVersion.State.PUBLISHED).select_related("plan")


@extend_schema(
    summary="Published reports", description="Every published version of a compiled report, each language."
)
class ReportList(ReadList):
    serializer_class = s.ReportSerializer

    def get_queryset(self):
        return _published().defer("data", "html", "pdf", "xlsx")


@extend_schema(summary="One published report", description="A published version with its figures.")
class ReportDetail(Conditional, generics.RetrieveAPIView):
    serializer_class = s.ReportDetailSerializer

    def get_queryset(self):
        return _published().defer("html", "pdf", "xlsx")

    def stamp_queryset(self):
        return _published().filter(pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return self.dispatch_conditional(
            request, lambda: super(ReportDetail, self).retrieve(request, *args, **kwargs)
        )


@api_view(["GET"])
@permission_classes([permissions.AllowAny])
@schema(None)
def root(request, format=None):
    """Where each list is, the schema and the documentation."""
    names = {
        "plans": "api:plan-list",
        "parties": "api:party-list",
        "participation": "api:participation-list",
        "activities": "api:activity-list",
        "meetings": "api:meeting-list",
        "reports": "api:report-list",
        "schema": "api:schema",
        "documentation": "api:docs",
    }
    return Response({key: reverse(name, request=request) for key, name in names.items()})
