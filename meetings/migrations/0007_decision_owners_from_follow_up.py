# The follow-up of each decision becomes its owners (a migration of its own: PostgreSQL refuses to
# alter a table in the transaction that has just written to it).

from django.db import migrations


def owners_from_follow_up(apps, schema_editor):
    """The follow-up becomes the owners: a Party (the follow-up Party, when one was named), the
    secretariat or the core group. The text written so far is the English one."""
    from django.db.models import F

    Decision = apps.get_model("meetings", "Decision")
    Decision.objects.update(text_en=F("text"))
    Decision.objects.filter(follow_up="secretariat").update(owner_secretariat=True)
    Decision.objects.filter(follow_up="core_group").update(owner_core_group=True)
    Owner = Decision.owner_parties.through
    Owner.objects.bulk_create(
        Owner(decision_id=pk, party_id=party_id)
        for pk, party_id in Decision.objects.filter(follow_up="party", follow_up_party__isnull=False)
        .values_list("pk", "follow_up_party_id")
        .iterator()
    )
    # A Party follow-up without its Party (the form refused it; the admin did not): the secretariat
    # follows it up, so that every decision has an owner.
    Decision.objects.filter(follow_up="party", follow_up_party__isnull=True).update(owner_secretariat=True)


def follow_up_from_owners(apps, schema_editor):
    """Back: the first owner Party, else the core group, else the secretariat."""
    Decision = apps.get_model("meetings", "Decision")
    for d in Decision.objects.prefetch_related("owner_parties"):
        party = next(iter(d.owner_parties.all()), None)
        d.follow_up = "party" if party else "core_group" if d.owner_core_group else "secretariat"
        d.follow_up_party = party
        d.save(update_fields=["follow_up", "follow_up_party"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_decision_owners_and_updates"),
    ]

    operations = [
        migrations.RunPython(owners_from_follow_up, follow_up_from_owners),
    ]
