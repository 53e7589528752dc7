"""HTML to PDF with WeasyPrint (pango is a system library on the server).

A PDF's text stays text. `tagged=True` adds the structure a screen reader follows
(headings, tables and their header cells, reading order); it is off by default because
it costs about a fifth more time on the 200-entry chronology (0.4 s of about 2 s).

Two things cost a long document time without changing what it shows, and are avoided:

- Python's cycle collector. Laying out a document makes hundreds of thousands of
  short-lived objects, which trigger full collections over everything the process
  holds (a Django process holds a lot): on a 200-entry chronology that was a fifth of
  the time. The collector is paused while WeasyPrint works, and the young garbage it
  left is collected before returning, so the cost is paid once and counted here.
- WeasyPrint's own user agent stylesheet (every HTML element's default look) is matched
  against every element. A print template that uses only a few plain elements can ask
  for `PRINT_UA_CSS` instead: the same defaults for those elements alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.conf import settings

# WeasyPrint's defaults (weasyprint/css/html5_ua.css, version 70) for the elements the
# plain print templates use: html, body, div, h1-h3, p, b, strong, em, i, br and the
# table elements, and the alignment of the page's margin boxes. A template given this
# must use no other element; a test checks the chronology lays out exactly as with
# WeasyPrint's full stylesheet.
PRINT_UA_CSS = """
head, link, meta, script, style, title, [hidden] { display: none }
html, body, div, h1, h2, h3, p { display: block }
html { color-scheme: light }
body { margin: 8px }
[dir=ltr i] { direction: ltr }
[dir=rtl i] { direction: rtl }
p { margin-top: 1em; margin-bottom: 1em }
h1 { margin-top: .67em; margin-bottom: .67em; font-size: 2em; font-weight: bold;
     bookmark-level: 1 }
h2 { margin-top: .83em; margin-bottom: .83em; font-size: 1.5em; font-weight: bold;
     bookmark-level: 2 }
h3 { margin-top: 1em; margin-bottom: 1em; font-size: 1.17em; font-weight: bold;
     bookmark-level: 3 }
h1, h2, h3 { bookmark-label: content(text); hyphens: manual; break-after: avoid;
             break-inside: avoid }
b, strong, th { font-weight: bold }
em, i { font-style: italic }
br::before { content: "\\A"; white-space: pre-line }
table { display: table; box-sizing: border-box; border-spacing: 2px;
        border-collapse: separate; text-indent: initial }
caption { display: table-caption }
colgroup { display: table-column-group }
col { display: table-column }
thead { display: table-header-group }
tbody { display: table-row-group }
tfoot { display: table-footer-group }
tr { display: table-row }
td, th { display: table-cell; padding: 1px }
thead, tbody, tfoot, table > tr { vertical-align: middle }
tr, td, th { vertical-align: inherit }
table, td, th { border-color: gray }
thead, tbody, tfoot, tr { border-color: inherit }
@page {
  margin: 75px;
  @top-left { text-align: left; vertical-align: middle }
  @top-center { text-align: center; vertical-align: middle }
  @top-right { text-align: right; vertical-align: middle }
  @bottom-left { text-align: left; vertical-align: middle }
  @bottom-center { text-align: center; vertical-align: middle }
  @bottom-right { text-align: right; vertical-align: middle }
}
"""


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)  # the document's own cycles, now unreachable


@cache
def _print_html_class() -> Any:
    from weasyprint import CSS, HTML

    sheet = CSS(string=PRINT_UA_CSS)

    class PrintHTML(HTML):
        # WeasyPrint asks the document for its user agent stylesheets (a private
        # hook); should it stop asking, the full stylesheet applies: slower, the same.
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [sheet]

    return PrintHTML


def _render(html: str, print_ua: bool, tagged: bool) -> bytes:
    # Imported here: WeasyPrint loads pango when first imported, which pages that
    # never print need not pay for.
    from weasyprint import HTML

    document_class = _print_html_class() if print_ua else HTML
    data = document_class(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_tags=tagged)
    assert data is not None
    return bytes(data)


def html_to_pdf(html: str, *, print_ua: bool = False, tagged: bool = False) -> bytes:
    """The HTML as a PDF. `print_ua`: the template uses only the elements
    `PRINT_UA_CSS` covers, so WeasyPrint need not match its whole stylesheet.
    `tagged`: with the PDF structure tags screen readers use."""
    with _collector_paused():
        return _render(html, print_ua, tagged)
