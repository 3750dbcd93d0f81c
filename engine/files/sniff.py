"""What a file is, told by its content and never by its name; and a file name made safe to keep and show.

The accepted kinds are few and each has an exact signature, and the containers (OOXML, OFD, ZIP) are told apart
by the names in their central directory, which zipfile reads without decompressing anything.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import PurePosixPath

from engine.errors import FormInvalid

MAX_NAME = 200
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Plain signatures at the start of the file.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
# OLE compound files (WPS and ET of WPS Office, and the older Word and Excel files) share one container; the name's
# suffix only chooses among those the content already proved, so a renamed file is still refused or labelled safely.
OLE_TYPES = {
    ".wps": "application/kswps", ".et": "application/kset",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
}
OLE_DEFAULT = "application/x-ole-storage"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFD = "application/ofd"
ZIP = "application/zip"
# What the accepted kinds are called where a refusal names them.
ACCEPTED = "PDF、图片（PNG/JPEG/GIF/WEBP/TIFF）、DOCX、XLSX、WPS、ET、OFD、ZIP"


def _zip_kind(content: bytes) -> str | None:
    """The kind of a ZIP container by the entries it names; None when it is not a readable archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "OFD.xml" in names:
        return OFD
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    return ZIP


def detect(content: bytes, file_name: str) -> str | None:
    """The media type of an accepted kind of file, from its content; None for anything else (executables too)."""
    for signature, media_type in SIGNATURES:
        if content.startswith(signature):
            return media_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content.startswith(OLE_SIGNATURE):
        return OLE_TYPES.get(PurePosixPath(file_name.lower()).suffix, OLE_DEFAULT)
    if content[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _zip_kind(content)
    return None


def clean_name(raw: str) -> str:
    """The name to keep: normalized, without control or format characters, bounded in length, suffix kept.

    Raises: FormInvalid when the name is empty or names a path (a file is only ever kept by its own name).
    """
    text = unicodedata.normalize("NFC", raw or "")
    # Format characters include the bidirectional overrides that make "fdp.exe" read as "exe.pdf".
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = " ".join(text.split()).strip(" .")
    if "/" in text or "\\" in text or ":" in text:
        raise FormInvalid({"file": ["文件名不能包含路径，请只使用文件本身的名称"]})
    if not text:
        raise FormInvalid({"file": ["文件名不能为空"]})
    if len(text) > MAX_NAME:
        suffix = PurePosixPath(text).suffix
        suffix = suffix if len(suffix) <= 16 else ""
        text = text[: MAX_NAME - len(suffix)].rstrip(" .") + suffix
    return text
