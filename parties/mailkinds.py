"""Every kind of mail the outbox carries, in one table: its category, and whether it always goes.

`Notification.kind` names why a mail exists ("meeting.before"); `KINDS` maps each kind to a
category. Essential categories (deadlines, invitations, cancellations, one's account, the
secretariat's own messages) always go out. For each optional category a person chooses, on their
details page, to get the mail immediately, in a weekly digest or not at all (`parties.mailprefs`);
optional mail carries a one-click List-Unsubscribe (RFC 8058).

Django's password reset is the one mail sent outside the outbox (pragueprocess.accounts: a live reset
link is never stored); it is account mail, essential, and carries the same automatic-mail headers.

A new kind of mail is one line in `KINDS`. `notification_queue` refuses a kind that is not in the
table, so the tests of whatever queues it fail until the line is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    code: str
    label: Promise
    essential: bool
    description: Promise | str = ""


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in [
        # essential: always sent, no List-Unsubscribe
        Category("account", _("Your account"), True, _("Invitations to the portal, changes of your e-mail address, the yearly check of your details")),
        Category("deadlines", _("Deadlines"), True, _("Progress reports and review questionnaires due, registration deadlines")),
        Category("meetings", _("Meeting invitations and cancellations"), True),
        Category("secretariat", _("From the secretariat"), True, _("Messages the secretariat writes to the contact points, a group or a meeting")),
        Category("digest", _("Your weekly digest"), True),
        # optional: immediately, weekly digest or none, per person
        Category("meeting_reminders", _("Meeting reminders"), False, _("A meeting you are invited to begins in a few days")),
        Category("minutes_reminders", _("Minutes still missing"), False, _("A meeting ended and its minutes are not in the portal yet (the secretariat)")),
        Category("conversations", _("Conversations on your records"), False, _("A message on one of your Party's activities or progress reports (or, for the secretariat, from a Party)")),
    ]
}  # fmt: skip

# kind -> category. One line per kind of mail.
KINDS: dict[str, str] = {
    "invitation": "account",  # parties.services.invitation_create
    "email_changed": "account",  # parties.services: to the old address
    "ncp-confirm": "account",  # parties.reminders: the yearly check of one's details
    "meeting.invitation": "meetings",  # meetings.reminders
    "meeting.cancelled": "meetings",
    "meeting.minutes_approved": "meetings",  # meetings.minutes: approved minutes to the participants
    "meeting.deadline": "deadlines",  # the registration deadline in 3 days
    "meeting.before": "meeting_reminders",  # 30/7/1 days before
    "meeting.minutes": "minutes_reminders",
    "decision.before": "deadlines",  # meetings.decision_reminders: a decision falls due in 14 days
    "decision.overdue": "deadlines",  # and once when it is overdue  # to the secretariat, 3 and 7 days after
    "progress_reminder": "deadlines",  # evaluation.reminders
    "review_reminder": "deadlines",
    "audience": "secretariat",  # pragueprocess.audience: the secretariat writes to an audience
    "mail.digest": "digest",  # parties.digest: the weekly digest itself
    "thread_message": "conversations",  # parties.threads: a message on an activity or progress report
}


class UnknownMailKind(ValueError):
    pass


def category_of(kind: str) -> Category:
    """The kind's category; UnknownMailKind for a kind missing from `KINDS`."""
    try:
        return CATEGORIES[KINDS[kind]]
    except KeyError:
        raise UnknownMailKind(f"mail kind {kind!r} is not in parties.mailkinds.KINDS: add its line") from None


def is_essential(kind: str) -> bool:
    """Essential mail always goes. A kind unknown at send time (a row written before its line was
    removed) is treated as essential: mail is never dropped by accident."""
    code = KINDS.get(kind)
    return code is None or CATEGORIES[code].essential


def optional_categories() -> list[Category]:
    """The categories a person may steer, in the table's order."""
    return [c for c in CATEGORIES.values() if not c.essential]


def kinds_of(category: str) -> list[str]:
    return [kind for kind, code in KINDS.items() if code == category]
