"""Backup and restore: the database and the uploaded files in one dated archive.

An archive (`pragueprocess-backup-<UTC time>.tar.gz`) holds:
- `manifest.json`: when, from which database engine, the row count of every table, and every
  uploaded file's name, size and SHA-256;
- `database.pgdump` (PostgreSQL: pg_dump's custom format, no owner, no privileges) or
  `database.sqlite3` (SQLite: a consistent copy through SQLite's backup API);
- `media/<name>`: every file in the default storage, read through Django's storage API, so that a
  backup works the same from local disk or an S3-compatible object store.

A restore goes into an EMPTY database (it refuses one that has tables) and writes the files through
the storage API; it then counts every table's rows and compares them with the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

FORMAT = 1


class RestoreRefused(Exception):
    """The target is not empty, or the archive is not one of ours; nothing was written."""


@dataclass
class Comparison:
    table: str
    expected: int
    found: int

    @property
    def ok(self) -> bool:
        return self.expected == self.found


def table_counts(conn=connection) -> dict[str, int]:
    """Every table's row count (Django's tables and any other in the database)."""
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _walk(storage, folder: str = ""):
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _media_names(storage) -> list[str]:
    try:
        return sorted(_walk(storage))
    except FileNotFoundError:  # a local media folder that was never created: nothing uploaded
        return []


def _pg_args(settings_dict: dict) -> tuple[list[str], dict]:
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup_create(
    *, folder: Path, now: datetime | None = None, conn=connection, storage=default_storage
) -> Path:
    """Write one dated archive of the database and the uploaded files into `folder`; return its path."""
    now = now or datetime.now(UTC)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pragueprocess-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    vendor = conn.vendor
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "engine": vendor,
        "tables": table_counts(conn),
        "media": [],
    }
    with tempfile.TemporaryDirectory() as work, tarfile.open(path.with_suffix(".tmp"), "w:gz") as tar:
        dump = Path(work) / "database"
        if vendor == "postgresql":
            args, env = _pg_args(conn.settings_dict)
            subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args,
                 "-f", str(dump), conn.settings_dict["NAME"]],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
            tar.add(dump, "database.pgdump")
        elif vendor == "sqlite":
            conn.ensure_connection()
            target = sqlite3.connect(dump)
            conn.connection.backup(target)
            target.close()
            tar.add(dump, "database.sqlite3")
        else:  # pragma: no cover - the portal runs on these two only
            raise RuntimeError(f"no backup for the {vendor} engine")
        for name in _media_names(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            manifest["media"].append(
                {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
            _add_bytes(tar, f"media/{name}", data)
        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
    path.with_suffix(".tmp").rename(path)
    return path


def _manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    except (KeyError, AttributeError, ValueError) as exc:
        raise RestoreRefused("the archive has no manifest: it is not a backup of this portal") from exc
    if manifest.get("format") != FORMAT:
        raise RestoreRefused(f"the archive's format {manifest.get('format')} is not {FORMAT}")
    return manifest


def backup_restore(*, archive: Path, conn=connection, storage=default_storage) -> list[Comparison]:
    """Restore `archive` into the (empty) database and storage; return each table's comparison."""
    with conn.cursor() as cursor:
        existing = conn.introspection.table_names(cursor)
    if existing:
        raise RestoreRefused(
            f"the database {conn.settings_dict['NAME']} already has {len(existing)} tables: restore into an empty one"
        )
    with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory() as work:
        manifest = _manifest(tar)
        if manifest["engine"] != conn.vendor:
            raise RestoreRefused(f"a {manifest['engine']} backup cannot be restored into {conn.vendor}")
        if conn.vendor == "postgresql":
            tar.extract("database.pgdump", work, filter="data")
            args, env = _pg_args(conn.settings_dict)
            conn.close()
            subprocess.run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args,
                 "-d", conn.settings_dict["NAME"], str(Path(work) / "database.pgdump")],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
        else:
            tar.extract("database.sqlite3", work, filter="data")
            conn.close()
            shutil.copyfile(Path(work) / "database.sqlite3", conn.settings_dict["NAME"])
        for entry in manifest["media"]:
            data = tar.extractfile(f"media/{entry['name']}").read()
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise RestoreRefused(f"the archive's copy of {entry['name']} is damaged")
            if storage.exists(entry["name"]):
                storage.delete(entry["name"])
            saved = storage.save(entry["name"], ContentFile(data))
            if saved != entry["name"]:  # the storage chose another name: the rows would point nowhere
                raise RestoreRefused(f"the storage saved {entry['name']} as {saved}")
    found = table_counts(conn)
    return [Comparison(t, n, found.get(t, -1)) for t, n in sorted(manifest["tables"].items())]
