"""An XLSX whose shared strings inflate to far more than a workbook holds is refused from its ZIP
directory, before the workbook parser inflates anything."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from actions.exports import COLUMNS
from actions.models import Activity
from core.uploads import ARCHIVE_MAX_TOTAL, ArchiveRefused, archive_check

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook() -> bytes:
    book = Workbook()
    book.active.append(COLUMNS)
    book.active.append(["Awareness campaign", "cz"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bomb(inflated: int) -> bytes:
    """The workbook with its shared strings replaced by one string of `inflated` bytes, compressed hard."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                bomb.writestr(info, source.read(info))
        with bomb.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(inflated // len(chunk)):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return out.getvalue()


def test_a_compressed_shared_strings_bomb_is_refused_with_a_message_and_little_memory(client_for, ncp_a):
    bomb = _bomb(3 * ARCHIVE_MAX_TOTAL)
    assert len(bomb) < 2 * 1024 * 1024  # a small upload, well under the 5 MB cap
    client = client_for(ncp_a)
    tracemalloc.start()
    try:
        response = client.post("/activities/import/", {"file": SimpleUploadedFile("bomb.xlsx", bomb, XLSX)})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert "more than the 50 MB this portal opens" in response.content.decode()
    assert peak < 50 * 1024 * 1024  # nothing was inflated: the page used little memory
    assert Activity.objects.count() == 0


def test_a_member_compressed_beyond_any_real_workbook_is_refused_even_under_the_total():
    with pytest.raises(ArchiveRefused, match="compressed beyond"):
        archive_check(_bomb(ARCHIVE_MAX_TOTAL // 2))


def test_an_ordinary_workbook_passes_the_check():
    archive_check(_workbook())
