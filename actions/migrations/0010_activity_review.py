import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REVIEW_CHOICES = [
    ("pending", "Awaiting the secretariat's check"),
    ("checked", "Checked by the secretariat"),
    ("returned", "Returned to the Party for changes"),
]


class AddReviewColumn(migrations.AddField):
    """On SQLite (the development default) the NOT NULL column is added in place: Django would rebuild
    the table, and with it the NULLS LAST index SQLite cannot hold (migration 0004)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                "ALTER TABLE actions_activity ADD COLUMN review varchar(20) NOT NULL DEFAULT 'pending'"
            )
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute("ALTER TABLE actions_activity DROP COLUMN review")
            return
        super().database_backwards(app_label, schema_editor, from_state, to_state)


def _review_fields(model_name, *, historical):
    user = (
        models.ForeignKey(
            blank=True,
            db_constraint=False,
            null=True,
            on_delete=django.db.models.deletion.DO_NOTHING,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
            verbose_name="checked or returned by",
        )
        if historical
        else models.ForeignKey(
            blank=True,
            null=True,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="+",
            to=settings.AUTH_USER_MODEL,
            verbose_name="checked or returned by",
        )
    )
    add = migrations.AddField if historical else AddReviewColumn
    return [
        add(
            model_name=model_name,
            name="review",
            field=models.CharField(
                choices=REVIEW_CHOICES, default="pending", max_length=20, verbose_name="secretariat's check"
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="checked or returned at"),
        ),
        migrations.AddField(model_name=model_name, name="reviewed_by", field=user),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0009_activity_plan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *_review_fields("activity", historical=False),
        *_review_fields("historicalactivity", historical=True),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["party", "review"], name="actions_activity_party_review"),
        ),
        migrations.CreateModel(
            name="ActivitySettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, verbose_name="version")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "readers_checked_only",
                    models.BooleanField(
                        default=False,
                        help_text=(
                            "When on, readers see only the activities the secretariat has checked: in the "
                            "lists, the exports, the activity pages and the Party and action pages."
                        ),
                        verbose_name="readers see only checked activities",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="last changed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "activity settings",
                "verbose_name_plural": "activity settings",
                "ordering": ["pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("pk", 1)), name="actions_activitysettings_one_row"
                    )
                ],
            },
        ),
    ]
