"""The form and decision table editors in the page's language, the table's outputs in view, a deploy button that looks
disabled when it is, and a broken file on the draft's changes shown as a problem."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.library import process_library, versions
from tests.support.browser_ui import screenshot, sign_in, watch_console

WIDE = {"width": 1440, "height": 900}
INFERNO_NOTICE = "It looks like you're using a minified copy of the development build of Inferno."


def draft_of_shipped(deployed: EngineContext, people: dict[str, Actor]) -> int:
    """A draft copied from the newest deployed version of the shipped procedure."""
    newest = versions.library(deployed, people["owner"])[0].versions[0].deployment_id
    return process_library.create_draft(deployed, people["owner"], "编辑器", from_deployment=newest)[0]


def in_english(page: Page) -> None:
    """Switch the signed-in person's pages to English with the header's language button."""
    with page.expect_navigation():
        page.locator("header form.lang button[name=lang]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def open_form_editor(page: Page, draft_id: int) -> None:
    page.goto(f"/library/drafts/{draft_id}/form/acceptance_review.json")
    expect(page.locator('#editor[data-rendered="true"]')).to_have_count(1)
    page.locator(".fjs-form-field", has_text="受理结论").first.click()


def test_the_form_editor_speaks_the_pages_language(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    draft_id = draft_of_shipped(deployed, people)
    errors = watch_console(page)
    sign_in(page, "owner")
    open_form_editor(page, draft_id)
    palette = page.locator(".fjs-palette-container")
    expect(palette.locator(".fjs-palette-group-title", has_text="输入")).to_have_count(1)
    expect(palette.locator(".fjs-palette-field-text", has_text="文本框")).to_have_count(1)
    expect(palette.locator("input")).to_have_attribute("placeholder", "搜索组件")
    panel = page.locator(".fjs-properties-container")
    expect(panel.locator(".bio-properties-panel-group-header", has_text="常规")).to_have_count(1)
    panel.locator(".bio-properties-panel-group-header", has_text="常规").click()
    expect(panel.get_by_text("字段标签", exact=True)).to_be_visible()
    expect(page.locator("#bio-properties-panel-label")).to_have_text("受理结论")  # the form's own words stay
    assert "General" not in panel.inner_text() and "Text field" not in palette.inner_text()
    screenshot(page, "form-editor-zh")

    in_english(page)
    open_form_editor(page, draft_id)
    expect(page.locator(".fjs-palette-field-text", has_text="Text field")).to_have_count(1)
    expect(page.locator(".fjs-properties-container .bio-properties-panel-group-header", has_text="General")).to_have_count(1)
    assert "常规" not in page.locator(".fjs-properties-container").inner_text()
    assert errors == [], errors


def open_table_editor(page: Page, draft_id: int) -> None:
    page.goto(f"/library/drafts/{draft_id}/table/six_looks.dmn")
    expect(page.locator('#editor[data-rendered="true"]')).to_have_count(1)
    expect(page.locator(".tjs-table")).to_be_visible()


def test_the_decision_table_editor_speaks_the_pages_language_and_shows_its_outputs(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    draft_id = draft_of_shipped(deployed, people)
    errors = watch_console(page)
    page.set_viewport_size(WIDE)  # type: ignore[arg-type]
    sign_in(page, "owner")
    open_table_editor(page, draft_id)
    expect(page.locator(".hit-policy .dms-label")).to_have_text("命中策略：")
    expect(page.locator(".tjs-table thead")).to_contain_text("当")
    expect(page.locator(".tjs-table thead")).to_contain_text("则")
    assert "When" not in page.locator(".tjs-table thead").inner_text()

    # At 1440 pixels the last output column (and the annotations after it) end inside the window, unscrolled.
    outputs = page.locator(".tjs-table thead th.output-cell")
    assert outputs.count() >= 1
    right = outputs.last.evaluate("th => th.getBoundingClientRect().right")
    assert right <= WIDE["width"], right
    annotation = page.locator(".tjs-table thead th.annotation").first
    assert annotation.evaluate("th => th.getBoundingClientRect().right") <= WIDE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    container = page.locator(".tjs-container")
    assert container.evaluate("c => c.scrollWidth <= c.clientWidth"), "the table scrolls sideways"
    screenshot(page, "dmn-editor-zh")

    in_english(page)
    open_table_editor(page, draft_id)
    expect(page.locator(".hit-policy .dms-label")).to_have_text("Hit policy:")
    expect(page.locator(".tjs-table thead")).to_contain_text("When")
    # dmn-js's published bundle logs this notice of its own on every load, in any language; anything else fails.
    assert [e for e in errors if INFERNO_NOTICE not in e] == [], errors


# Words that stay as they are in Chinese: names of languages, formats and standards, and the example in a tooltip.
ALLOWED_WORDS = {"FEEL", "DMN", "JSON", "ID", "HTML", "URL", "HTTPS", "MIME", "URI", "data", "Markdown", "iFrame", "MDN",
                 "E", "Camunda", "Tasklist", "QName", "PnYnM", "PnDTnH", "yyyy", "MM", "dd", "hh", "mm", "ss", "X-FRAME-OPTIONS",
                 "bpmn", "io"}
# Visible text and hint attributes of the editors' own chrome: what a person typed (text boxes, the FEEL and text editors,
# the field's own label, the titles of list items, a code sample) is data and left out.
CHROME_TEXT = """(scope) => {
  const skip = '[contenteditable], .cm-editor, textarea, input, pre, .bio-properties-panel-header-label, ' +
    '.bio-properties-panel-collapsible-entry-header-title';
  const out = [];
  document.querySelectorAll(scope).forEach(root => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement;
      if (n.data.trim() && p && !p.closest(skip) && (p.getClientRects().length || p.closest('select'))) out.push(n.data.trim());
    }
    root.querySelectorAll('[title], [placeholder]').forEach(e => {
      if (e.closest('[contenteditable], .cm-editor')) return;
      ['title', 'placeholder'].forEach(a => e.getAttribute(a) && out.push(e.getAttribute(a)));
    });
  });
  return out;
}"""


def english_in(texts: list[str], data: set[str]) -> list[str]:
    """The texts with an English word left once the allowed names and the file's own data are set aside."""
    left = []
    for text in texts:
        words = re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", text)
        if any(word not in ALLOWED_WORDS and word not in data for word in words):
            left.append(text)
    return sorted(set(left))


