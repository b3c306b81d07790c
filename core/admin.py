"""The admin side of the one stale-edit mechanism."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .concurrency import StaleEdit, locked_for_edit


class VersionedAdmin(admin.ModelAdmin):
    """For a `core.models.Versioned` model: the change form carries the version it was opened at;
    saving locks the row, compares, and moves the version on, so an edit in the admin and an edit
    in a portal form never silently overwrite each other (in either order)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "version" not in form.base_fields:
            form.base_fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        form.base_fields["version"].widget = forms.HiddenInput()
        form.base_fields["version"].required = False
        return form

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if "version" in fields else [*fields, "version"]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        opened = form.cleaned_data.get("version")
        with transaction.atomic():
            current = locked_for_edit(type(obj), obj.pk, opened, bump=False)
            obj.version = current.version + 1
            super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as stale:
            self.message_user(
                request,
                _(
                    "Not saved: this record was changed by someone else after you opened it "
                    "(now at version %(version)s). Reload it and make your change again."
                )
                % {"version": stale.current.version},
                level="error",
            )
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.path)
