"""Helpers for the activity tests: a POST body as the form sends it, small valid files, a media root."""

from __future__ import annotations

import io
import zipfile

import pytest

from actions.models import FinancingSource
from parties.models import Party
from tests.factories import action


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# The page's buttons: "Save draft" posts action=draft, "Submit" (or "Save" once submitted) action=submit.
BUTTONS = {"draft": "draft", "submitted": "submit"}


def activity_post(*, lines: list[dict] | None = None, partners: list[dict] | None = None, **fields) -> dict:
    """What the activity form posts: the fields, the actions and items as pks, both formsets, and the
    button pressed for the state given (`state=`, submitted unless said); a state no button gives
    (archived, junk) is posted as the `state` field, as an older page or a script would."""
    state = fields.pop("state", "submitted")
    data = {
        "title": "Training for border guards",
        "party": str(Party.objects.get(code="CZ").pk),  # read only for the secretariat
        "kind": "training",
        "status": "ongoing",
        "actions": [str(action("I.2").pk)],
        "start_date": "2013-04-01",
        "end_date": "2013-06-30",
        "description": "A week of training on document fraud.",
        "outputs": "40 officers trained",
        "links": "",
    }
    if state in BUTTONS:
        data["action"] = BUTTONS[state]
    else:
        data["state"] = state
    data.update(fields)
    lines = lines or []
    data.update(management("financing", len(lines)))
    for n, line in enumerate(lines):
        line = {"currency": "EUR", "funder": "", **line}
        if "source" not in line:
            line["source"] = FinancingSource.objects.order_by("order").first().pk
        for key, value in line.items():
            data[f"financing-{n}-{key}"] = str(value)
    partners = partners or []
    data.update(management("partners", len(partners)))
    for n, row in enumerate(partners):
        for key, value in row.items():
            data[f"partners-{n}-{key}"] = str(value)
    return data


def edit_post(activity, **fields) -> dict:
    """The edit form as the page would post it for `activity`, with `fields` changed."""
    lines = [
        {
            "id": ln.pk,
            "source": ln.source_id,
            "amount": ln.amount,
            "currency": ln.currency,
            "funder": ln.funder,
        }
        for ln in activity.financing_lines.order_by("pk")
    ]
    state = fields.pop("state", activity.state)
    data = activity_post(
        title=activity.title,
        party=str(activity.party_id),
        kind=activity.kind,
        status=activity.status,
        state=state,
        actions=[str(a.pk) for a in activity.actions.all()],
        items=[str(i.pk) for i in activity.items.all()],
        start_date=activity.start_date.isoformat() if activity.start_date else "",
        end_date=activity.end_date.isoformat() if activity.end_date else "",
        description=activity.description,
        outputs=activity.outputs,
        links=activity.links,
        version=str(activity.version),
        lines=lines,
    )
    data.update(management("financing", len(lines), initial=len(lines)))
    data.update(fields)
    return data


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
