"""The cadre register page: the organization department searches a cadre, reads the flag and scope in words, and
prints the cadre's page as PDF; others are refused; a date it cannot read is said, not a server error."""

from __future__ import annotations

import html
import io
import re

from flask import Flask
from pypdf import PdfReader

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.documents import ruled
from tests.support.pages import new_browser
from tests.support.transports import ServiceTransport


def test_the_organization_department_finds_a_cadre_and_prints_the_page(app: Flask, deployed: EngineContext,
                                                                        people: dict[str, Actor]) -> None:
    ruled(ServiceTransport(deployed, people))
    orgdept = new_browser(app, "orgdept")
    empty = orgdept.get("/register").get_data(as_text=True)
    assert 'data-testid="register-search"' in empty and 'data-testid="register-results"' not in empty
    page = orgdept.get("/register?name=张明").get_data(as_text=True)
    results = re.search(r'data-testid="register-results">(.*?)</section>', page, re.S)
    assert results, page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", results.group(1)))
    assert "共 1 条记录" in text and "容错免责" in text and "有效" in text
    assert "考核、评先评优、表彰奖励、选拔任用、所在单位考核评价" in text and "X纪容裁〔2026〕1号" in text
    link = html.unescape(re.search(r'href="(/register/cadre\.pdf\?[^"]+)"', results.group(1)).group(1))  # type: ignore[union-attr]
    pdf = orgdept.client.get(link, base_url="https://localhost")
    assert pdf.status_code == 200 and pdf.headers["Content-Disposition"].startswith("attachment;")
    printed = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages).replace(" ", "").replace("\n", "")
    assert "干部容错纠错档案" in printed and "张明" in printed and "X纪容裁〔2026〕1号" in printed
    # On the English UI the outcome and the scope read in English too.
    orgdept.client.set_cookie("lang", "en", domain="localhost")
    english = re.search(r'data-testid="register-results">(.*?)</section>',
                        orgdept.get("/register?name=张明").get_data(as_text=True), re.S)
    assert english and "Exempted from liability" in english.group(1) and "selection and appointment" in english.group(1)
    assert "容错免责" not in english.group(1) and "选拔任用" not in english.group(1)


def test_others_are_refused_and_a_bad_date_is_said(app: Flask, deployed: EngineContext) -> None:
    for who in ("applicant", "intake"):
        visitor = new_browser(app, who)
        assert visitor.get("/register").status_code == 403
        assert visitor.get("/register/cadre.pdf?name=张明").status_code == 403
        assert "/register" not in re.findall(r'<nav.*?</nav>', visitor.get("/inbox").get_data(as_text=True), re.S)[0]
    page = new_browser(app, "supervisor").get("/register?from=2026-13-45")
    assert page.status_code == 200 and "请填写日期" in page.get_data(as_text=True)