def open_every_group(page: Page) -> None:
    """Expand every group of the properties panel, and every list item in them."""
    panel = page.locator(".fjs-properties-container")
    for closed in (".bio-properties-panel-group-header:not(.open)", ".bio-properties-panel-collapsible-entry-header:not(.open)"):
        headers = panel.locator(closed)
        for _ in range(headers.count()):
            headers.first.click()


def test_no_english_is_left_in_the_editors_chrome(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    draft_id = draft_of_shipped(deployed, people)
    page.set_viewport_size({"width": 1440, "height": 1400})
    sign_in(page, "owner")
    open_form_editor(page, draft_id)
    _, files = process_library.draft_files(deployed, draft_id)
    data = set(re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", files["acceptance_review.json"].decode()))
    scope = ".fjs-palette-container, .fjs-properties-container, .fjs-form-field-placeholder, .fjs-context-pad"
    left: dict[str, list[str]] = {}
    for kind in ("textfield", "number", "select", "checklist", "datetime", "text", "group", "iframe", "table"):
        page.locator(f'.fjs-palette-field[data-field-type="{kind}"]').press("Enter")
        page.locator(f".fjs-editor-container .fjs-form-field-{kind}").last.click(position={"x": 4, "y": 4})
        expect(page.locator(".fjs-properties-container .bio-properties-panel-header-type")).not_to_have_text("表单")
        open_every_group(page)
        if found := english_in(page.evaluate(CHROME_TEXT, scope), data):
            left[kind] = found
    assert left == {}, left

    open_table_editor(page, draft_id)
    data = set(re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", files["six_looks.dmn"].decode()))
    expect(page.locator(".tjs-table thead .input-variable").first).to_have_text("字符串")
    page.locator(".tjs-table thead th.input-cell .input-label").first.dblclick()
    page.locator(".context-menu .type-ref-edit .dms-input-select").click()
    options = page.locator(".dms-select-options .option")
    expect(options.filter(has_text="布尔值")).to_have_count(1)
    texts = page.evaluate(CHROME_TEXT, ".tjs-table thead, .hit-policy, .context-menu, .dms-select-options")
    assert english_in(texts, data - {"string", "boolean", "number", "date", "time"}) == []
    options.filter(has_text="数字").click()  # the file keeps the data type's own name
    expect(page.locator(".tjs-table thead .input-variable").first).to_have_text("数字")
    page.locator("#save").click()
    expect(page.locator("#save-status")).to_have_text("已保存。")
    _, files = process_library.draft_files(deployed, draft_id)
    assert re.search(rb'<inputExpression id="[^"]+" typeRef="number"', files["six_looks.dmn"])

    in_english(page)
    open_table_editor(page, draft_id)
    expect(page.locator(".tjs-table thead .input-variable").first).to_have_text("number")


def broken_draft(deployed: EngineContext, people: dict[str, Actor]) -> int:
    """A draft whose acceptance review task names a form the draft does not hold."""
    draft_id = draft_of_shipped(deployed, people)
    _, files = process_library.draft_files(deployed, draft_id)
    bpmn = files["rcjc_acceptance.bpmn"].replace(b'name="form" value="acceptance_review"', b'name="form" value="no_such_form"')
    assert bpmn != files["rcjc_acceptance.bpmn"]
    assert process_library.add_files(deployed, people["owner"], draft_id, {"rcjc_acceptance.bpmn": bpmn})[0].accepted
    return draft_id


def test_a_broken_file_shows_as_a_problem_and_the_deploy_button_as_disabled(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    draft_id = broken_draft(deployed, people)
    sign_in(page, "owner")
    page.goto(f"/library/drafts/{draft_id}?file=rcjc_acceptance.bpmn")
    deploy = page.locator("[data-testid=deploy]")
    expect(deploy).to_be_disabled()
    assert deploy.evaluate("b => getComputedStyle(b).cursor") == "not-allowed"
    assert float(deploy.evaluate("b => getComputedStyle(b).opacity")) <= 0.5
    expect(deploy).to_have_attribute("title", re.compile("先.*问题"))

    # The task with the problem is listed as one, with its line and reason, not as an ordinary change.
    row = page.locator("[data-testid=changes] tbody tr", has_text="acceptance_review")
    expect(row).to_have_count(1)
    expect(row).to_have_class(re.compile(r"\bchange-problem\b"))
    expect(row).to_contain_text(re.compile(r"不能部署：第 \d+ 行："))
    expect(row).to_contain_text("no_such_form")
    assert row.locator("td").first.evaluate("td => getComputedStyle(td).color") == "rgb(180, 35, 24)"
    expect(page.locator("[data-testid=changes] tr.change-changed", has_text="acceptance_review")).to_have_count(0)
    screenshot(page, "library-diff-problem", full_page=True)


def test_a_draft_without_problems_keeps_an_enabled_deploy_button(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    draft_id = draft_of_shipped(deployed, people)
    sign_in(page, "owner")
    page.goto(f"/library/drafts/{draft_id}")
    deploy = page.locator("[data-testid=deploy]")
    expect(deploy).to_be_enabled()
    assert deploy.evaluate("b => getComputedStyle(b).cursor") == "pointer"
    assert deploy.evaluate("b => getComputedStyle(b).opacity") == "1"
    assert deploy.get_attribute("title") is None
