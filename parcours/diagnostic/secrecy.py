"""Statistical secrecy of the diagnostic's published tables: the shared `parcours.secrecy` package."""

from parcours.secrecy.tables import HIDDEN_LABEL, Cell, is_small, published_count, suppress

__all__ = ["HIDDEN_LABEL", "Cell", "is_small", "published_count", "suppress"]
