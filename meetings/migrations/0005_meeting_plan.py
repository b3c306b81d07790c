"""A meeting belongs to the plan in force at its start (in its own time zone): the newest plan whose
years hold that date; none outside every plan's years."""

from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.db import migrations, models


def fill_plans(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    ActionPlan = apps.get_model("actions", "ActionPlan")
    plans = list(ActionPlan.objects.order_by("-start_year", "-pk"))
    pending = []
    for meeting in Meeting.objects.only("pk", "starts_at", "timezone").iterator():
        year = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone or "UTC")).year
        meeting.plan_id = next((p.pk for p in plans if p.start_year <= year <= p.end_year), None)
        pending.append(meeting)
    Meeting.objects.bulk_update(pending, ["plan"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0009_activity_plan"),
        ("meetings", "0004_content_in_two_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeeting",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="actions.actionplan",
                verbose_name="plan",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="meetings",
                to="actions.actionplan",
                verbose_name="plan",
            ),
        ),
        migrations.RunPython(fill_plans, migrations.RunPython.noop, elidable=True),
    ]
