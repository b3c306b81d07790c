"""The standing cast and the plan, for every test.

Tests run against PostgreSQL and Redis (DATABASE_URL, CELERY_BROKER_URL; `make test` sets both).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DEBUG", "True")  # development settings, for the subprocesses the tests start too
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached figures must not outlive a test's rolled-back data."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_to_begin_with():
    """Each test starts in English: a Russian page requested by an earlier test leaves its language
    active in this thread, and content assigned by field name goes to the active language's column."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # Cached figures show every write at once here; their freshness window has its own test
    # (tests/core/test_figures.py).
    settings.FIGURES_FRESH_SECONDS = 0


def _load_the_plan():
    from actions.models import ActionPlan
    from actions.plan_data import (
        DEFAULT_PLAN_FILE,
        plan_load,
        read_plan_file,
        read_translation_file,
        translation_file_for,
    )

    ru = translation_file_for(DEFAULT_PLAN_FILE)
    data = read_plan_file(DEFAULT_PLAN_FILE)
    plan_load(data=data, translation_data=read_translation_file(ru), source=ru.name)
    return ActionPlan.objects.get(slug=data["plan"]["slug"])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The plan is loaded once into the test database, committed: each test's transaction then rolls
    back to it instead of loading it again (about 1.4 s a test). pytest-django runs the transactional
    tests last; the first of them flushes the tables, and from then on the `plan` fixture loads it
    again for each test that asks (committed, then flushed with the test)."""
    with django_db_blocker.unblock():
        _load_the_plan()  # idempotent: with --reuse-db it brings a kept database up to the data file


@pytest.fixture
def plan(db):
    """The Action Plan and its 52 Parties, loaded from the repository's data file with its Russian."""
    from actions.models import ActionPlan

    existing = ActionPlan.objects.first()
    if existing is not None:
        return existing
    return _load_the_plan()


@pytest.fixture
def party_a(plan):
    from parties.models import Party

    return Party.objects.get(code="CZ")


@pytest.fixture
def party_b(plan):
    from parties.models import Party

    return Party.objects.get(code="DE")


@pytest.fixture
def ncp_a(party_a):
    from tests.factories import UserFactory

    return UserFactory(username="ncp-a", role="contact_point", party=party_a)


@pytest.fixture
def ncp_b(party_b):
    from tests.factories import UserFactory

    return UserFactory(username="ncp-b", role="contact_point", party=party_b)


@pytest.fixture
def secretariat(plan):
    from tests.factories import UserFactory

    return UserFactory(username="sec", role="secretariat")


@pytest.fixture
def reader(plan):
    from tests.factories import UserFactory

    return UserFactory(username="rdr", role="reader")


@pytest.fixture
def coregroup(plan):
    from tests.factories import UserFactory

    return UserFactory(username="core", role="core_group")


@pytest.fixture
def partner_a(plan):
    """UNHCR, as the plan's data file lists it."""
    from parties.models import PartnerOrganisation

    return PartnerOrganisation.objects.get(acronym="UNHCR")


@pytest.fixture
def partner_b(plan):
    """Frontex: another partner organisation."""
    from parties.models import PartnerOrganisation

    return PartnerOrganisation.objects.get(acronym="Frontex")


@pytest.fixture
def partner(partner_a):
    """The contact person of partner organisation A (UNHCR)."""
    from tests.factories import UserFactory

    return UserFactory(username="partner-a", role="partner", partner_organisation=partner_a)


@pytest.fixture
def cast(ncp_a, ncp_b, secretariat, reader, coregroup, partner):
    """Every role by name, plus None for the anonymous visitor, in the permission matrix's order."""
    return {
        "anonymous": None,
        "reader": reader,
        "coregroup": coregroup,
        "ncp_a": ncp_a,
        "ncp_b": ncp_b,
        "secretariat": secretariat,
        "partner": partner,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as that user (None: anonymous). A secretariat
    member signs in with a verified second factor, as the portal requires of them; the tests of the
    unverified case sign in with force_login alone."""
    from django.test import Client

    from parties.two_factor import client_verified

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
            client_verified(c, user)
        return c

    return make


def point_celery_at(url: str, *, purge: bool = False) -> None:
    """Send Celery's app to another broker with a fresh connection pool (a closed pool cannot be reused)."""
    from kombu import pools

    from pragueprocess.celery import app

    app.conf.broker_url = app.conf.broker_write_url = url
    # kombu keeps one pool per connection URL process-wide, and a worker's shutdown closes it.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    if purge:
        app.control.purge()  # messages left in Redis by earlier tests would only delay a test's worker
