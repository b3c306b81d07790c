"""URL converters of the plan's pages."""

from __future__ import annotations


class NumeralConverter:
    """A priority area's Roman numeral (any case): `/plans/2012-2016/I/2/` but not `/plans/2012-2016/evaluation/2014/`."""

    regex = "[IVXLivxl]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
