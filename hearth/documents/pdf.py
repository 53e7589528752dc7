"""HTML to PDF with WeasyPrint (pango is a system library on the server)."""

from __future__ import annotations

from django.conf import settings


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads pango when first imported, which pages that
    # never print need not pay for.
    from weasyprint import HTML

    data = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    assert data is not None
    return bytes(data)
