"""HTML to PDF with WeasyPrint: the prefecture's heading and footer around every body, tagged PDF (PDF/UA-1),
French language and title metadata. Only local fonts and data: URLs are ever fetched."""

from __future__ import annotations

import re
from pathlib import Path

import dsfr
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

FONT_DIR = (Path(dsfr.__file__).parent / "static" / "dsfr" / "dist" / "fonts").resolve()
FONT_FILES = [
    ("Marianne-Regular.woff2", 400, "normal"),
    ("Marianne-Regular_Italic.woff2", 400, "italic"),
    ("Marianne-Bold.woff2", 700, "normal"),
    ("Marianne-Bold_Italic.woff2", 700, "italic"),
]


class LocalOnlyFetcher(URLFetcher):
    """Refuse every URL but data: and the DSFR font files: a template can neither read a server file nor
    call out to the network."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if path.parent == FONT_DIR and path.suffix == ".woff2":
                return super().fetch(url, headers)
        raise ValueError("Ressource externe refusée.")


def _font_faces() -> list[dict]:
    faces = []
    for name, weight, style in FONT_FILES:
        path = FONT_DIR / name
        if path.exists():
            faces.append({"url": path.as_uri(), "weight": weight, "style": style})
    return faces  # none: the CSS falls back to sans-serif


def prefet_de(departement_name: str) -> str:
    """'Préfet de …' line of the heading (elided before a vowel: « de l'Ain »)."""
    name = departement_name.strip()
    if name.lower().startswith("département"):  # « Département de démonstration » → « du département … »
        return "du " + name[0].lower() + name[1:]
    if name[:1].lower() in "aeiouyéèêâîôh":
        return f"de l'{name}"
    return f"de {name}"


def _css_string(text: str) -> str:
    return mark_safe(re.sub(r'["\\<>\n\r]', " ", text)[:120])  # noqa: S308 (quotes and markup removed)


def full_html(*, departement, title: str, body_html: str, letterhead=None, draft: bool = False) -> str:
    """The complete HTML page: the common layout (brand block, the service's details from `letterhead`)
    with `body_html` inserted; `draft` adds the « PROJET » watermark."""
    return render_to_string(
        "documents/pdf_base.html",
        {
            "title": title,
            "head": letterhead,
            "draft": draft,
            "departement": departement,
            "prefet_de": prefet_de(departement.name),
            "footer_left": _css_string(f"{title} — {departement.name}"),
            "font_faces": _font_faces(),
            "body": mark_safe(body_html),  # noqa: S308 (rendered by the sandbox, autoescaped)
        },
    )


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=LocalOnlyFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
