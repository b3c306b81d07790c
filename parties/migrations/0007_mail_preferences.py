import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0006_content_in_two_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="reason"),
        ),
        migrations.AddField(
            model_name="notification",
            name="digest",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="digested",
                to="parties.notification",
                verbose_name="sent in the digest",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="link",
            field=models.CharField(blank=True, max_length=500, verbose_name="link"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("cancelled", "Cancelled"),
                    ("skipped", "Not sent (the recipient's choice)"),
                    ("held", "Held for the weekly digest"),
                    ("digested", "Sent in a weekly digest"),
                ],
                default="pending",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="MailPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("category", models.CharField(max_length=40, verbose_name="kind of mail")),
                (
                    "mode",
                    models.CharField(
                        choices=[
                            ("immediate", "Immediately"),
                            ("digest", "In a weekly digest"),
                            ("none", "Not at all"),
                        ],
                        default="immediate",
                        max_length=20,
                        verbose_name="how",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mail_preferences",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "mail preference",
                "verbose_name_plural": "mail preferences",
                "ordering": ["user", "category"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "category"), name="parties_mailpreference_once")
                ],
            },
        ),
    ]
