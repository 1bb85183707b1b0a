"""Rules of conventions and of the departmental strategy.

The statistical-secrecy threshold is not defined here: the figures shown to partners use the dated setting of
the diagnostic (`parcours.diagnostic.rules.secrecy_threshold`, 11 by default), the one rule for every figure
that leaves the secretariat (docs/secret-statistique.md).
"""

from __future__ import annotations

# A convention runs for at most this long in one go (Parcours' bound on input, not a legal rule: the Rhône
# convention of 9 June 2023 and the usual partnership conventions run one to three years, renewable; ten years
# catches a typing error such as 2203 for 2023 without refusing any real text).
MAX_CONVENTION_MONTHS = 120

# The departmental strategy is multi-year (national strategy against the prostitution system, 2 May 2024,
# which asks each commission for one); Parcours bounds it to this many years to catch a typing error.
MAX_STRATEGY_YEARS = 10

# Largest target or manual value accepted (a count of a département's activity, or euros).
MAX_FIGURE = 10_000_000
