"""A document as PDF, from a small HTML page with the GB/T 9704 page box, rendered by WeasyPrint (no network)."""

from __future__ import annotations

from html import escape

from engine.documents.content import SEAL_PLACE, DocumentContent

STYLE = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 28pt; margin: 0; }
h1 { font-family: "Noto Serif CJK SC", serif; font-weight: bold; font-size: 22pt; line-height: 36pt;
     text-align: center; margin: 0; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.number { text-align: center; text-indent: 0; margin-bottom: 28pt; }
p.addressee { text-indent: 0; }
p.closing { text-align: right; text-indent: 0; }
p.first-closing { margin-top: 56pt; }
b { font-weight: bold; }
"""


def html_of(content: DocumentContent) -> str:
    """The document as one HTML page."""
    body = [f"<h1>{escape(content.title)}</h1>", f'<p class="number">{escape(content.number)}</p>',
            f'<p class="addressee">{escape(content.addressee)}</p>']
    for part in content.sections:
        for i, text in enumerate(part.paragraphs):
            lead = f"<b>{escape(part.heading)}：</b>" if part.heading and i == 0 else ""
            body.append(f"<p>{lead}{escape(text)}</p>")
    body.append(f'<p class="closing first-closing">{escape(content.issuing_body)}</p>')
    body.append(f'<p class="closing">{escape(SEAL_PLACE)}</p>')
    body.append(f'<p class="closing">{escape(content.date_written)}</p>')
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(content.title)}</title>'
            f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>")


def _no_fetch(url: str) -> dict[str, str]:
    raise ValueError(f"documents load nothing from outside: {url}")


def pdf_from_html(html: str) -> bytes:
    """One HTML page as PDF bytes; nothing is fetched from outside."""
    from weasyprint import HTML  # loaded on first use: it pulls in pango

    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())


def render_pdf(content: DocumentContent) -> bytes:
    """The document as PDF bytes."""
    return pdf_from_html(html_of(content))
