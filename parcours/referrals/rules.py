"""Rules of detection, protection and referral, each with its source (or marked as the project's choice).

Retention periods are dated settings (core.RuleSetting, seeded by migration 0004): the values here are the
defaults a row overrides from its effective date (docs/reperage.md, docs/regles.md).
"""

from __future__ import annotations

from datetime import date

from parcours.core.dates import age_on
from parcours.people.rules import AGE_OF_MAJORITY

from .models import AgeBand

# The national child-protection hotline (Allô enfance en danger, SNATED), free, every day at any hour.
# Source: art. L. 226-6 CASF.
CHILD_PROTECTION_HOTLINE = "119"

# A referral accepted without a first contact after this many days goes on the association's board.
# Not a legal deadline: the project's choice, for the follow-up the Rhône convention of 9 June 2023 asks.
FIRST_CONTACT_WARNING_DAYS = 15

# Retention of detections, by age at detection (keys of core.RuleSetting; values in years).
# Source: CNIL, référentiel relatif aux traitements de données à caractère personnel mis en œuvre dans le
# cadre de la protection de l'enfance et des jeunes majeurs de moins de vingt-et-un ans (adopté le
# 20 janvier 2022) for minors; CNIL, référentiel relatif aux traitements de données dans le secteur social
# et médico-social (2021) for adults. Both to confirm against the texts: dated settings.
RETENTION_MINOR_SETTING = "referrals.retention_minor_years"
RETENTION_ADULT_SETTING = "referrals.retention_adult_years"
RETENTION_MINOR_YEARS = 2  # after the last act on the detection (transmission, feedback, closing)
RETENTION_ADULT_YEARS = 2  # after the last contact (referral answered, first contact, closing)
# Source: CNIL, référentiel « protection de l'enfance et jeunes majeurs de moins de 21 ans » adopté le 20
# janvier 2022 — 2 ans après la dernière intervention, à confirmer
# Source: CNIL, référentiel « secteur social et médico-social » (2021) — 2 ans après le dernier contact, à
# confirmer


def age_band_for(birth_date: date, day: date) -> str:
    """The age band of someone born on `birth_date`, on `day`."""
    age = age_on(birth_date, day)
    if age < 15:
        return AgeBand.UNDER_15
    if age < AGE_OF_MAJORITY:
        return AgeBand.FROM_15_TO_17
    if age <= 21:
        return AgeBand.FROM_18_TO_21
    if age <= 25:
        return AgeBand.FROM_22_TO_25
    return AgeBand.OVER_25


def retention_years(*, minor: bool, day: date) -> int:
    """The retention period in force on `day` for a minor's or an adult's detection."""
    from parcours.core.models import RuleSetting

    key, default = (
        (RETENTION_MINOR_SETTING, RETENTION_MINOR_YEARS)
        if minor
        else (RETENTION_ADULT_SETTING, RETENTION_ADULT_YEARS)
    )
    row = RuleSetting.objects.in_force(key, day)
    if row is None:
        return default
    value = row.value.get("years") if isinstance(row.value, dict) else row.value
    return int(value) if value is not None else default
