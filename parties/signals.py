"""Signals other apps listen to (parties knows no other app, so it announces instead of calling)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a contact point's term has ended, inside the same transaction.
# kwargs: term (ContactPointTerm), successor (User | None): the remaining contact point of the
# Party to whom open items (drafts, registrations, reports due) pass. Apps that keep such items
# connect a receiver that reassigns them.
contact_point_term_ended = Signal()
