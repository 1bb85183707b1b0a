"""Dated rule settings stored in the database (core.RuleSetting) for rules still to confirm."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from parcours.core.models import RuleSetting

from .rules import AFIS_SCALE_SETTING, AfisScale, afis_monthly_amount


def afis_overrides() -> list[AfisScale]:
    return [
        AfisScale(
            row.effective_from,
            Decimal(str(row.value["base"])),
            Decimal(str(row.value["per_child"])),
            row.source,
        )
        for row in RuleSetting.objects.filter(key=AFIS_SCALE_SETTING)
    ]


def current_afis_amount(day: date, dependent_children: int) -> Decimal:
    return afis_monthly_amount(day, dependent_children, afis_overrides())
