"""The case file and the ruling letter in Chromium: the application read with its form labels, and the issued
ruling letter downloaded as PDF and rendered page by page into docs/screenshots/ruling-letter.png."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pypdfium2
from flask import Flask
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.browser_ui import ARTIFACTS, DOCS, REFRESH_DOCS, ROOT, sign_in
from tests.support.driver import ALL_MEMBERS, APPLICATION, LOOKS_EXEMPT, apply, to_ruling_meeting
from tests.support.pages import start_case
from tests.support.transports import ServiceTransport

APPLICATION_FORM = ROOT / "forms" / "application.json"
# A4 in millimetres; the picture is rendered at 150 dpi, sharp enough to read in the README.
A4_WIDTH, A4_HEIGHT = 210, 297
DPI = 150
# A pixel darker than this (0 black, 255 white) is ink.
INK = 128


def form_fields(path: Path) -> dict[str, dict[str, Any]]:
    """The form's input fields by key, groups flattened, in form order."""
    found: dict[str, dict[str, Any]] = {}

    def walk(components: list[dict[str, Any]]) -> None:
        """Collect the keyed fields, descending into groups."""
        for comp in components:
            if comp.get("type") == "group":
                walk(comp.get("components", []))
            elif isinstance(comp.get("key"), str):
                found[comp["key"]] = comp

    walk(json.loads(path.read_text(encoding="utf-8"))["components"])
    return found


def label_of(field: dict[str, Any]) -> str:
    """The label the form gives a field (date fields label themselves with dateLabel)."""
    return str(field.get("label") or field.get("dateLabel"))


def option_label(field: dict[str, Any], code: str) -> str:
    """The label of one option of a choice field."""
    [label] = [o["label"] for o in field["values"] if o["value"] == code]
    return str(label)


def entry(card: Locator, key: str) -> tuple[Locator, Locator]:
    """The label (dt) and the value (dd) the case file shows for one field."""
    value = card.locator(f'dd[data-key="{key}"]')
    return value.locator("xpath=preceding-sibling::dt[1]"), value


def save_picture(image: Image.Image, name: str) -> Path:
    """Save a picture as test-artifacts/screenshots/<name>.png, and under docs/screenshots as browser_ui.screenshot does."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    image.save(path, format="PNG", optimize=True)
    target = DOCS / path.name
    # The README's pictures follow the other screenshots: written when missing, refreshed on request.
    if REFRESH_DOCS or not target.exists():
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path


def first_page(pdf: bytes) -> Image.Image:
    """The PDF's first page rasterised at DPI, in grey levels."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        try:
            return page.render(scale=DPI / 72).to_pil().convert("L")
        finally:
            page.close()
    finally:
        document.close()


def ink_box(image: Image.Image, top_mm: float, bottom_mm: float) -> tuple[int, int, int, int] | None:
    """The box (in the page's pixels) around the ink in a horizontal band of the page, None when the band is blank."""
    per_mm = image.height / A4_HEIGHT
    top = round(top_mm * per_mm)
    band = image.crop((0, top, image.width, round(bottom_mm * per_mm)))
    box = band.point(lambda v: 255 if v < INK else 0).getbbox()
    return None if box is None else (box[0], box[1] + top, box[2], box[3] + top)


