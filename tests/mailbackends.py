"""An e-mail backend for tests that refuses some recipients, as a failing SMTP server would."""

from __future__ import annotations

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

REFUSED: set[str] = set()


class FlakyBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & REFUSED:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def outbox_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]
