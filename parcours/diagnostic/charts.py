"""Server-side SVG charts of the diagnostic territorial (pygal).

A chart is never the only form of a figure: every page shows it next to the table of the same numbers,
which is what assistive technologies read. The SVG is embedded as a `data:` image (the Content-Security-
Policy forbids inline scripts and styles, and an SVG image runs neither), so the same markup works on the
page and in the PDF (WeasyPrint draws SVG images).
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass

import pygal
from pygal.style import Style

from .formats import fr_int

# DSFR colours: bars in « bleu France 625 », opaque, so that the figure written on them in the text grey of
# the design system stays readable (contrast above 4.5:1).
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#161616",
    foreground_strong="#161616",
    foreground_subtle="#929292",
    colors=("#8585f6",),
    opacity="1",
    opacity_hover="1",
    font_family="Marianne, Arial, 'DejaVu Sans', sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=15,
    no_data_font_size=15,
)

BAR_HEIGHT = 34
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def fr_number(value: float | None) -> str:
    """French figures on the axis and the bars: 1 234 and 2,5."""
    if value is None:
        return ""
    if float(value).is_integer():
        return fr_int(value)
    return f"{value:.1f}".replace(".", ",")


@dataclass(frozen=True)
class Chart:
    svg: str
    alt: str  # short text alternative pointing to the table of the same figures

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


def bar_chart(bars: list[tuple[str, int | None]], *, title: str, alt: str, serie: str) -> Chart | None:
    """Horizontal bars, first bar on top; a bar whose value is None (hidden) is left empty."""
    if not bars:
        return None
    return Chart(svg=_bar_svg(tuple(bars), title, serie), alt=alt)


# A chart is a pure function of its figures and words, and pygal takes about 10 ms to draw one: the same
# figures asked again (a dashboard reloaded, 16 readers of one page) reuse the drawing. Only counts and labels
# are kept (never a person), in this process's memory.
# A long label (« Formation de coordination des parcours des mineurs (décret du 30 décembre 2025) ») would
# leave the bars no room: cut with « … » in the image; the table beside every chart gives it whole.
MAX_LABEL_CHARACTERS = 32


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARACTERS else label[: MAX_LABEL_CHARACTERS - 1].rstrip() + "…"


@functools.lru_cache(maxsize=1024)
def _bar_svg(bars: tuple[tuple[str, int | float | None], ...], title: str, serie: str) -> str:
    chart = pygal.HorizontalBar(
        style=STYLE,
        js=(),
        disable_xml_declaration=True,
        # An image's SVG is a document of its own: its style needs no per-chart id before every selector
        # (a third of the image's size, every chart of a dashboard inlined as a data: URI).
        no_prefix=True,
        show_legend=False,
        print_values=True,
        print_zeroes=True,
        value_formatter=fr_number,
        title=title,
        no_data_text="Aucun chiffre publiable",
        width=720,
        height=110 + BAR_HEIGHT * len(bars),
        explicit_size=True,
        margin=16,
        margin_left=48,  # room for the labels when the reader's font is wider than pygal's estimate
        truncate_label=-1,
    )
    chart.x_labels = [_short(label) for label, _ in reversed(bars)]
    chart.add(serie, [value for _, value in reversed(bars)])
    # pygal always writes its configuration in a <script>: useless in an image, dropped.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def overlap_chart(pairs: list[tuple[str, int | None]], *, published: bool = False) -> Chart | None:
    """People shared by each pair of lists ("L1 × L2")."""
    alt = (
        "Graphique en barres des personnes communes à chaque paire de listes ; les mêmes chiffres sont "
        "dans le tableau « Recoupements par paire de listes »."
    )
    if published:
        alt += " Les recoupements masqués par le secret statistique n'y ont pas de barre."
    return bar_chart(pairs, title="Personnes communes à deux listes", alt=alt, serie="Personnes en commun")
