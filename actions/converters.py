"""URL converters of the plan's pages."""

from __future__ import annotations


class NumeralConverter:
    """A priority area's numeral, Roman (any case) or Arabic as a plan writes it: `/plans/2012-2016/I/2/`,
    `/plans/2023-2027/1/2/`, but not a word (`/plans/2012-2016/evaluation/2014/`)."""

    regex = "[IVXLCivxlc]+|[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
