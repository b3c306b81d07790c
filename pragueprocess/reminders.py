"""One reminder pass over every app: each app that schedules reminders has a module
`<app>.reminders` (and, for the meetings' decisions, `<app>.decision_reminders`) with
`queue_due(now)` that queues what is due into the outbox (`parties.notifications`); then the
secretariat's messages to an audience not yet queued (`pragueprocess.audience`) and the weekly
digests (`parties.digest`), and the outbox is swept. Every step is idempotent."""

from __future__ import annotations

import importlib
import importlib.util
from datetime import datetime

from django.apps import apps
from django.utils import timezone

from parties.digest import digests_queue
from parties.notifications import SendResult, notifications_send_due

from . import audience

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
    """Queue every app's due reminders and the audience mail, send the outbox (holding what people
    chose to get weekly), then queue the week's digests and send them."""
    now = now or timezone.now()
    for module in reminder_modules():
        module.queue_due(now=now)
    audience.queue_due(now=now)
    result = notifications_send_due(now=now)
    if digests_queue(now=now):
        digests = notifications_send_due(now=now)
        result.sent += digests.sent
        result.retried += digests.retried
        result.failed += digests.failed
    return result
