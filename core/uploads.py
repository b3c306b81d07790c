"""What an uploaded document really is, read from its content (never its name or the browser's word).

PDF, PNG, JPEG and legacy Office (OLE) files by their signatures; Office Open XML and OpenDocument
files as ZIP containers holding the members that make them what they claim. Only the ZIP directory
and the tiny ODF `mimetype` member are read, so a compressed bomb is never inflated. Each section
accepts the kinds it wants from what `document_kind` finds.
"""

from __future__ import annotations

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
