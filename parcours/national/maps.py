"""The map of France by département (docs/national.md): a tile-grid cartogram drawn on the server as SVG,
no script. Each département is one square (tiles.POSITIONS), coloured by the quantile class of its published
figure; a secret figure is hatched, a département that sent nothing is left blank. The ranked table next to
it is the map's text alternative (the SVG says so in its description).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from parcours.stats.publication import format_value

from . import tiles
from .regions import DEPARTEMENTS
from .selectors import Ranking

TILE = 40  # px, one département
GAP = 3
# The DSFR's « bleu France » scale, lightest to darkest; the code is printed dark on the first three and
# white on the last two (contrast above 4.5:1 either way).
COLOURS = ("#e3e3fd", "#cacafb", "#8585f6", "#4a4ae8", "#000091")
TEXT_DARK, TEXT_LIGHT = "#161616", "#ffffff"
BLANK = "#f6f6f6"
MAX_CLASSES = 5


@dataclass(frozen=True)
class LegendEntry:
    label: str
    fill: str
    hatched: bool = False
    blank: bool = False


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    x: int
    y: int
    fill: str
    text: str
    hatched: bool
    title: str


@dataclass(frozen=True)
class Map:
    width: int
    height: int
    tiles: list[Tile]
    legend: list[LegendEntry]
    overseas_frame: tuple[int, int, int, int]  # x, y, width, height of the overseas inset
    others_frame: tuple[int, int, int, int] | None = None  # départements outside the COG, if any


def quantile_bounds(values: list[float], classes: int = MAX_CLASSES) -> list[float]:
    """Upper bounds of up to `classes` classes holding about as many départements each (each bound is a
    value actually published; equal values stay in one class)."""
    ordered = sorted(values)
    if not ordered:
        return []
    count = min(classes, len(set(ordered)))
    bounds: list[float] = []
    for i in range(1, count + 1):
        bound = ordered[math.ceil(i * len(ordered) / count) - 1]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def class_of(value: float, bounds: list[float]) -> int:
    return next(i for i, bound in enumerate(bounds) if value <= bound)


def _palette(n: int) -> tuple[str, ...]:
    """n colours spread over the scale, always ending with the darkest."""
    if n >= len(COLOURS):
        return COLOURS
    return (
        tuple(COLOURS[round(i * (len(COLOURS) - 1) / max(n - 1, 1))] for i in range(n))
        if n > 1
        else COLOURS[-1:]
    )


def build(ranked: Ranking) -> Map:
    rows = ranked.by_code
    values = [row.cell.published for row in ranked.rows if row.cell.published is not None]
    bounds = quantile_bounds(values)
    palette = _palette(len(bounds))
    legend: list[LegendEntry] = []
    low = min(values) if values else None
    for i, bound in enumerate(bounds):
        start = low if i == 0 else bounds[i - 1]
        if start == bound:
            text = format_value(bound, ranked.unit)
        elif i == 0:
            text = f"de {format_value(start, ranked.unit)} à {format_value(bound, ranked.unit)}"
        else:
            text = f"plus de {format_value(start, ranked.unit)} à {format_value(bound, ranked.unit)}"
        legend.append(LegendEntry(text, palette[i]))
    legend.append(LegendEntry("secret statistique", "#ffffff", hatched=True))
    legend.append(LegendEntry("donnée non disponible", "#ffffff"))
    legend.append(LegendEntry("aucun chiffre transmis", BLANK, blank=True))
    result = []
    for code, (col, row_index) in tiles.POSITIONS.items():
        row = rows.get(code)
        name = DEPARTEMENTS[code]
        if row is None:
            fill, text, hatched, state = BLANK, "#3a3a3a", False, "aucun chiffre transmis"
        elif row.cell.published is not None:
            index = class_of(row.cell.published, bounds)
            fill = palette[index]
            text = TEXT_DARK if COLOURS.index(fill) < 3 else TEXT_LIGHT
            hatched, state = False, row.cell.display
        else:
            fill, text, hatched, state = "#ffffff", TEXT_DARK, row.cell.secret, row.cell.display
        result.append(
            Tile(
                code=code,
                name=name,
                x=col * (TILE + GAP),
                y=row_index * (TILE + GAP),
                fill=fill,
                text=text,
                hatched=hatched,
                title=f"{code} {name} : {state}",
            )
        )
    # A département of this instance outside the COG (the demonstration's 99): top left, where the Channel
    # leaves room, in a frame of its own.
    others = sorted(code for code in rows if code not in tiles.POSITIONS)[: tiles.MAX_OTHERS]
    for col, code in enumerate(others):
        row = rows[code]
        published = row.cell.published is not None
        fill = palette[class_of(row.cell.published, bounds)] if published else "#ffffff"
        result.append(
            Tile(
                code=code,
                name=row.name,
                x=col * (TILE + GAP),
                y=tiles.OTHERS_ROW * (TILE + GAP),
                fill=fill,
                text=(TEXT_DARK if COLOURS.index(fill) < 3 else TEXT_LIGHT) if published else TEXT_DARK,
                hatched=row.cell.secret,
                title=f"{code} {row.name} : {row.cell.display}",
            )
        )
    others_frame = None
    if others:
        others_frame = (
            -GAP,
            tiles.OTHERS_ROW * (TILE + GAP) - GAP - 16,
            len(others) * (TILE + GAP) + GAP,
            TILE + 2 * GAP + 16,
        )
    cols = max(c for c, _ in tiles.POSITIONS.values()) + 1
    lines = max(r for _, r in tiles.POSITIONS.values()) + 1
    xs = [tiles.POSITIONS[c][0] for c in tiles.OVERSEAS]
    ys = [tiles.POSITIONS[c][1] for c in tiles.OVERSEAS]
    frame = (
        min(xs) * (TILE + GAP) - GAP,
        min(ys) * (TILE + GAP) - GAP - 16,
        (max(xs) - min(xs) + 1) * (TILE + GAP) + GAP,
        (max(ys) - min(ys) + 1) * (TILE + GAP) + GAP + 16,
    )
    return Map(cols * (TILE + GAP), lines * (TILE + GAP), result, legend, frame, others_frame)
