"""Content of this app in English and Russian (django-modeltranslation: a column per language)."""

from modeltranslation.translator import TranslationOptions, register

from .models import GeographicGroup, PartnerOrganisation, Party


@register(GeographicGroup)
class GeographicGroupTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Party)
class PartyTranslation(TranslationOptions):
    fields = ("name", "short_name")


@register(PartnerOrganisation)
class PartnerOrganisationTranslation(TranslationOptions):
    # The acronym stays one identifier in both languages (filters and exports key on it).
    fields = ("name",)
