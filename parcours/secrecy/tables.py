"""Statistical secrecy, one table at a time (no Django import).

Primary suppression hides every cell counting 1 to threshold-1 people. Secondary suppression then hides,
in a table whose total is published, the smallest other non-zero cells until no cell is hidden alone and the
hidden cells add up to the threshold at least (total minus the visible cells gives their sum back: "3 men
and 2 others" must not show as "5 who are not women"). A total below the threshold hides the whole table.
Zero cells stay visible: "nobody" identifies no one.

A table is protected on its own here; what several tables give together is `audit`'s business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

HIDDEN_LABEL = "< seuil"
NNBSP = "\u202f"  # French thousands separator


def format_count(value: int) -> str:
    """12345 → « 12 345 » (narrow no-break space), as the pages and PDFs print counts."""
    return f"{value:,}".replace(",", NNBSP)


@dataclass(frozen=True)
class Cell:
    label: str
    value: int | None  # None when hidden

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def display(self) -> str:
        return HIDDEN_LABEL if self.value is None else format_count(self.value)


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress(cells: Mapping[str, int], threshold: int, *, total: int | None = None) -> list[Cell]:
    """Apply primary and secondary suppression to one table (one dimension, with its total)."""
    total = sum(cells.values()) if total is None else total
    if is_small(total, threshold):
        return [Cell(label, None if value else 0) for label, value in cells.items()]
    hidden = {label for label, value in cells.items() if is_small(value, threshold)}
    # Secondary suppression: total minus the visible cells gives the sum of the hidden ones. Hide the smallest
    # visible non-zero cells until no cell is hidden alone and that sum is no longer a small count.
    others = sorted((value, label) for label, value in cells.items() if label not in hidden and value > 0)
    while hidden and others and (len(hidden) == 1 or is_small(sum(cells[h] for h in hidden), threshold)):
        hidden.add(others.pop(0)[1])
    return [Cell(label, None if label in hidden else value) for label, value in cells.items()]


def published_count(value: int, threshold: int) -> Cell:
    """A single count published alone."""
    return Cell("", None if is_small(value, threshold) else value)
