"""Dated rule settings (core.RuleSetting) for the agrément rules still to confirm."""

from __future__ import annotations

from datetime import date

from parcours.core.models import RuleSetting

from .rules import (
    COMMISSION_OPINION_REQUIRED,
    COMMISSION_OPINION_SETTING,
    OTHER_OPINION_MONTHS,
    OTHER_OPINION_SETTING,
)


def commission_opinion_required(day: date) -> bool:
    """Whether the commission's opinion is asked before the decision, as set on `day`."""
    row = RuleSetting.objects.in_force(COMMISSION_OPINION_SETTING, day)
    if row is None:
        return COMMISSION_OPINION_REQUIRED
    value = row.value
    if isinstance(value, dict):
        value = value.get("required", COMMISSION_OPINION_REQUIRED)
    return bool(value)


def other_opinion_months(day: date) -> int:
    """Months the other départements' secretariats have to give their opinion, as set on `day` (1 to 4)."""
    row = RuleSetting.objects.in_force(OTHER_OPINION_SETTING, day)
    if row is None:
        return OTHER_OPINION_MONTHS
    value = row.value.get("months") if isinstance(row.value, dict) else row.value
    try:
        months = int(value)
    except (TypeError, ValueError):
        return OTHER_OPINION_MONTHS
    return months if 1 <= months <= 4 else OTHER_OPINION_MONTHS
