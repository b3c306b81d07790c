"""Signals of the plan's own data, for the floors above to act on without actions importing them."""

from django.dispatch import Signal

# Sent by plan_data.plan_load inside its transaction, after the file's rows (and Russian texts) are
# written: `sender` is ActionPlan, with `plan` (the loaded ActionPlan), `data` (the validated plan
# file), `translation_data` (the Russian file or None) and `source`. A receiver writes what its own
# app keeps of the file (evaluation: the review criteria); raising PlanDataError refuses the whole
# load. Receivers must be idempotent: a plan file is loaded again and again.
plan_loaded = Signal()
