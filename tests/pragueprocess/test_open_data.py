"""The open-data bundle: what is public, dated, with its licence and data dictionary; built once a
night by beat; listed and downloadable from a public page."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.files.storage import default_storage

from evaluation.models import ReportVersion
from pragueprocess import opendata
from tests.factories import ActivityFactory, MeetingFactory, ParticipationFactory, action
from tests.matrix import Matrix, Row, everyone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _version(plan, state, number, title):
    return ReportVersion.objects.create(
        plan=plan, kind="yearly", year=2014, start_year=2014, number=number, language="en", title=title,
        data={"n": number}, html="", pdf=b"", xlsx=b"", state=state,
    )  # fmt: skip


@pytest.fixture
def world(plan, party_a, ncp_a):
    ncp_a.email = "private-person@example.org"
    ncp_a.save()
    ActivityFactory(party=party_a, title="A submitted activity", actions=[action("I.2")])
    ParticipationFactory(party=party_a, action=action("I.2"))
    MeetingFactory(title="Senior Officials' Meeting, Poznan")
    _version(plan, "published", 1, "Published report")
    _version(plan, "draft", 2, "Unpublished draft")
    return {}


def _bundle(name: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(default_storage.open(name).read()))


def test_the_bundle_holds_what_is_public_with_licence_and_dictionary(world):
    name = opendata.bundle_build(now=datetime(2026, 12, 3, 3, 0, tzinfo=UTC))
    assert name == "opendata/prague-process-open-data-2026-12-03.zip"
    bundle = _bundle(name)
    assert set(bundle.namelist()) == {
        "plans.json", "parties.json", "meetings.json", "reports.json",
        "parties.csv", "participation.csv", "meetings.csv",
        "datapackage.json", "LICENCE.txt", "README.txt",
    }  # fmt: skip
    everything = "\n".join(bundle.read(n).decode("utf-8-sig") for n in bundle.namelist())
    assert "Senior Officials' Meeting, Poznan" in everything and "Published report" in everything
    for private in (
        "A submitted activity",
        "Unpublished draft",
        "private-person@example.org",
        "@example.org",
    ):
        assert private not in everything
    plans = json.loads(bundle.read("plans.json"))
    action_i2 = next(a for a in plans[0]["areas"][0]["actions"] if a["code"] == "I.2")
    assert action_i2["text"]["ru"] and action_i2["url"].startswith("http")
    rows = list(csv.DictReader(io.StringIO(bundle.read("participation.csv").decode("utf-8-sig"))))
    assert {"plan": "2012-2016", "party": "CZ", "action": "I.2"}.items() <= rows[0].items()
    package = json.loads(bundle.read("datapackage.json"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    described = {r["path"]: r for r in package["resources"]}
    assert set(described) == set(bundle.namelist()) - {"datapackage.json", "LICENCE.txt", "README.txt"}
    fields = [f["name"] for f in described["meetings.csv"]["schema"]["fields"]]
    header = bundle.read("meetings.csv").decode("utf-8-sig").splitlines()[0].split(",")
    assert fields == header  # the dictionary names every column, in order
    assert "CC BY 4.0" in bundle.read("LICENCE.txt").decode()


def test_built_once_a_night(world):
    night = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 02:30 in Brussels
    assert opendata.bundle_nightly(now=datetime(2026, 12, 3, 0, 10, tzinfo=UTC)) is None  # 01:10: not yet
    assert opendata.bundle_nightly(now=night)
    assert opendata.bundle_nightly(now=night) is None  # a second beat
    assert opendata.bundle_nightly(now=datetime(2026, 12, 3, 9, 0, tzinfo=UTC)) is None  # later that day
    assert opendata.bundle_nightly(now=datetime(2026, 12, 4, 2, 0, tzinfo=UTC))  # the next night
    assert [b["day"] for b in opendata.bundles()] == ["2026-12-04", "2026-12-03"]


def test_a_failed_build_is_tried_again(world, monkeypatch):
    night = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)

    def broken():
        raise RuntimeError("storage full")

    monkeypatch.setattr(opendata, "files", broken)
    with pytest.raises(RuntimeError):
        opendata.bundle_nightly(now=night)
    monkeypatch.undo()
    assert opendata.bundle_nightly(now=night)


def test_only_the_last_bundles_are_kept(world, monkeypatch):
    monkeypatch.setattr(opendata, "KEEP", 2)
    for day in (1, 2, 3):
        opendata.bundle_build(now=datetime(2026, 12, day, 3, 0, tzinfo=UTC))
    assert [b["day"] for b in opendata.bundles()] == ["2026-12-03", "2026-12-02"]


def test_the_public_page_lists_and_serves_the_bundles(world, client):
    assert "No bundle has been built yet" in client.get("/open-data/").content.decode()
    opendata.bundle_build(now=datetime(2026, 12, 3, 3, 0, tzinfo=UTC))
    page = client.get("/open-data/").content.decode()
    assert "/open-data/2026-12-03.zip" in page and "CC BY 4.0" in page
    download = client.get("/open-data/2026-12-03.zip")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip() is None
    assert client.get("/open-data/2026-12-02.zip").status_code == 404
    assert client.get("/open-data/..%2Fsecret.zip").status_code == 404


def test_the_page_in_russian(world, client):
    client.cookies["django_language"] = "ru"
    page = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Открытые данные" in page


MATRIX = Matrix(
    rows=[
        Row("open-data", "get", "/open-data/", everyone(200)),
        Row("open-data", "post", "/open-data/", everyone(405)),
        Row("open-data-bundle", "get", "/open-data/2026-12-01.zip", everyone(404)),
    ]
)


@MATRIX.parametrize
def test_authz_matrix(row, role, world, cast, client_for):
    MATRIX.check(row, role, world, cast, client_for)
