"""Dated rule settings (core.RuleSetting) for the rules still to confirm (rules.py holds the defaults)."""

from __future__ import annotations

from datetime import date

from parcours.core.models import RuleSetting

from . import rules


def _value(key: str, day: date, field: str, default):
    row = RuleSetting.objects.in_force(key, day)
    if row is None:
        return default
    value = row.value
    if isinstance(value, dict):
        value = value.get(field, default)
    return value


def observations_days(day: date) -> int:
    """Days given to present observations after the notice is handed over (CRPA L. 122-1), set on `day`."""
    return int(_value(rules.OBSERVATIONS_DAYS_SETTING, day, "days", rules.OBSERVATIONS_DAYS))


def commission_opinion_required(day: date) -> bool:
    """Whether the commission is consulted before ending a pathway or stopping the AFIS, set on `day`."""
    return bool(_value(rules.COMMISSION_OPINION_SETTING, day, "required", rules.COMMISSION_OPINION_FOR_END))


def silence_rule(day: date) -> str:
    """Which silence rule applies to a PSP request (« L. 231-1 » acceptance or « L. 231-4 » rejection)."""
    rule = _value(rules.SILENCE_SETTING, day, "rule", rules.SILENCE_RULE_DEFAULT)
    return rule if rule in rules.SILENCE_LABELS else rules.SILENCE_RULE_DEFAULT
