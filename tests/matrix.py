"""The permission matrix: one standing cast, one row type and one runner for every app's matrix.

A `Row` says what one request (URL name, method, path, POST body) answers for each member of the
standing cast, always in this order:

    anonymous, reader, coregroup, ncp_a, ncp_b, secretariat, partner

`ncp_a` is a contact point of Party A (CZ), `ncp_b` one of Party B (DE). Rows on a Party's
records are written on Party A, so `ncp_a` asks about its own Party and `ncp_b` about another's.
`partner` is the contact person of a partner organisation (UNHCR). It may do nothing a reader
cannot, so `expect()` gives it the reader's status unless the row says otherwise (`partner=`): every
row is run for it all the same. Rows on a partner organisation's records (its registration) are
written on UNHCR for "its own" and on another organisation for "another's".
The fixtures are those of tests/conftest.py (`cast`, `client_for`).

Each (row, role) pair is one test case: it runs in its own rolled-back transaction on the data its
module's fixture builds afresh. The runner signs in as the role, sends the request, asserts the
status and, when the answer is a refusal, that nothing the module watches has changed and (with
`denials_logged`) that a 403 or 404 wrote one line to the security log.

Every row registers its URL name in `COVERED`; tests/test_permission_coverage.py fails when a URL
name of the portal has no row.

    MATRIX = Matrix(rows=[Row("meetings:list", "get", "/meetings/", everyone(200)), ...])

    @MATRIX.parametrize
    def test_authz_matrix(row, role, world, cast, client_for):
        MATRIX.check(row, role, world, cast, client_for)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import resolve

ROLES = ("anonymous", "reader", "coregroup", "ncp_a", "ncp_b", "secretariat", "partner")
LOGIN = "login"  # a redirect (302) to the sign-in page
SIGN_IN = "/accounts/login/"
REFUSALS = frozenset({LOGIN, 401, 403, 404, 405})
DENIALS = frozenset({403, 404})  # what the security log records, one line each
SECURITY_LOG = "pragueprocess.security"

Status = int | str
Expected = dict[str, Status]
World = dict[str, Any]

# Every URL name some row covers, filled in as the matrix modules are imported.
COVERED: set[str] = set()


def expect(
    anonymous: Status,
    reader: Status,
    coregroup: Status,
    ncp_a: Status,
    ncp_b: Status,
    secretariat: Status,
    *,
    partner: Status | None = None,
) -> Expected:
    """The expected status per role, in the standing order; a partner organisation's contact person
    gets the reader's unless `partner` says otherwise."""
    partner = reader if partner is None else partner
    return dict(zip(ROLES, (anonymous, reader, coregroup, ncp_a, ncp_b, secretariat, partner), strict=True))


def everyone(status: Status) -> Expected:
    return dict.fromkeys(ROLES, status)


def members(status: Status) -> Expected:
    """Anonymous visitors are sent to sign in; every signed-in role gets `status`."""
    return {**dict.fromkeys(ROLES, status), "anonymous": LOGIN}


@dataclass(frozen=True)
class Row:
    """One request and the status each role gets for it."""

    name: str  # the URL name, with its namespace ("meetings:detail")
    method: str  # "get", "post", "put", "delete"
    url: str | Callable[[World], str]  # a path, formatted with the world: "/meetings/{m}/"
    expected: Expected
    data: dict | Callable[[Any, World], dict] | None = None  # the body; a callable takes (user, world)
    case: str = ""  # tells apart rows on the same URL name and method ("draft", "published")
    # Further checks of an allowed answer (200 or a redirect that is not to the sign-in page).
    then: Callable[[Any, str, World], None] | None = None

    def __post_init__(self) -> None:
        assert tuple(self.expected) == ROLES, f"{self.label}: give one status per role, in order"
        COVERED.add(self.name)

    @property
    def label(self) -> str:
        return "-".join(part for part in (self.name, self.method, self.case) if part)

    def path(self, world: World) -> str:
        return self.url(world) if callable(self.url) else self.url.format(**world)

    def body(self, user, world: World) -> dict:
        if callable(self.data):
            return self.data(user, world)
        return dict(self.data or {})


