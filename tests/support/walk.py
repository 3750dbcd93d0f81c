"""Walking the UI as one person: every page reachable from the navigation and the pages it links to, each checked for
console errors, English message ids of the catalog left untranslated, and raw codes in the visible text."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.pofile import read_po
from playwright.sync_api import Page

from engine.groups import GROUP_LABELS
from engine.persistence.lifecycle import CaseStatus
from engine.procedure.warning_signs import KINDS
from engine.reading.statistics import OUTCOMES
from tests.support.browser_ui import watch_console
from tests.support.context import shipped_files
from webapp.ui.labels import CLOSURE_LABELS, EVENT_LABELS, FILING_STATUS_LABELS, REPORT_LABELS

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "webapp" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# The places an event is written: its name is the third argument of record_event.
EVENT_CALL = re.compile(r'record_event\(\s*\w+,\s*[\w.]+,\s*"([a-z_]+)"')
# Links that download a file or leave the pages: not walked.
NOT_A_PAGE = re.compile(r"\.(csv|xlsx|pdf|docx|zip|bpmn|dmn|json|ico|png|svg)$|/attachments/|/documents/|/files/"
                        r"|^/(vendor|static|api|logout|healthz|readyz)\b")
# How many pages of one shape (ids and file names taken out, query kept apart) are walked; the rest are alike.
SHAPE_LIMITS = {"/cases/N": 12, "/tasks/N": 10, "/start/X/X": 4}
DEFAULT_LIMIT = 3
# Editors show the model being edited (ids, decision table cells, form keys): its codes are the owner's content.
EDITOR_CANVASES = "#modeler, #editor, #properties"
# dmn-js's production bundle carries Inferno's development build, which warns through console.error that it is one
# (dmn-js issue 965, open upstream): a notice about the bundle, not an error of the page. Nothing else is let through.
THIRD_PARTY_NOTICES = (("console: It looks like you're using a minified copy of the development build of Inferno.",
                        "/vendor/dmn-js/dist/dmn-modeler.production.min.js"),)
# Every holder of a diagram or editor says when it has drawn.
HOLDERS = "[data-xml], [data-source], #modeler[data-file], #editor[data-file]"
SETTLED = f"""() => [...document.querySelectorAll('{HOLDERS}')]
    .every(h => h.dataset.rendered === 'true' || h.dataset.rendered === 'error')"""
TEXTS = f"""() => {{
    const all = document.body.innerText;
    let outside = all;
    for (const el of document.querySelectorAll('{EDITOR_CANVASES}')) {{
        const inner = el.innerText.trim();
        if (inner) {{ outside = outside.split(inner).join(' '); }}
    }}
    const failed = [...document.querySelectorAll('{HOLDERS}')].filter(h => h.dataset.rendered === 'error').length;
    return [all, outside, failed];
}}"""


def message_ids() -> list[str]:
    """English phrases of the catalog (2+ words) a Chinese page must never show: each msgid, cut at its placeholders,
    that has a Chinese translation different from itself."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    found: set[str] = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not ids[0] or not any(strings) or strings[0] == ids[0]:
            continue
        for msgid in ids:
            for part in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", msgid):
                part = part.strip(" .,:;!?()'\"-")
                if len(part.split()) >= 2 and len(part) >= 8:
                    found.add(part)
    return sorted(found, key=len, reverse=True)


