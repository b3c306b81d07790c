"""Queue a Celery task after the transaction commits, without ever holding the page on the broker.

The task is only a fast path: every piece of background work in the portal also has a periodic
sweep (the outbox, meeting mail, report requests) that does what a lost message left undone. So a
broker that is down is tried once, for about a second at most, logged, and forgotten.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_now(task, *args, **kwargs) -> bool:
    """Queue `task` with one quick connection attempt; False (logged) when the broker is down."""
    try:
        with task.app.connection_for_write() as conn:
            # One attempt with a one-second timeout: a refused or silent broker costs about a second.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
            task.apply_async(args=args, kwargs=kwargs, retry=False, connection=conn)
    except Exception:  # any broker or connection error: the periodic sweep picks the work up
        log.warning("broker unavailable: %s left to the periodic sweep", task.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """After commit, `enqueue_now(task, *args, **kwargs)`; nothing is queued if the transaction rolls back."""
    transaction.on_commit(lambda: enqueue_now(task, *args, **kwargs))
