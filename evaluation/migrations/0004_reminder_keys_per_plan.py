from django.db import migrations


def keys_per_plan(apps, schema_editor):
    """Reminder keys name their plan now (progress:<slug>:<year>:…, review:<slug>:<kind>:…). Before,
    one plan was ever loaded: its reminders already sent keep their keys under its slug, so none is
    sent again."""
    ActionPlan = apps.get_model("actions", "ActionPlan")
    Notification = apps.get_model("parties", "Notification")
    plans = list(ActionPlan.objects.all()[:2])
    if len(plans) != 1:
        return
    slug = plans[0].slug
    for prefix in ("progress:", "review:"):
        rows = Notification.objects.filter(key__startswith=prefix).exclude(key__startswith=f"{prefix}{slug}:")
        for n in rows.only("pk", "key").iterator():
            Notification.objects.filter(pk=n.pk).update(key=f"{prefix}{slug}:{n.key[len(prefix):]}")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_mandate_prolongation"),
        ("parties", "0006_content_in_two_languages"),
        ("actions", "0008_mandate_as_adopted"),
    ]

    operations = [migrations.RunPython(keys_per_plan, migrations.RunPython.noop)]
