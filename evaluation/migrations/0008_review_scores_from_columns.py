"""Each plan gets the five criteria of the 2012 evaluation as rows (English and a working Russian: a
Russian text without a status row is a working translation), and every response's five score and
comment columns become its ReviewScore rows, each with a "created" history entry. Reversible while
the columns exist (0009 drops them)."""

from django.db import migrations
from django.utils import timezone

CRITERIA = (
    ("relevance", "Relevance", "Релевантность"),
    ("impact", "Impact", "Воздействие"),
    ("effectiveness", "Effectiveness", "Результативность"),
    ("efficiency", "Efficiency", "Эффективность"),
    ("coherence", "External coherence", "Внешняя согласованность"),
)


def forwards(apps, schema_editor):
    ActionPlan = apps.get_model("actions", "ActionPlan")
    ReviewCriterion = apps.get_model("evaluation", "ReviewCriterion")
    ReviewResponse = apps.get_model("evaluation", "ReviewResponse")
    ReviewScore = apps.get_model("evaluation", "ReviewScore")
    HistoricalReviewScore = apps.get_model("evaluation", "HistoricalReviewScore")
    for plan in ActionPlan.objects.all():
        for order, (code, en, ru) in enumerate(CRITERIA, 1):
            ReviewCriterion.objects.get_or_create(
                plan=plan,
                code=code,
                defaults={"name": en, "name_en": en, "name_ru": ru, "order": order},
            )
    criteria = {(c.plan_id, c.code): c for c in ReviewCriterion.objects.all()}
    now = timezone.now()
    scores = []
    for response in ReviewResponse.objects.select_related("review").iterator(chunk_size=500):
        for code, _en, _ru in CRITERIA:
            scores.append(
                ReviewScore(
                    response=response,
                    criterion=criteria[(response.review.plan_id, code)],
                    score=getattr(response, f"{code}_score"),
                    comment=getattr(response, f"{code}_comment") or "",
                    created_at=response.created_at,
                    updated_at=response.updated_at,
                )
            )
    made = ReviewScore.objects.bulk_create(scores, batch_size=1000)
    HistoricalReviewScore.objects.bulk_create(
        [
            HistoricalReviewScore(
                id=s.pk,
                created_at=s.created_at,
                updated_at=s.updated_at,
                score=s.score,
                comment=s.comment,
                response_id=s.response_id,
                criterion_id=s.criterion_id,
                history_date=now,
                history_type="+",
                history_change_reason="Moved from the response's columns",
            )
            for s in made
        ],
        batch_size=1000,
    )


def backwards(apps, schema_editor):
    ReviewResponse = apps.get_model("evaluation", "ReviewResponse")
    ReviewScore = apps.get_model("evaluation", "ReviewScore")
    codes = {code for code, _en, _ru in CRITERIA}
    by_response = {}
    for s in ReviewScore.objects.select_related("criterion"):
        if s.criterion.code in codes:
            by_response.setdefault(s.response_id, {})[s.criterion.code] = s
    changed = []
    for response in ReviewResponse.objects.filter(pk__in=list(by_response)):
        for code, s in by_response[response.pk].items():
            setattr(response, f"{code}_score", s.score)
            setattr(response, f"{code}_comment", s.comment)
        changed.append(response)
    fields = [f"{c}_{part}" for c in codes for part in ("score", "comment")]
    ReviewResponse.objects.bulk_update(changed, fields, batch_size=500)
    ReviewScore.objects.all().delete()
    apps.get_model("evaluation", "ReviewCriterion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0007_review_criteria"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