def _form_codes() -> set[str]:
    """Field keys and option values of the shipped forms (those spelled like codes, with an underscore)."""
    codes: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for name in ("key", "value"):
                if isinstance(node.get(name), str):
                    codes.add(node[name])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for name, content in shipped_files().items():
        if name.endswith(".json"):
            codes.add(name.removesuffix(".json"))
            collect(json.loads(content))
    return {c for c in codes if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", c)}


def raw_codes(english: bool = False) -> list[str]:
    """Codes the engine stores that people must only ever read as words (in English pages, those not spelled as
    an English word: a case state reads as itself there)."""
    events = set(EVENT_LABELS)
    for source in (ROOT / "engine").rglob("*.py"):
        events.update(EVENT_CALL.findall(source.read_text(encoding="utf-8")))
    codes = set(OUTCOMES) | events | set(KINDS) | {s.value for s in CaseStatus} | _form_codes()
    codes |= {k for k in GROUP_LABELS if "_" in k}
    codes |= {k for labels in (CLOSURE_LABELS, FILING_STATUS_LABELS, REPORT_LABELS) for k in labels if "_" in k}
    if english:
        codes = {c for c in codes if "_" in c or c.isupper()}
    return sorted(codes, key=len, reverse=True)


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """A pattern finding any of the phrases as whole words (not part of a path, an id or a file name)."""
    alternatives = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"(?<![\w/.#-])(?:{alternatives})(?![\w/-])(?!\.\w)")


@dataclass
class Walk:
    """One person's walk: the pages visited and what was found on each."""

    page: Page
    who: str
    untranslated: re.Pattern[str] | None
    codes: re.Pattern[str]
    visited: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    shapes: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.errors = watch_console(self.page)

    def visit(self, url: str) -> list[str]:
        """Open a page, check it, and return the same-origin page links it shows (header and main)."""
        self.errors.clear()
        self.visited.append(url)
        response = self.page.goto(url)
        status = response.status if response else 0
        self.page.wait_for_function(SETTLED, timeout=30_000)
        all_text, outside, failed = self.page.evaluate(TEXTS)
        problems = [f"answered {status}"] if status >= 400 else []
        if failed:
            problems.append(f"{failed} diagram or editor failed to draw")
        if self.untranslated:
            problems += sorted({f"untranslated: {m}" for m in self.untranslated.findall(all_text)})
        problems += sorted({f"raw code: {m}" for m in self.codes.findall(outside)})
        problems += [e for e in self.errors if not any(e.startswith(text) and source in e
                                                         for text, source in THIRD_PARTY_NOTICES)]
        self.found += [f"{self.who} {url}: {p}" for p in problems]
        hrefs: list[str] = self.page.locator("header nav a[href], header .user a[href], main a[href]").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")
        return [h for h in hrefs if h.startswith("/") and not h.startswith("//")]

    def walk(self, starts: list[str], limit: int = 60) -> None:
        """Visit the start pages, then every page they link to, breadth first, a few of each shape."""
        queue = list(dict.fromkeys(starts))
        seen = set(queue)
        for url in queue:
            self.shapes[shape(url)] += 1
        while queue and len(self.visited) < limit:
            for href in self.visit(queue.pop(0)):
                href = href.split("#")[0]
                if href in seen or NOT_A_PAGE.search(urlsplit(href).path):
                    continue
                seen.add(href)
                key = shape(href)
                if self.shapes[key] < SHAPE_LIMITS.get(key, DEFAULT_LIMIT):
                    self.shapes[key] += 1
                    queue.append(href)

    def report(self) -> str:
        """What was found, one line per page and problem, and the pages visited."""
        return "\n".join(self.found) + f"\n({self.who} visited: {' '.join(self.visited)})"


def shape(url: str) -> str:
    """A page's kind: ids and file names taken out; pages with a query counted apart."""
    parts = urlsplit(url)
    path = re.sub(r"/(model|form|table)/[^/]+$", r"/\1/X", parts.path)
    path = re.sub(r"/\d+(?=/|$)", "/N", path)
    path = re.sub(r"^/tasks/[^/]+", "/tasks/N", path)
    path = re.sub(r"^/start/[^/]+/[^/]+", "/start/X/X", path)
    path = re.sub(r"^/admin/users/(?!new$)[^/]+", "/admin/users/X", path)
    return path + ("?" if parts.query else "")


def sign_in_as(page: Page, username: str, password: str) -> None:
    """Sign out whoever is signed in, then sign in through the login form."""
    page.goto("/login")
    sign_out = page.locator('header form[action="/logout"] button')
    if sign_out.count():
        with page.expect_navigation():
            sign_out.click()
        page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login" not in page.url, f"{username} could not sign in"
