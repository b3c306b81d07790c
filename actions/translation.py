"""The plan's text in English and Russian (django-modeltranslation: a column per language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Action, ActionItem, ActionPlan, FinancingSource, PartyName, PriorityArea


@register(ActionPlan)
class ActionPlanTranslation(TranslationOptions):
    fields = ("process", "title", "adopted_at", "adopted_place", "conference_theme")


@register(PriorityArea)
class PriorityAreaTranslation(TranslationOptions):
    fields = ("title",)


@register(Action)
class ActionTranslation(TranslationOptions):
    fields = ("text",)


@register(ActionItem)
class ActionItemTranslation(TranslationOptions):
    fields = ("text",)


@register(FinancingSource)
class FinancingSourceTranslation(TranslationOptions):
    fields = ("name",)


@register(PartyName)
class PartyNameTranslation(TranslationOptions):
    fields = ("name", "short_name")
