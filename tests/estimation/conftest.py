"""Estimation tests: plain pytest, no Django needed.

The reference tables live in ``$PARCOURS_SHARED_DIR/data/mse`` (default: tests/estimation/data/mse);
tests needing them are skipped when the folder is absent.  The parent ``tests/conftest.py``
imports Django, so to run these tests without the Django plugin use::

    .venv/bin/python -m pytest tests/estimation -q -p no:django --confcutdir=tests/estimation

(with the Django plugin, ``pytest tests/estimation`` works as well).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ._refdata import HAVE_DATA, MSE_DIR


@pytest.fixture(scope="session")
def mse_dir() -> Path:
    if not HAVE_DATA:
        pytest.skip(f"reference data not found in {MSE_DIR}")
    return MSE_DIR
