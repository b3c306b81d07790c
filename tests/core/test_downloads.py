"""The one CSV writer: a BOM, every cell quoted, formula starters escaped wherever a spreadsheet may
start a cell, and an import of an export gives back the same text."""

from __future__ import annotations

import csv
import io

import pytest

from core.downloads import content_disposition, csv_response, csv_safe, csv_text, csv_unsafe

ATTACK = "Border workshop;=1+41;=cmd|' /C calc'!A0;"


def _cells_a_spreadsheet_sees(line: str, separator: str) -> list[str]:
    """What Excel makes of one CSV line with `separator` as its list separator."""
    return next(csv.reader(io.StringIO(line), delimiter=separator))


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_a_title_with_separators_never_yields_a_formula_cell(separator):
    text = csv_text(["title"], [[ATTACK]])
    assert text.startswith("\ufeff")
    data_line = text.lstrip("\ufeff").splitlines()[1]
    for cell in _cells_a_spreadsheet_sees(data_line, separator):
        # a cell may begin with the quote that csv_safe put there; never with a formula starter
        assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell


def test_every_cell_is_quoted():
    text = csv_text(["a", "b"], [["plain", 12]])
    assert text.lstrip("\ufeff").splitlines() == ['"a","b"', '"plain","12"']


def test_escaping_leaves_ordinary_text_alone_and_round_trips():
    assert csv_safe("Training 2013, Prague; Vienna") == "Training 2013, Prague; Vienna"
    assert csv_safe("2012-2016") == "2012-2016"
    for value in [ATTACK, "=SUM(A1)", "-5", "a; -b", "@x,+y", "Plain"]:
        assert csv_unsafe(csv_safe(value)) == value


def test_the_streamed_response_names_its_file_and_carries_a_bom():
    response = csv_response("Účastníci.csv", ["name"], [["Česko"]])
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and '"Česko"' in body
    assert response["Content-Disposition"] == content_disposition("Účastníci.csv")
    assert "filename*=UTF-8''%C3%9A%C4%8Dastn%C3%ADci.csv" in response["Content-Disposition"]
