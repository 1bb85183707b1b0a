"""Files the demo uploads: real, minimal and valid, so that they pass the upload check like a user's would."""

from __future__ import annotations

import io
from functools import cache

from pypdf import PdfWriter

A4 = (595, 842)  # points


@cache
def blank_pdf() -> bytes:
    """A one-page blank A4 PDF (about 400 bytes)."""
    writer = PdfWriter()
    writer.add_blank_page(width=A4[0], height=A4[1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
