"""The evaluation's content in English and Russian (django-modeltranslation: a column per language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import ReportConclusions, ReviewCriterion


@register(ReviewCriterion)
class ReviewCriterionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ReportConclusions)
class ReportConclusionsTranslation(TranslationOptions):
    fields = ("conclusions", "recommendations")
