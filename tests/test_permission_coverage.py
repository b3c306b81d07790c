"""Every URL name of the portal has a row in a permission matrix (tests/matrix.py).

The rows register the URL names they cover as their modules are imported; this test imports every
test module that uses the harness, walks the whole URL configuration, namespaces included, and names
each URL name that no row covers. A new page cannot ship without saying who may open it.
"""

from __future__ import annotations

import importlib
import itertools
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.matrix import COVERED, ROLES, Matrix, Row, everyone

TESTS = Path(__file__).resolve().parent

# Namespaces that are not the portal's own pages.
# - admin: Django's admin; its own check (the secretariat only) guards every page it adds, six for
#   each registered model. The site matrix (tests/pragueprocess/test_site_permissions.py) tries its
#   door and one of its lists, as tests/pragueprocess/test_accounts_and_admin.py does.
NOT_PORTAL_NAMESPACES = frozenset({"admin"})

# URL names that are not portal pages (the README's Pages table does not list them).
NOT_PORTAL_NAMES = {
    # The floor of `make bench`: the benchmark's measuring stick (one indexed query, no page, the
    # short name of a Party, which is public), not a page of the portal; it is to be served only
    # while the bench runs.
    "bench-floor",
}


def _url_names(patterns, namespace: str = "", skip: frozenset[str] = NOT_PORTAL_NAMESPACES) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in skip:
                continue
            names |= _url_names(pattern.url_patterns, inner, skip)
        # Django's static and media helpers add unnamed patterns; every page of ours has a name.
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def portal_url_names() -> set[str]:
    return _url_names(get_resolver().url_patterns) - NOT_PORTAL_NAMES


def every_url_name() -> set[str]:
    """Every named URL, the admin's included: what a row may name."""
    return _url_names(get_resolver().url_patterns, skip=frozenset())


def _load_every_matrix() -> None:
    """Import every test module that builds rows, so that each registers the URL names it covers."""
    for path in sorted(TESTS.rglob("test_*.py")):
        if path == Path(__file__).resolve() or "from tests.matrix import" not in path.read_text():
            continue
        importlib.import_module(".".join(path.relative_to(TESTS.parent).with_suffix("").parts))


def test_every_url_name_of_the_portal_has_a_row_in_a_permission_matrix():
    _load_every_matrix()
    missing = portal_url_names() - COVERED
    assert not missing, f"URL names no permission-matrix row covers: {sorted(missing)}"


def test_every_matrix_row_names_a_url_of_the_portal():
    _load_every_matrix()
    unknown = COVERED - every_url_name()
    assert not unknown, f"matrix rows for URL names the portal does not have: {sorted(unknown)}"


def test_the_walk_sees_namespaced_and_plain_url_names():
    """The walk itself: it reaches into namespaces and keeps names without one."""
    names = portal_url_names()
    assert {"home", "login", "meetings:register", "evaluation:progress-edit", "parties:detail"} <= names
    assert not any(name.startswith("admin:") for name in names)


@pytest.fixture
def _registry_kept():
    """Rows made by the tests below register their names too: take them back out afterwards."""
    before = set(COVERED)
    yield
    COVERED.intersection_update(before)


@pytest.mark.django_db
@pytest.mark.usefixtures("_registry_kept")
def test_a_row_cannot_claim_a_url_name_its_path_does_not_reach(cast, client_for):
    """The coverage above trusts the rows' names, so the runner checks each against its path."""
    row = Row("home", "get", "/plan/", everyone(200))
    with pytest.raises(AssertionError, match="is the URL of 'actions:plan', not of 'home'"):
        Matrix(rows=[row]).check(row, "anonymous", {}, cast, client_for)


@pytest.mark.django_db
@pytest.mark.usefixtures("_registry_kept")
def test_a_refused_request_that_changed_what_the_matrix_watches_fails(cast, client_for):
    readings = itertools.count()  # a different reading each time: as if the request had written
    row = Row("healthz", "post", "/healthz", everyone(405))
    with pytest.raises(AssertionError, match="a refused request changed data"):
        Matrix(rows=[row], refused_keeps=lambda world: next(readings)).check(
            row, "reader", {}, cast, client_for
        )


@pytest.mark.django_db
def test_the_cast_stands_in_the_matrix_order(cast):
    assert tuple(cast) == ROLES
    assert cast["anonymous"] is None
    assert cast["ncp_a"].party.code == "CZ" and cast["ncp_b"].party.code == "DE"
