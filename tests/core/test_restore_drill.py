"""restore_drill: back up, restore into a fresh database, compare every table's row count, and serve
a Party page and a document download from the restored copy."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from actions.models import ActivityDocument
from core.backup import table_counts
from tests.factories import ActivityFactory

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n% restore drill\n" + os.urandom(2048) + b"\n%%EOF\n"

pytestmark = pytest.mark.django_db(transaction=True)


def _admin_dsn() -> str:
    s = connection.settings_dict
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname=postgres" + (
        f" password={s['PASSWORD']}" if s.get("PASSWORD") else ""
    )


def _url(name: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _manage(*args: str, database: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url(database), "MEDIA_ROOT": str(media), "DEBUG": "True"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def fresh_database():
    name = f"restore_drill_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SERVE = """
import hashlib, json
from django.test import Client
from parties.models import User
from actions.models import ActivityDocument
c = Client()
c.force_login(User.objects.get(username="ncp-a"))
party = c.get("/parties/cz/")
doc = ActivityDocument.objects.get()
download = c.get(f"/activities/{doc.activity_id}/documents/{doc.pk}/")
body = b"".join(download.streaming_content) if download.streaming else download.content
print(json.dumps({"party": party.status_code, "party_page": party.content.decode(),
                  "download": download.status_code, "sha256": hashlib.sha256(body).hexdigest()}))
"""


def test_restore_drill(plan, party_a, ncp_a, settings, tmp_path, fresh_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    activity = ActivityFactory(party=party_a, title="Restore drill: training in Brno", state="submitted")
    document = ActivityDocument(
        activity=activity, original_name="minutes.pdf", content_type="application/pdf", size=len(PDF),
        uploaded_by=ncp_a,
    )  # fmt: skip
    document.file.save("x", ContentFile(PDF), save=False)
    document.save()
    before = table_counts()

    call_command("backup", output=tmp_path / "backups")
    (archive,) = (tmp_path / "backups").glob("pragueprocess-backup-*.tar.gz")

    restored_media = tmp_path / "restored-media"
    restore = _manage("restore", str(archive), database=fresh_database, media=restored_media)
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "every row count matches" in restore.stdout

    with psycopg.connect(_admin_dsn().replace("dbname=postgres", f"dbname={fresh_database}")) as restored:
        after = {table: restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in before}
    assert after == before
    assert before["actions_activity"] >= 1 and before["parties_party"] == 52

    served = _manage("shell", "-c", SERVE, database=fresh_database, media=restored_media)
    assert served.returncode == 0, served.stderr
    result = json.loads(served.stdout.strip().splitlines()[-1])
    assert result["party"] == 200 and "Restore drill: training in Brno" in result["party_page"]
    assert result["download"] == 200 and result["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_restore_refuses_a_database_that_is_not_empty(plan, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", output=tmp_path)
    (archive,) = tmp_path.glob("pragueprocess-backup-*.tar.gz")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="restore into an empty one"):
        call_command("restore", str(archive))
