"""What the read API says of each record: public fields only, content in both languages.

A translated text is an object `{"en": "...", "ru": "..."}` (an empty string where a language has
no text yet); identifiers (Party codes, action codes, partner acronyms) are the same in both. Every
record links to its page (`url`, absolute). Nothing here names a person: no e-mail, no author, no
delegate; activities are what the signed-in user (or the token's person) may read.
"""

from __future__ import annotations

from datetime import UTC

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions.models import Action, ActionItem, ActionPlan, Activity, Participation, PriorityArea
from core.translations import LANGUAGES, text_in
from evaluation.models import ReportVersion
from meetings.models import Meeting
from parties.models import GeographicGroup, Party


@extend_schema_field(
    {
        "type": "object",
        "properties": {lang: {"type": "string"} for lang in LANGUAGES},
        "required": list(LANGUAGES),
        "description": "The text in English and in Russian ('' where a language has none yet).",
    }
)
class BilingualField(serializers.Field):
    """A translated field as `{"en": ..., "ru": ...}`, read from its column per language."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance):
        return {lang: text_in(instance, self.source, lang) for lang in LANGUAGES}


def absolute(context: dict, path: str) -> str:
    """A path as a full address: the request's, or the `site` of the context (the open-data bundle)."""
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(path)
    return context.get("site", "") + path


class UTCDateTimeField(serializers.DateTimeField):
    """Instants in UTC (`2012-06-12T07:30:00Z`), whatever the portal's own time zone."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UTCDateTimeField,
    }


class PageUrlField(serializers.Field):
    """The record's page, absolute."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return absolute(self.context, instance.get_absolute_url())


PageUrlField = extend_schema_field(OpenApiTypes.URI)(PageUrlField)


class ItemSerializer(ModelSerializer):
    code = serializers.SerializerMethodField()
    text = BilingualField()

    class Meta:
        model = ActionItem
        fields = ["letter", "code", "text"]

    def get_code(self, item) -> str:
        return f"{item.action.code} {item.letter}"


class ActionSerializer(ModelSerializer):
    code = serializers.CharField(read_only=True)
    text = BilingualField()
    items = ItemSerializer(many=True, read_only=True)
    url = PageUrlField()

    class Meta:
        model = Action
        fields = ["number", "code", "text", "items", "url"]


class AreaSerializer(ModelSerializer):
    title = BilingualField()
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = PriorityArea
        fields = ["numeral", "order", "title", "actions"]


class PlanSerializer(ModelSerializer):
    slug = serializers.CharField(source="url_slug", read_only=True)
    title = BilingualField()
    process = BilingualField()
    adopted_at = BilingualField()
    adopted_place = BilingualField()
    url = PageUrlField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = ActionPlan
        fields = [
            "slug",
            "process",
            "title",
            "adopted_at",
            "adopted_place",
            "adopted_on",
            "start_year",
            "end_year",
            "adopted_end_year",
            "url",
            "api_url",
        ]

    def get_api_url(self, plan) -> str:
        from django.urls import reverse

        return absolute(self.context, reverse("api:plan-detail", args=[plan.url_slug]))


class PlanDetailSerializer(PlanSerializer):
    areas = AreaSerializer(source="area_list", many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "areas"]


class GroupSerializer(ModelSerializer):
    name = BilingualField()

    class Meta:
        model = GeographicGroup
        fields = ["code", "name"]


class PartyNameSerializer(serializers.Serializer):
    plan = serializers.CharField(source="plan.url_slug")
    since = serializers.DateField()
    name = BilingualField()
    short_name = BilingualField()


class PartySerializer(ModelSerializer):
    name = BilingualField()
    short_name = BilingualField()
    group = GroupSerializer(read_only=True)
    names = PartyNameSerializer(source="plan_names", many=True, read_only=True)
    url = PageUrlField()

    class Meta:
        model = Party
        fields = ["code", "kind", "name", "short_name", "group", "names", "url"]


