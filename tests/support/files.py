"""Small files of each kind the attachment checks tell apart, built in memory."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# A Windows executable and a Linux one, as they start.
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def zipped(names: list[str]) -> bytes:
    """A ZIP archive holding these (empty-ish) entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = zipped(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
XLSX = zipped(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"])
OFD = zipped(["OFD.xml", "Doc_0/Document.xml"])
ZIP = zipped(["readme.txt"])


def multipart(fields: dict[str, str], files: list[tuple[bytes, str]]) -> dict[str, Any]:
    """A multipart body and its content type, encoded in memory, as keyword arguments of the test client.

    The test client would spool a body over 500 KB to a temporary file it never closes.
    """
    parts = MultiDict([*fields.items(), *(("files", FileStorage(io.BytesIO(content), name)) for content, name in files)])
    boundary, encoded = encode_multipart(parts)
    return {"data": encoded, "content_type": f"multipart/form-data; boundary={boundary}"}
