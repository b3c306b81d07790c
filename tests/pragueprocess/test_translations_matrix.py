"""authz_matrix for the translation pages: the status page, the lists, the editor and marking texts
official are the secretariat's; everyone else signed in is refused (403, logged), anonymous visitors
are sent to sign in, and a refused request changes no text, status or revision."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from actions.models import Action
from core.models import TranslationRevision, TranslationStatus
from core.translations import text_version
from tests.factories import action
from tests.matrix import LOGIN, Matrix, Row, everyone, expect

pytestmark = pytest.mark.django_db

SECRETARIAT_ONLY = expect(LOGIN, 403, 403, 403, 403, 200)
SECRETARIAT_WRITES = expect(LOGIN, 403, 403, 403, 403, 302)


@pytest.fixture
def world(plan):
    act = action("I.2")
    state = TranslationStatus.objects.filter(
        content_type=ContentType.objects.get_for_model(Action), object_id=act.pk, field="text"
    ).first()
    return {"action": act.pk, "version": text_version(state)}


def _texts(world):
    """What a refused request must leave as it was: the text, its status and its revisions."""
    return (
        Action.objects.filter(pk=world["action"]).values_list("text_ru", flat=True).get(),
        list(TranslationStatus.objects.order_by("pk").values_list("pk", "status", "version")),
        TranslationRevision.objects.count(),
    )


def _edit(user, world):
    return {"text-ru": "Изменённый текст", "text-status": "review", "text-version": world["version"]}


def _saved(response, role, world):
    assert Action.objects.get(pk=world["action"]).text_ru == "Изменённый текст"


def _marked(response, role, world):
    state = TranslationStatus.objects.get(
        object_id=world["action"], field="text", content_type__model="action"
    )
    assert state.status == TranslationStatus.Status.OFFICIAL


MATRIX = Matrix(
    rows=[
        Row("translations", "get", "/translations/", SECRETARIAT_ONLY),
        Row("translations-kind", "get", "/translations/actions/?state=all", SECRETARIAT_ONLY),
        Row("translations-edit", "get", "/translations/actions/{action}/", SECRETARIAT_ONLY),
        Row(
            "translations-edit",
            "post",
            "/translations/actions/{action}/",
            SECRETARIAT_WRITES,
            data=_edit,
            then=_saved,
        ),
        Row(
            "translations-official",
            "post",
            "/translations/actions/official/",
            SECRETARIAT_WRITES,
            data=lambda user, world: {"text": [f"{world['action']}:text"]},
            then=_marked,
        ),
        Row(
            "translations-official",
            "get",
            "/translations/actions/official/",
            everyone(405),
        ),
    ],
    refused_keeps=_texts,
    denials_logged=True,
)


@MATRIX.parametrize
def test_authz_matrix(row, role, world, cast, client_for):
    MATRIX.check(row, role, world, cast, client_for)
