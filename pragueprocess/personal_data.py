"""Everything the portal holds about the signed-in person, as one JSON download.

Gathered generically so that no table is forgotten when one is added: the person's own account row
(less its password), then every row of every model that points at them (records they created,
changed, submitted, uploaded; mail sent to them; history entries they made), then the security
log's lines under their user name. Only each row's own columns are read (no relation is followed),
with one query per model that points at a person.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.downloads import attachment
from core.models import SecurityEvent

PER_MODEL = 5_000
SECRET_FIELDS = {"password", "calendar_token", "token_hash", "key", "token", "session_key", "session_data"}


def _columns(model) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.name not in SECRET_FIELDS and not isinstance(f, models.BinaryField)
    ]


def personal_data(user) -> dict:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    account = user_model.objects.filter(pk=user.pk).values(*_columns(user_model)).get()
    data = {"exported_at": timezone.now(), "account": account, "records": {}, "security_events": []}
    for model in apps.get_models():
        if model is user_model or model._meta.app_label in {"sessions", "admin", "axes"}:
            continue
        links = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is user_model
        ]
        if not links:
            continue
        query = models.Q()
        for name in links:
            query |= models.Q(**{name: user.pk})
        rows = list(model._default_manager.filter(query).values(*_columns(model))[:PER_MODEL])
        if rows:
            data["records"][model._meta.label] = rows
    data["security_events"] = list(
        SecurityEvent.objects.filter(username=user.get_username()).values(
            "at", "event", "ip", "path", "details"
        )[:PER_MODEL]
    )
    return data


@require_GET
@login_required
def my_data(request):
    body = json.dumps(personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return attachment(response, f"my-data-{timezone.now():%Y%m%d}.json")
