"""meetings 0006-0008: a decision's follow-up (a Party, the secretariat, the core group) becomes its
owners, the text written so far its English text; and back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0005_meeting_plan")]
AFTER = [("meetings", "0008_remove_decision_follow_up")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_follow_up_becomes_the_owners_and_back(plan):
    old = migrate(BEFORE)
    Party = old.get_model("parties", "Party")
    Meeting = old.get_model("meetings", "Meeting")
    Decision = old.get_model("meetings", "Decision")
    cz, de = Party.objects.get(code="CZ"), Party.objects.get(code="DE")
    start = datetime(2014, 10, 28, 8, 30, tzinfo=UTC)
    meeting = Meeting.objects.create(
        title="SOM Berlin", title_en="SOM Berlin", starts_at=start, ends_at=start
    )
    made = {
        "party": Decision.objects.create(
            meeting=meeting, text="Map it", follow_up="party", follow_up_party=cz
        ),
        "other": Decision.objects.create(
            meeting=meeting, text="Host it", follow_up="party", follow_up_party=de
        ),
        "secretariat": Decision.objects.create(meeting=meeting, text="Circulate it", follow_up="secretariat"),
        "core_group": Decision.objects.create(meeting=meeting, text="Draft it", follow_up="core_group"),
        "no_party": Decision.objects.create(meeting=meeting, text="Someone", follow_up="party"),
    }
    pks = {k: d.pk for k, d in made.items()}
    try:
        new = migrate(AFTER)
        Decision = new.get_model("meetings", "Decision")

        def owners(key):
            d = Decision.objects.get(pk=pks[key])
            codes = sorted(d.owner_parties.values_list("code", flat=True))
            return codes, d.owner_secretariat, d.owner_core_group, d.text_en, d.version

        assert owners("party") == (["CZ"], False, False, "Map it", 1)
        assert owners("other") == (["DE"], False, False, "Host it", 1)
        assert owners("secretariat") == ([], True, False, "Circulate it", 1)
        assert owners("core_group") == ([], False, True, "Draft it", 1)
        assert owners("no_party") == ([], True, False, "Someone", 1)  # every decision has an owner

        back = migrate(BEFORE)
        Decision = back.get_model("meetings", "Decision")
        rows = {d.pk: (d.follow_up, d.follow_up_party_id) for d in Decision.objects.all()}
        assert rows[pks["party"]] == ("party", cz.pk)
        assert rows[pks["core_group"]] == ("core_group", None)
        assert rows[pks["secretariat"]] == ("secretariat", None)
    finally:
        # Back to the latest state of every app (later migrations of meetings included).
        latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
        new = migrate(latest)
        new.get_model("meetings", "Decision").objects.filter(pk__in=pks.values()).delete()
        new.get_model("meetings", "Meeting").objects.filter(pk=meeting.pk).delete()
