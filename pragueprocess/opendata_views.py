"""`/open-data/`: the public page of the open-data bundles, and each bundle's download."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.downloads import file_response

from . import opendata


@require_GET
def open_data(request):
    return render(
        request,
        "pragueprocess/open_data.html",
        {"bundles": opendata.bundles(), "files": opendata.JSON_FILES, "fields": opendata.FIELDS},
    )


@require_GET
def open_data_bundle(request, day: str):
    name = f"{opendata.PREFIX}{day}.zip"
    if not opendata.NAME.match(name) or not default_storage.exists(f"{opendata.FOLDER}/{name}"):
        raise Http404
    return file_response(default_storage.open(f"{opendata.FOLDER}/{name}", "rb"), name, "application/zip")
