"""``python -m parcours.estimation FICHIER.csv`` (see :mod:`parcours.estimation.cli`)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
