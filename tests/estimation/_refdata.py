"""Location and content of the reference data: ``$PARCOURS_SHARED_DIR/data/mse`` when set, else the copy
kept in the repository (``tests/estimation/data/mse``, the 14 published tables and their reference results,
copied from the project's shared material) so that a clean clone in CI always checks them."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

from parcours.estimation import CaptureTable, read_table

REPO = Path(__file__).resolve().parents[2]
_SHARED = os.environ.get("PARCOURS_SHARED_DIR")
MSE_DIR = Path(_SHARED) / "data" / "mse" if _SHARED else Path(__file__).resolve().parent / "data" / "mse"
HAVE_DATA = (MSE_DIR / "reference.json").is_file()
REFERENCE: dict = json.loads((MSE_DIR / "reference.json").read_text()) if HAVE_DATA else {"datasets": {}}
DATASETS: list[str] = sorted(REFERENCE["datasets"])

needs_data = pytest.mark.skipif(not HAVE_DATA, reason=f"reference data not found in {MSE_DIR}")


@cache
def load(name: str) -> CaptureTable:
    return read_table(MSE_DIR / REFERENCE["datasets"][name]["file"])


def ref(name: str) -> dict:
    return REFERENCE["datasets"][name]


def rel(a: float, b: float) -> float:
    """Relative difference."""
    return abs(a - b) / max(abs(b), 1e-300)
