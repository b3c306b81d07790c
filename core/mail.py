"""Mail text lives in templates: `templates/<app>/email/<name>_subject.txt` and `_body.txt`, rendered
in the recipient's language (every app's mail goes through `mail_render`)."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import translation


def mail_render(template: str, context: dict | Callable[[], dict], *, language: str) -> tuple[str, str]:
    """(subject, body) of `template` ("parties/email/invitation"), in `language`; the subject on
    one line. `context` may be a function, called in that language (for translated values in it)."""
    with translation.override(language):
        if callable(context):
            context = context()
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_body.txt", context)
    return " ".join(subject.split()), body
