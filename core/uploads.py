"""What an uploaded document really is, read from its content (never its name or the browser's word).

PDF, PNG, JPEG and legacy Office (OLE) files by their signatures; Office Open XML and OpenDocument
files as ZIP containers holding the members that make them what they claim. Only the ZIP directory
and the tiny ODF `mimetype` member are read, so a compressed bomb is never inflated. Each section
accepts the kinds it wants from what `document_kind` finds.
"""

from __future__ import annotations

import io
import zipfile

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
