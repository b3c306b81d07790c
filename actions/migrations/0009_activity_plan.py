"""Every activity belongs to a plan: existing rows take their actions' plan, else the plan whose years
hold their start date, else the current plan (the newest)."""

import django.db.models.deletion
from django.db import migrations, models

HELP = "The plan in force at the activity's dates: its actions, items and financing sources."


def fill_plans(apps, schema_editor):
    Activity = apps.get_model("actions", "Activity")
    ActionPlan = apps.get_model("actions", "ActionPlan")
    plans = list(ActionPlan.objects.order_by("-start_year", "-pk"))
    if not plans:
        return
    through = Activity.actions.through
    by_activity = {}
    for activity_id, plan_id in through.objects.order_by("-action__area__plan__start_year").values_list(
        "activity_id", "action__area__plan_id"
    ):
        by_activity.setdefault(activity_id, plan_id)  # the newest plan among its actions

    def in_force(day):
        if day is None:
            return None
        return next((p.pk for p in plans if p.start_year <= day.year <= p.end_year), None)

    pending = []
    for activity in Activity.objects.filter(plan__isnull=True).only("pk", "start_date").iterator():
        activity.plan_id = by_activity.get(activity.pk) or in_force(activity.start_date) or plans[0].pk
        pending.append(activity)
        if len(pending) == 2000:
            Activity.objects.bulk_update(pending, ["plan"])
            pending = []
    Activity.objects.bulk_update(pending, ["plan"])
    if schema_editor.connection.vendor == "postgresql":
        # The foreign keys just written are checked now, so that the column can be made NOT NULL
        # in the same transaction ("pending trigger events" otherwise).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class AlterFieldOnPostgreSQL(migrations.AlterField):
    """NOT NULL in the database on PostgreSQL. SQLite (the development default) would rebuild the
    table to change the column, and with it the NULLS LAST index it cannot hold (migration 0004);
    there the column stays nullable in the database, while the model requires a plan all the same."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0008_mandate_as_adopted"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="plan",
            field=models.ForeignKey(
                null=True,
                help_text=HELP,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="actions.actionplan",
                verbose_name="plan",
            ),
        ),
        migrations.AddField(
            model_name="historicalactivity",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=HELP,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="actions.actionplan",
                verbose_name="plan",
            ),
        ),
        migrations.RunPython(fill_plans, migrations.RunPython.noop, elidable=True),
        AlterFieldOnPostgreSQL(
            model_name="activity",
            name="plan",
            field=models.ForeignKey(
                help_text=HELP,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="actions.actionplan",
                verbose_name="plan",
            ),
        ),
    ]
