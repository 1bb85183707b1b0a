"""Rules of the diagnostic territorial: statistical secrecy, campaign limits, reminders.

Every figure lives here, named, with its source.
"""

from __future__ import annotations

from datetime import date

# Statistical secrecy (ARCHITECTURE.md "Protection of personal data"; DOMAIN.md "figures"): a published
# cell counting fewer people than the threshold is hidden, with whatever would let it be recomputed.
# 11 is the threshold of French fiscal and health data and of IOM's trafficking data collaborative;
# it applies to anything that leaves the département (the report page and its PDF). The secretariat's
# own working screens show exact figures. Dated setting: core.RuleSetting key below.
SECRECY_THRESHOLD = 11
SECRECY_THRESHOLD_SETTING = "diagnostic.secrecy_threshold"
SECRECY_SOURCE = (
    "Secret statistique : seuil de 11 (données fiscales et de santé ; IOM CTDC) — DOMAIN.md, "
    "choix Parcours à confirmer par la commission"
)

# Estimates published in the report are rounded (an estimate is not a count; a precise-looking figure
# would overstate what the model knows).
PUBLISHED_ESTIMATE_ROUNDING = 10

# A structure's list: at most this many rows in one upload (a département's structures know at most a
# few hundred people each; the cap protects the server from an oversized payload).
MAX_LIST_ROWS = 5000

# Reminders: at most one per structure and per day (the idempotency key carries the date).
# The campaign's deadline must leave the structures time to answer.
MIN_DAYS_TO_ANSWER = 7

# Estimation needs at least two lists that were provided.
MIN_LISTS_FOR_ESTIMATE = 2


def secrecy_threshold(day: date) -> int:
    """The threshold in force on `day` (a RuleSetting row overrides the default from its date)."""
    from parcours.core.models import RuleSetting

    row = RuleSetting.objects.in_force(SECRECY_THRESHOLD_SETTING, day)
    if row is None:
        return SECRECY_THRESHOLD
    value = row.value.get("threshold") if isinstance(row.value, dict) else row.value
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return SECRECY_THRESHOLD
