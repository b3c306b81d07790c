"""One reminder pass over every app: each app that schedules reminders has a module
`<app>.reminders` (and, for the meetings' decisions, `<app>.decision_reminders`) with
`queue_due(now)` that queues what is due into the outbox (`parties.notifications`); then the outbox
is swept. Both steps are idempotent."""

from __future__ import annotations

import importlib
import importlib.util
from datetime import datetime

from django.apps import apps
from django.utils import timezone

from parties.notifications import SendResult, notifications_send_due

REMINDER_MODULES = ("reminders", "decision_reminders")


def reminder_modules():
    for config in apps.get_app_configs():
        if config.name == "pragueprocess":
            continue
        for name in REMINDER_MODULES:
            if importlib.util.find_spec(f"{config.name}.{name}") is not None:
                module = importlib.import_module(f"{config.name}.{name}")
                if hasattr(module, "queue_due"):
                    yield module


def reminders_run(*, now: datetime | None = None) -> SendResult:
    """Queue every app's due reminders, then send the outbox."""
    now = now or timezone.now()
    for module in reminder_modules():
        module.queue_due(now=now)
    return notifications_send_due(now=now)
