"""Meeting titles and agenda items in English and Russian (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import AgendaItem, Meeting, Minutes


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title",)


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title",)


@register(Minutes)
class MinutesTranslation(TranslationOptions):
    fields = ("text",)
