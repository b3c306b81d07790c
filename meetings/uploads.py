"""Meeting documents: the type is read from the content, never from the name or the browser."""

from __future__ import annotations

from core.uploads import document_kind

ACCEPTED = {"pdf", "doc", "docx", "pptx", "xlsx", "odt", "odp", "ods"}


def sniff(upload) -> tuple[str, str] | None:
    """(content type, extension) of an accepted meeting document, or None."""
    found = document_kind(upload)
    return found if found and found[1] in ACCEPTED else None
