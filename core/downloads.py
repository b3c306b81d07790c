"""CSV and download responses: one CSV writer (a BOM, formula cells escaped) and one way to name an
attachment."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from urllib.parse import quote

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so spreadsheet programs read the file as UTF-8
# A spreadsheet may split a cell at any of these, whatever the file's own separator: Excel in Czech,
# German, French or Polish settings splits at ";", others at "," or a tab, some at "|". A formula
# starter right after one of them would begin a cell of its own, so it is escaped there too.
SEPARATORS = ",;\t|\r\n"
_SEPARATOR = "[" + re.escape(SEPARATORS) + "]"
_AFTER_SEPARATOR = re.compile("(" + _SEPARATOR + r"\s*)([=+\-@])")


def csv_safe(value) -> str:
    """A cell no spreadsheet will run as a formula: a formula starter (= + - @, a tab or a carriage
    return) at the start of the text, or at the start of any part a spreadsheet may split off at a
    separator, gets a quote before it."""
    text = "" if value is None else str(value)
    text = _AFTER_SEPARATOR.sub(r"\1'\2", text)
    return "'" + text if text.startswith(FORMULA_START) else text


_ESCAPED_AFTER_SEPARATOR = re.compile("(" + _SEPARATOR + r"\s*)'([=+\-@])")


def csv_unsafe(value) -> str:
    """The text csv_safe was given: its quotes before formula starters taken away again (an import
    of an export gives back the same text)."""
    text = "" if value is None else str(value)
    if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_START:
        text = text[1:]
    return _ESCAPED_AFTER_SEPARATOR.sub(r"\1\2", text)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterable[str]:
    """The CSV file line by line: a BOM, the header, then each row, every cell through csv_safe and
    quoted, so that no separator inside a cell can split it."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield BOM
    yield writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_safe(v) for v in row])


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    return "".join(csv_lines(header, rows))


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An RFC 6266 header: an ASCII fallback and the UTF-8 name."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    kind = "inline" if inline else "attachment"
    if ascii_name == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def attachment(response: HttpResponse, filename: str, *, inline: bool = False) -> HttpResponse:
    """Name the response's body as a download."""
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """A streamed CSV download; rows are read as they are written, so memory stays flat."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    return attachment(response, filename)


def file_response(handle, filename: str, content_type: str, *, inline: bool = False) -> FileResponse:
    """A file download under the name given (FileResponse closes the handle)."""
    response = FileResponse(handle, content_type=content_type)
    return attachment(response, filename, inline=inline)