def font_names(pdf: bytes) -> set[str]:
    """The base names of the fonts the PDF's pages use."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        fonts = resources.get("/Font") if isinstance(resources, DictionaryObject) else None
        fonts = fonts.get_object() if fonts is not None else None
        for font in fonts.values() if isinstance(fonts, DictionaryObject) else []:
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_a_handler_reads_the_application_with_the_forms_labels(app: Flask, page: Page) -> None:
    """Intake opens the new case from the inbox; the case file shows each value beside its label, choices and dates in words."""
    case_id = start_case(app)
    fields = form_fields(APPLICATION_FORM)
    sign_in(page, "intake")
    with page.expect_navigation():
        page.locator(f'table[data-testid="queue"] a[href="/cases/{case_id}"]').first.click()
    card = page.locator("[data-testid=case-file]")
    expect(card).to_be_visible()
    expect(card.locator(".file-section")).to_have_count(1)  # only the application so far

    expected = {
        "cadre_name": APPLICATION["cadre_name"],
        "cadre_unit": APPLICATION["cadre_unit"],
        "matter_date": "2025年11月3日",  # APPLICATION gives 2025-11-03
        "loss_amount": str(APPLICATION["loss_amount"]),
        "domain": option_label(fields["domain"], APPLICATION["domain"]),
        "circumstance": option_label(fields["circumstance"], APPLICATION["circumstance"]),
    }
    assert expected["domain"] == "招商引资"  # the form still labels the code as the test expects
    for key, shown in expected.items():
        label, value = entry(card, key)
        expect(label).to_have_text(label_of(fields[key]))
        expect(value).to_have_text(shown)
        # The grid puts the label on the value's line, to its left, as a reader sees a form.
        label_box, value_box = label.bounding_box(), value.bounding_box()
        assert label_box and value_box, key
        assert label_box["x"] + label_box["width"] <= value_box["x"], key
        assert abs(label_box["y"] - value_box["y"]) < 4, key

    # Every value the application gave is there in form order; the fields left empty are left out.
    keys = card.locator("dd[data-key]").evaluate_all("nodes => nodes.map(n => n.dataset.key)")
    assert keys == [k for k in fields if APPLICATION.get(k) not in (None, "")]
    assert "cadre_id_number" not in keys and "accountability_decision_date" not in keys
    text = card.inner_text()
    for code in (APPLICATION["domain"], APPLICATION["circumstance"], APPLICATION["matter_date"]):
        assert code not in text


def test_the_ruling_letter_downloads_as_a_pdf_that_renders_on_a4(
    app: Flask, deployed: EngineContext, people: dict[str, Actor], page: Page
) -> None:
    """The chair signs the ruling; the applicant finds 裁定书 with its number, downloads the PDF and it renders."""
    # The steps up to the ruling run through the services: the browser part is the reader's.
    run = apply(ServiceTransport(deployed, people))
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling("EXEMPT", rectification=True)
    number = f"X纪容裁〔{deployed.clock.now().year}〕1号"

    sign_in(page, "applicant")
    page.goto(f"/cases/{run.case_id}")
    panel = page.locator("[data-testid=documents]")
    expect(panel.locator("h2")).to_have_text("文书")
    # Other steps issue their own documents (notices, the report, the minutes): the letter is the row titled 裁定书.
    row = panel.locator("tr[data-document]").filter(has=page.get_by_role("cell", name="裁定书", exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text(number)
    document_id = row.get_attribute("data-document")
    for fmt in ("pdf", "docx"):
        link = row.get_by_role("link", name=fmt.upper())
        expect(link).to_have_attribute("href", f"/cases/{run.case_id}/documents/{document_id}.{fmt}")
    with page.expect_download() as downloading:
        row.get_by_role("link", name="PDF").click()
    download = downloading.value
    assert download.suggested_filename == f"裁定书（{number}）.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    image = first_page(pdf)
    save_picture(image, "ruling-letter")
    assert abs(image.height / image.width - A4_HEIGHT / A4_WIDTH) < 0.01
    histogram = image.histogram()
    ink = sum(histogram[:INK]) / (image.width * image.height)
    assert 0.005 < ink < 0.2, ink  # words on a white page: neither blank nor flooded
    # The page box of GB/T 9704: nothing in the top margin (37 mm), the title on the first line below it.
    assert ink_box(image, 0, 35) is None
    title = ink_box(image, 37, 49)
    assert title is not None, "no title under the top margin"
    per_mm = image.width / A4_WIDTH
    middle = (title[0] + title[2]) / 2
    assert abs(middle - image.width / 2) < 2 * per_mm, "the title is not centred"
    # 裁定书 is three full-width characters at 22 pt (about 7.8 mm each): some 20 mm to 25 mm of ink.
    assert 18 * per_mm < title[2] - title[0] < 28 * per_mm, (title[2] - title[0]) / per_mm

    # Without the CJK fonts the glyphs would be boxes: the text is there and drawn with Noto CJK.
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    text = "".join(text.split())
    for words in ("裁定书", number, APPLICATION["cadre_name"], "容错免责", "健全资金拨付审批制度"):
        assert words in text, words
    fonts = font_names(pdf)
    assert fonts and all("CJK" in name for name in fonts), fonts
