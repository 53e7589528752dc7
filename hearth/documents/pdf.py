"""HTML to PDF with WeasyPrint (pango is a system library on the server).

A PDF's text stays text. `tagged=True` adds the structure a screen reader follows
(headings, tables and their header cells, reading order); it is off by default because
it costs about a fifth more time on the 200-entry chronology (0.4 s of about 2 s).

Laying out a long document makes hundreds of thousands of short-lived objects, which
trigger Python's full cycle collections over everything the process holds (a Django
process holds a lot): on a 200-entry chronology that was a fifth of the time. The
collector is paused while WeasyPrint works, and the young garbage it left is collected
before returning, so the cost is paid once and counted here.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings


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


def html_to_pdf(html: str, *, tagged: bool = False) -> bytes:
    """The HTML as a PDF; `tagged`: with the PDF structure tags screen readers use."""
    # Imported here: WeasyPrint loads pango when first imported, which pages that
    # never print need not pay for.
    from weasyprint import HTML

    with _collector_paused():
        data = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_tags=tagged)
    assert data is not None
    return bytes(data)
