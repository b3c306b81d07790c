"""Meeting documents: the type is read from the content, never from the name or the browser."""

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


def sniff(upload) -> tuple[str, str] | None:
    """(content type, extension) of an accepted document, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head == OLE_MAGIC:
        return "application/msword", "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                for member, kind in OOXML.items():
                    if member in names and "[Content_Types].xml" in names:
                        return kind
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").strip()
                    if mimetype in ODF:
                        return mimetype.decode(), ODF[mimetype]
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        finally:
            upload.seek(0)
    return None
