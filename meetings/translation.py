"""Meeting titles, agenda items and decision texts in English and Russian (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import AgendaItem, Decision, Meeting, Minutes


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title",)


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title",)


@register(Decision)
class DecisionTranslation(TranslationOptions):
    fields = ("text",)


@register(Minutes)
class MinutesTranslation(TranslationOptions):
    fields = ("text",)
