"""Mail text lives in templates: `templates/<app>/email/<name>_subject.txt` and `_body.txt`, rendered
in the recipient's language."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def mail_render(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """(subject, body) of `template` ("parties/email/invitation"), in `language`; the subject on
    one line."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return " ".join(subject.split()), body
