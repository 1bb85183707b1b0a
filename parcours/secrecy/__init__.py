"""Statistical secrecy for every published figure of Parcours (no Django import).

See docs/secret-statistique.md.

- `tables`: one table at a time, primary and secondary suppression (a cell of 1 to threshold-1 people hidden,
  and whatever would give it back from the table's total);
- `audit`: across tables, linear algebra: no sensitive cell may be a linear combination of everything
  published together; `protect` withholds more figures until none is.
"""

from .audit import Figure, determined, disclosures, protect
from .tables import HIDDEN_LABEL, Cell, is_small, published_count, suppress

__all__ = [
    "HIDDEN_LABEL",
    "Cell",
    "Figure",
    "determined",
    "disclosures",
    "is_small",
    "protect",
    "published_count",
    "suppress",
]
