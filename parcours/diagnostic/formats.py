"""French figures for the diagnostic's pages, report, PDF and charts (no Django import)."""

from __future__ import annotations

import math

NNBSP = "\u202f"  # French thousands separator and space before « % »


def fr_int(value: float | int | None) -> str:
    """12345 → « 12 345 » (narrow no-break space); an infinite value → « ∞ »."""
    if value is None:
        return "—"
    if isinstance(value, float) and not math.isfinite(value):
        return "∞" if value > 0 else "—"
    return f"{round(value):,}".replace(",", NNBSP)


def fr_percent(ratio: float | None) -> str:
    """0.625 → « 62,5 % »."""
    if ratio is None:
        return "—"
    text = f"{ratio * 100:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text}{NNBSP}%"
