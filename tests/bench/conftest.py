from __future__ import annotations

import importlib

import pytest
from django.urls import clear_url_caches


def reload_urls() -> None:
    import pragueprocess.urls

    importlib.reload(pragueprocess.urls)
    clear_url_caches()


@pytest.fixture(autouse=True)
def bench_floor(settings):
    """The bench's environment: /bench/floor is routed (BENCH_FLOOR), as bench/run.py sets it."""
    settings.BENCH_FLOOR = True
    reload_urls()
    yield
    settings.BENCH_FLOOR = False
    reload_urls()