@dataclass
class Matrix:
    """A module's rows and what a request must leave as it was.

    `refused_keeps(world)` is read before and after every request whose expected answer is a
    refusal (sign-in redirect, 403, 404, 405): the two readings must be equal.
    `keeps(world)` is read before and after every request by a role in `keepers`, whatever it
    answers: what those roles may never change (another Party's records).
    With `denials_logged`, every 403 and 404 the matrix expects must write exactly one line to the
    security log. `unlogged` names the cases known not to write it yet ({row label: roles}): they
    are strict expected failures (`UnloggedDenial` only, so a wrong status still fails), and the
    day the denial is logged they fail until they are taken out of the list.
    """

    rows: Sequence[Row]
    refused_keeps: Callable[[World], Any] | None = None
    keeps: Callable[[World], Any] | None = None
    keepers: tuple[str, ...] = ROLES
    denials_logged: bool = False
    unlogged: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unlogged_reason: str = "this denial does not write its security log line yet"

    def __post_init__(self) -> None:
        labels = [row.label for row in self.rows]
        duplicates = {label for label in labels if labels.count(label) > 1}
        assert not duplicates, f"rows with the same name, method and case: {duplicates}"
        assert set(self.unlogged) <= set(labels), f"unknown rows: {set(self.unlogged) - set(labels)}"

    def cases(self) -> list:
        unlogged = pytest.mark.xfail(raises=UnloggedDenial, strict=True, reason=self.unlogged_reason)
        return [
            pytest.param(
                row,
                role,
                id=f"{row.label}-{role}",
                marks=[unlogged] if role in self.unlogged.get(row.label, ()) else [],
            )
            for row in self.rows
            for role in ROLES
        ]

    @property
    def parametrize(self):
        """The decorator for a module's test: one case per (row, role)."""
        return pytest.mark.parametrize(("row", "role"), self.cases())

    def names(self) -> set[str]:
        return {row.name for row in self.rows}

    def check(self, row: Row, role: str, world: World, cast: dict, client_for: Callable):
        """Send the row's request as `role`; assert the status and what must stay unchanged."""
        user, expected = cast[role], row.expected[role]
        path = row.path(world)
        # The coverage test trusts the row's name: the path must be that URL's.
        reached = resolve(path.split("?", 1)[0]).view_name
        assert reached == row.name, f"{row.label}: {path} is the URL of {reached!r}, not of {row.name!r}"
        watch_refusal = self.refused_keeps is not None and expected in REFUSALS
        watch_always = self.keeps is not None and role in self.keepers
        before = self.refused_keeps(world) if watch_refusal else None
        before_always = self.keeps(world) if watch_always else None

        client, body = client_for(user), row.body(user, world)  # signing in writes its own log line
        with _security_lines() as lines:
            response = getattr(client, row.method)(path, body)

        where = (row.label, role, path, response.status_code)
        if expected == LOGIN:
            assert response.status_code == 302, where
            assert response["Location"].startswith(SIGN_IN), (*where, response["Location"])
        else:
            assert response.status_code == expected, (*where, _excerpt(response))
            if expected == 302 and user is not None:
                # A signed-in member is never sent to sign in again.
                assert not response["Location"].startswith(SIGN_IN), (*where, response["Location"])
        if watch_refusal:
            assert self.refused_keeps(world) == before, f"{where}: a refused request changed data"
        if watch_always:
            assert self.keeps(world) == before_always, f"{where}: another Party's records changed"
        if row.then is not None and expected not in REFUSALS:
            row.then(response, role, world)
        # Last, so that a case known to miss its log line still checks everything above.
        if self.denials_logged and expected in DENIALS and len(lines) != 1:
            raise UnloggedDenial(f"{where}: a denial writes one security log line, not {lines}")
        return response


class UnloggedDenial(AssertionError):
    """A 403 or 404 that wrote no security log line (or more than one)."""


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.events: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(getattr(record, "security", {}).get("event", record.getMessage()))


@contextmanager
def _security_lines():
    """The events the security log writes while the block runs."""
    logger, handler = logging.getLogger(SECURITY_LOG), _Lines()
    logger.addHandler(handler)
    try:
        yield handler.events
    finally:
        logger.removeHandler(handler)


def _excerpt(response) -> bytes:
    return b"" if response.streaming else response.content[:300]
