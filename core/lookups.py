"""`AnyOf(F("pk"), ids)`: a column equal to one of a list of values, the list as one parameter.

Django's `pk__in=[…]` writes one placeholder per value; psycopg then splits and adapts each of them,
about 10 ms of Python for two queries over a Party's 500 joint activities. On PostgreSQL this is
`col = ANY(%s)` with the list bound as one array; elsewhere (SQLite, `make run`) the usual IN list.
"""

from __future__ import annotations

from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
