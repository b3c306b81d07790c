"""What an uploaded document really is, read from its content (never its name or the browser's word).

PDF, PNG, JPEG and legacy Office (OLE) files by their signatures; Office Open XML and OpenDocument
files as ZIP containers holding the members that make them what they claim. Only the ZIP directory
and the tiny ODF `mimetype` member are read, so a compressed bomb is never inflated. Each section
accepts the kinds it wants from what `document_kind` finds.
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from datetime import timedelta

from django.core import signing
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML = {
    "word/document.xml": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    "xl/workbook.xml": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.presentation": "odp",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


# A ZIP container (XLSX, DOCX, ODF …) is judged by its central directory before any member is
# inflated: a few megabytes can declare gigabytes (one highly compressed shared-strings part took
# 101 s of CPU and 2.5 GB in the workbook parser). The directory's sizes are what the parser would
# inflate, and zipfile refuses to inflate a member past its declared size, so checking them bounds it.
ARCHIVE_MAX_MEMBERS = 1_000
ARCHIVE_MAX_TOTAL = 50 * 1024 * 1024  # uncompressed, all members together
ARCHIVE_MAX_RATIO = 200  # uncompressed / compressed, per member of any size worth inflating


class ArchiveRefused(ValueError):
    """The container is not safe to open; the message says why, in the user's words."""


def archive_check(
    upload,
    *,
    max_members: int = ARCHIVE_MAX_MEMBERS,
    max_total: int = ARCHIVE_MAX_TOTAL,
    max_ratio: int = ARCHIVE_MAX_RATIO,
) -> None:
    """Raise ArchiveRefused unless the ZIP's directory promises a reasonable inflation.

    Reads only the central directory (no member is inflated). `upload` is a file or bytes."""
    from django.utils.translation import gettext as _

    source = io.BytesIO(upload) if isinstance(upload, bytes | bytearray) else upload
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise ArchiveRefused(_("The file is not a readable archive.")) from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if len(members) > max_members:
        raise ArchiveRefused(_("The file holds too many parts to be opened safely."))
    total = sum(m.file_size for m in members)
    if total > max_total:
        raise ArchiveRefused(
            _("The file would unpack to %(size)s MB, more than the %(limit)s MB this portal opens.")
            % {"size": total // (1024 * 1024), "limit": max_total // (1024 * 1024)}
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > max_ratio * max(member.compress_size, 1):
            raise ArchiveRefused(_("The file is compressed beyond what a real workbook or document is."))


def document_kind(upload) -> tuple[str, str] | None:
    """(content type, extension) of a recognised document, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head == OLE_MAGIC:
        return "application/msword", "doc"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for member, kind in OOXML.items():
                    if member in names:
                        return kind
            if "mimetype" in names and "content.xml" in names and archive.getinfo("mimetype").file_size < 100:
                mimetype = archive.read("mimetype").strip()
                if mimetype in ODF:
                    return mimetype.decode(), ODF[mimetype]
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    return None


# The extension each checked kind is served under (document_kind's content types).
EXTENSION_OF = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/msword": "doc",
    **{content_type: extension for content_type, extension in OOXML.values()},
    **{mimetype.decode(): extension for mimetype, extension in ODF.items()},
}


def download_name(name: str, content_type: str) -> str:
    """The name a document is served under: its own, with the extension of the kind its content was
    checked to be (a PDF named `Agenda.bat` or `minutes.hta` goes out as `Agenda.pdf`, `minutes.pdf`),
    without path parts or control characters."""
    extension = EXTENSION_OF.get(content_type, "bin")
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip(" .")
    stem, dot, current = base.rpartition(".")
    if dot and stem and current.isalnum() and len(current) <= 5:
        base = stem
    return f"{base or 'document'}.{extension}"


# --- pending uploads: a file kept across a form that did not validate ----------------------------
# A browser cannot be told to choose a file again, so a file that was valid on a post that failed
# for another reason is kept in the default storage under a random name, and the page carries a
# signed token for it. The token names the user it was kept for: another person's token, an edited
# one or an old one opens nothing.

PENDING_DIR = "pending"
PENDING_SALT = "core.uploads.pending"
PENDING_MAX_AGE = 24 * 3600


def pending_keep(upload, *, user_id: int, content_type: str) -> dict:
    """Store `upload` as a pending upload of user `user_id`: {"token", "name"} for the page."""

    pending_tidy()
    upload.seek(0)
    stored = default_storage.save(f"{PENDING_DIR}/{secrets.token_hex(16)}", upload)
    upload.seek(0)
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][-200:]
    token = signing.dumps({"u": user_id, "f": stored, "n": name, "t": content_type}, salt=PENDING_SALT)
    return {"token": token, "name": name}


def pending_open(token: str, *, user_id: int):
    """The pending upload the token names, as an open file with `name`, `size`, `sniffed_type` and
    `pending_name` (its stored name, for `pending_discard`); None when the token is not one signed
    here for this user, is older than a day, or its file is gone."""

    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("u") != user_id:
        return None
    stored = str(data.get("f", ""))
    if not re.fullmatch(rf"{PENDING_DIR}/[0-9a-f]{{32}}(_[A-Za-z0-9]+)?", stored):
        return None
    try:
        handle = default_storage.open(stored, "rb")
    except (FileNotFoundError, OSError):
        return None
    upload = File(handle, name=str(data.get("n") or "document"))
    upload.sniffed_type = str(data.get("t", ""))
    upload.pending_name = stored
    upload.pending_token = token
    return upload


def pending_discard(uploads) -> None:
    """Delete the stored files of pending uploads once they are saved for good (or dropped)."""

    for upload in uploads:
        stored = getattr(upload, "pending_name", None)
        if stored:
            upload.close()
            default_storage.delete(stored)


def stale_files_delete(folder: str, max_age_seconds: int) -> None:
    """Files of a storage folder older than `max_age_seconds` go (pending uploads, previewed imports)."""
    try:
        _dirs, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    stale = timezone.now() - timedelta(seconds=max_age_seconds)
    for name in names:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < stale:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def pending_tidy() -> None:
    """Pending uploads older than a day go: their tokens no longer open them anyway."""
    stale_files_delete(PENDING_DIR, PENDING_MAX_AGE)