class ParticipationSerializer(ModelSerializer):
    party = serializers.CharField(source="party.code", read_only=True)
    plan = serializers.CharField(source="action.area.plan.url_slug", read_only=True)
    action = serializers.CharField(source="action.code", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = Participation
        fields = ["party", "plan", "action", "items", "role", "since"]

    def get_items(self, participation) -> list[str]:
        return [item.letter for item in participation.items.all()]


class ActivitySerializer(ModelSerializer):
    plan = serializers.CharField(source="plan.url_slug", read_only=True, allow_null=True)
    party = serializers.CharField(source="party.code", read_only=True)
    other_parties = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    partners = serializers.SerializerMethodField()
    financing = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    url = PageUrlField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "plan",
            "party",
            "other_parties",
            "kind",
            "status",
            "state",
            "actions",
            "items",
            "start_date",
            "end_date",
            "description",
            "outputs",
            "links",
            "partners",
            "financing",
            "version",
            "updated_at",
            "url",
        ]

    def get_links(self, activity) -> list[str]:
        return [line.strip() for line in activity.links.splitlines() if line.strip()]

    def get_other_parties(self, activity) -> list[str]:
        return [p.code for p in activity.other_parties.all()]

    def get_actions(self, activity) -> list[str]:
        return [a.code for a in activity.actions.all()]

    def get_items(self, activity) -> list[str]:
        return [f"{i.action.code} {i.letter}" for i in activity.items.all()]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"organisation": {"type": "string"}, "role": {"type": "string"}},
            },
        }
    )
    def get_partners(self, activity):
        return [
            {"organisation": p.organisation.acronym, "role": p.role} for p in activity.partner_roles.all()
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "source": {
                        "type": "object",
                        "properties": {lang: {"type": "string"} for lang in LANGUAGES},
                    },
                    "amount": {"type": "string", "format": "decimal"},
                    "currency": {"type": "string"},
                    "funder": {"type": "string"},
                },
            },
        }
    )
    def get_financing(self, activity):
        return [
            {
                "source": {lang: text_in(line.source, "name", lang) for lang in LANGUAGES},
                "amount": f"{line.amount:.2f}",
                "currency": line.currency,
                "funder": line.funder,
            }
            for line in activity.financing_lines.all()
        ]


class MeetingSerializer(ModelSerializer):
    title = BilingualField()
    plan = serializers.SerializerMethodField()
    host = serializers.CharField(source="host.code", read_only=True, allow_null=True, default=None)
    calendar = serializers.SerializerMethodField()
    url = PageUrlField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "status",
            "title",
            "starts_at",
            "ends_at",
            "timezone",
            "city",
            "country",
            "host",
            "chair",
            "plan",
            "url",
            "calendar",
        ]

    def get_plan(self, meeting) -> str | None:
        return meeting.plan.url_slug if meeting.plan_id else None

    def get_calendar(self, meeting) -> str:
        from django.urls import reverse

        return absolute(self.context, reverse("meetings:calendar", args=[meeting.pk]))


class ReportSerializer(ModelSerializer):
    plan = serializers.CharField(source="plan.url_slug", read_only=True)
    url = PageUrlField()

    class Meta:
        model = ReportVersion
        fields = ["id", "plan", "kind", "year", "number", "language", "title", "published_at", "url"]


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.JSONField(source="data", read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "figures"]


class FinancingWriteSerializer(serializers.Serializer):
    source = serializers.CharField(
        help_text="A financing source of the plan: its name in either language, or its number."
    )
    amount = serializers.CharField(help_text="A decimal amount, e.g. 25000.00.")
    currency = serializers.CharField(help_text="ISO 4217, e.g. EUR.")
    funder = serializers.CharField(required=False, allow_blank=True, default="")


class PartnerWriteSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text="The partner organisation's acronym, e.g. IOM.")
    role = serializers.CharField(required=False, allow_blank=True, default="")


class ActivityWriteSerializer(serializers.Serializer):
    """What a client sends to create or change an activity. Only the shapes are checked here; every
    value then goes through the activity form of the page, which gives the same messages."""

    version = serializers.IntegerField(
        required=False, help_text="When changing: the version you read. A stale one is refused with 409."
    )
    title = serializers.CharField(required=False, allow_blank=True)
    party = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A Party's code; the secretariat only (a contact point's is its own).",
    )
    kind = serializers.CharField(required=False, allow_blank=True)
    status = serializers.CharField(required=False, allow_blank=True)
    state = serializers.CharField(required=False, allow_blank=True, help_text="draft or submitted.")
    actions = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Codes, e.g. I.2."
    )
    items = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Codes, e.g. I.2 b."
    )
    other_parties = serializers.ListField(child=serializers.CharField(), required=False)
    start_date = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD.")
    end_date = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="YYYY-MM-DD."
    )
    description = serializers.CharField(required=False, allow_blank=True)
    outputs = serializers.CharField(required=False, allow_blank=True)
    links = serializers.ListField(child=serializers.CharField(), required=False)
    partners = PartnerWriteSerializer(many=True, required=False)
    financing = FinancingWriteSerializer(many=True, required=False)

    def structured(self) -> dict:
        """The values as the import's structured form (actions.imports.cells_structured)."""
        v = dict(self.validated_data)
        v["links"] = "\n".join(v.get("links") or [])
        v["end_date"] = v.get("end_date") or ""
        v["financing"] = [
            (n, line["source"], line["amount"], line["currency"], line.get("funder", ""))
            for n, line in enumerate(v.get("financing") or [], start=1)
        ]
        v["partners"] = [(p["organisation"], p.get("role", "")) for p in v.get("partners") or []]
        return v
