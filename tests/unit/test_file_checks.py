"""What a file is, by its content: accepted kinds told apart, executables refused whatever their name; names cleaned."""

from __future__ import annotations

import pytest

from engine.errors import FormInvalid
from engine.files import sniff
from tests.support import files


@pytest.mark.parametrize(("content", "name", "expected"), [
    (files.PDF, "申请书.pdf", "application/pdf"),
    (files.PNG, "photo.jpg", "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "scan", "image/jpeg"),
    (b"GIF89a" + b"\x00" * 8, "a.gif", "image/gif"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "a.webp", "image/webp"),
    (b"II*\x00" + b"\x00" * 8, "a.tif", "image/tiff"),
    (files.DOCX, "纪要.docx", sniff.DOCX),
    (files.XLSX, "损失.xlsx", sniff.XLSX),
    (files.OFD, "公文.ofd", sniff.OFD),
    (files.ZIP, "材料.zip", sniff.ZIP),
    (files.OLE, "报告.wps", "application/kswps"),
    (files.OLE, "表格.et", "application/kset"),
    (files.OLE, "报告.pdf", sniff.OLE_DEFAULT),
])
def test_accepted_kinds_are_told_by_content(content: bytes, name: str, expected: str) -> None:
    assert sniff.detect(content, name) == expected


@pytest.mark.parametrize("content", [files.PE, files.ELF, b"#!/bin/sh\nrm -rf /\n", b"hello", b"PK\x03\x04broken"])
def test_anything_else_is_refused_whatever_its_name(content: bytes) -> None:
    assert sniff.detect(content, "evidence.pdf") is None


def test_names_lose_control_and_direction_characters_and_keep_their_suffix() -> None:
    assert sniff.clean_name("  会议\x00纪要\u202egpj.pdf \n") == "会议纪要gpj.pdf"
    long = sniff.clean_name("长" * 300 + ".pdf")
    assert len(long) == sniff.MAX_NAME and long.endswith(".pdf")


@pytest.mark.parametrize("name", ["../../etc/passwd", "C:\\Users\\me\\a.pdf", "a/b.pdf", "..", " ", "\x01\x02"])
def test_paths_and_empty_names_are_refused(name: str) -> None:
    with pytest.raises(FormInvalid):
        sniff.clean_name(name)
