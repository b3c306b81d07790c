from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """The index orders undated activities last (NULLS LAST), which SQLite cannot index: there (the
    development default) the list sorts without it, as it did before."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0003_activity_documents_partner_history"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="activity",
            index=models.Index(
                models.OrderBy(models.F("start_date"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="actions_activity_newest",
            ),
        ),
    ]
