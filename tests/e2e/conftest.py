"""Browser journeys: pytest-django's live_server driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get update && apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def e2e_plan(transactional_db):
    """The plan and the demo accounts, in a database the live server can see."""
    from django.core.management import call_command

    from actions.plan_data import DEFAULT_PLAN_FILE, plan_load, read_plan_file
    from parties import demo

    plan_load(data=read_plan_file(DEFAULT_PLAN_FILE))
    import random

    demo.seed(rng=random.Random(1), scale=0, password="e2e-password-123")
    from parties import two_factor
    from parties.models import User

    two_factor.TOTPDevice.objects.create(  # the demo's known key (seed_demo sets it with DEBUG=True)
        user=User.objects.get(username="secretariat"),
        name="demo",
        key=two_factor.demo_secret_hex(),
        confirmed=True,
    )
    del call_command
    from actions.models import ActionPlan

    return ActionPlan.objects.get()


def sign_in(page, username: str, password: str = "e2e-password-123") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if "/accounts/two-factor/" in page.url:  # the secretariat's second factor
        from parties import two_factor
        from parties.models import User

        device = two_factor.totp_device(User.objects.get(username=username))
        # a code is accepted once: a second sign-in within the same 30 s is given the same one again
        two_factor.TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        page.get_by_label("Code").fill(two_factor.current_code(device))
        page.get_by_role("button", name="Verify").click()
