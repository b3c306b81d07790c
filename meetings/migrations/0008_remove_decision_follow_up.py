# The follow-up fields, replaced by the owners (0007 moved their data).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_decision_owners_from_follow_up"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="decision",
            name="follow_up",
        ),
        migrations.RemoveField(
            model_name="decision",
            name="follow_up_party",
        ),
        migrations.RemoveField(
            model_name="historicaldecision",
            name="follow_up",
        ),
        migrations.RemoveField(
            model_name="historicaldecision",
            name="follow_up_party",
        ),
    ]
