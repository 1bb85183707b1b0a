"""Dated rule settings stored in the database (core.RuleSetting) for rules still to confirm."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from parcours.core.models import RuleSetting
from parcours.core.sql_shapes import fixed_shape

from .rules import AFIS_SCALE_SETTING, AfisScale, afis_monthly_amount


def afis_overrides() -> list[AfisScale]:
    """The AFIS scales recorded in the database (core.RuleSetting), read on every rights tab: as values, the
    compiled SQL kept (core.sql_shapes)."""
    rows = fixed_shape(RuleSetting.objects.filter(key=AFIS_SCALE_SETTING)).values_list(
        "effective_from", "value", "source"
    )
    return [
        AfisScale(effective_from, Decimal(str(value["base"])), Decimal(str(value["per_child"])), source)
        for effective_from, value, source in rows
    ]


def current_afis_amount(day: date, dependent_children: int) -> Decimal:
    return afis_monthly_amount(day, dependent_children, afis_overrides())
