"""Every legal duration, cap and amount of the PSP, in one place, each with its source.

Rules marked "to confirm" (DOMAIN.md) are also dated settings (`core.RuleSetting`): the values here are the
defaults, and a row with a later effective date overrides them without a code change.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# Authorisation period: 6 months from the prefect's decision, renewable.
# Source: art. R. 121-12-10 CASF (décret n° 2016-1467 du 28 octobre 2016). Exact wording to confirm.
PERIOD_MONTHS = 6

# Cap: 24 months at most in all, i.e. the first period and up to 3 renewals.
# Source: art. R. 121-12-10 CASF as read by the ministry, the Senate and the Assemblée nationale. To confirm.
MAX_PATHWAY_MONTHS = 24

MAX_PERIODS = MAX_PATHWAY_MONTHS // PERIOD_MONTHS

# Age of majority: a person under it cannot be entered into a PSP (a minor in prostitution is a child in
# danger: the child-protection route, CASF L. 226-3 and L. 226-4, not a pathway with consent).
# Source: art. 414 du Code civil (« La majorité est fixée à dix-huit ans accomplis »).
AGE_OF_MAJORITY = 18

MINOR_REFUSED = (
    "Une personne mineure ne peut pas entrer dans un parcours de sortie de la prostitution : elle relève "
    "de la protection de l'enfance (information préoccupante à la CRIP, ou signalement au procureur de la "
    "République si le danger est grave et immédiat). Enregistrez un repérage pour être guidé·e."
)

# AFIS eligibility: the person must be over 18. Source: art. D. 121-12-14 CASF (décret n° 2017-542).
AFIS_MIN_AGE = 18

# APS for foreign nationals: at least 6 months, renewed for the length of the pathway.
# Source: art. L. 425-4 CESEDA (formerly L. 316-1-1).
APS_MIN_MONTHS = 6


@dataclass(frozen=True)
class AfisScale:
    effective_from: date
    base: Decimal  # monthly amount for a person alone, in euros
    per_child: Decimal  # increase per dependent child, in euros
    source: str


# AFIS monthly amount, paid by the MSA. Dated scale: the amounts are "to confirm" (DOMAIN.md).
AFIS_SCALE_DEFAULTS = (
    AfisScale(
        date(2017, 4, 15),
        Decimal("330.00"),
        Decimal("102.00"),
        "Décret n° 2017-542 du 13 avril 2017, art. D. 121-12-16 CASF",
    ),
    AfisScale(
        date(2022, 7, 1),
        Decimal("343.20"),
        Decimal("106.08"),
        "Décret n° 2022-1340 (revalorisation de 4 % au 1er juillet 2022) — à confirmer",
    ),
)
AFIS_SCALE_SETTING = "afis_scale"


class RuleError(ValueError):
    """A rule of the law forbids the operation; the message (French) says why."""


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_day_of_next_month(day: date) -> date:
    """When a stop decided by the prefect takes effect on the AFIS: « à compter du mois suivant la
    décision » (décret n° 2017-542 du 13 avril 2017 relatif à l'AFIS, art. D. 121-12-14 et suivants CASF;
    DOMAIN.md). The AFIS of the decision's month stays due."""
    return add_months(day.replace(day=1), 1)


def months_end(start: date, months: int) -> date:
    """Last day of a span of `months` months starting on `start`, counted from date to date.

    It ends the day before the same day of the month `months` later (15 March + 6 months → 14 September).
    When that month has no such day (31 August → "31 February"), it ends on the last day of that month
    (28 or 29 February): the span is never shorter than its months. This follows the computation of terms
    in months (art. 641 of the code de procédure civile); the decree says nothing more precise. To confirm
    with the prefecture's legal service (docs/regles.md).
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return date(year, month, last_day)
    return date(year, month, start.day) - timedelta(days=1)


def period_end(start: date) -> date:
    """Last day of a period that starts on `start` (6 months, date to date)."""
    return months_end(start, PERIOD_MONTHS)


def _contiguous_run(periods: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The last periods that follow each other without a gap, oldest first."""
    ordered = sorted(periods)
    run = [ordered[-1]]
    for start, end in reversed(ordered[:-1]):
        if run[0][0] == end + timedelta(days=1):
            run.insert(0, (start, end))
        else:
            break
    return run


def months_used(periods: list[tuple[date, date]]) -> int:
    return PERIOD_MONTHS * len(periods)


def can_renew(periods: list[tuple[date, date]]) -> bool:
    return months_used(periods) + PERIOD_MONTHS <= MAX_PATHWAY_MONTHS


def next_period(
    periods: list[tuple[date, date]], decision_date: date, requested_start: date | None = None
) -> tuple[date, date]:
    """The period an authorisation opens: never overlapping the previous one, never past the cap.

    `periods` are the pathway's existing (start, end) pairs. Raises RuleError with a French message.
    """
    if not can_renew(periods):
        raise RuleError(
            f"Le parcours a déjà atteint la durée maximale de {MAX_PATHWAY_MONTHS} mois "
            f"({MAX_PERIODS} périodes de {PERIOD_MONTHS} mois) : "
            "aucune nouvelle période ne peut être ouverte."
        )
    earliest = decision_date
    if periods:
        previous_end = max(end for _, end in periods)
        earliest = max(decision_date, previous_end + timedelta(days=1))
        if requested_start is not None and requested_start <= previous_end:
            raise RuleError(
                "La nouvelle période chevaucherait la précédente, qui se termine le "
                f"{previous_end:%d/%m/%Y} : elle doit commencer au plus tôt le "
                f"{previous_end + timedelta(days=1):%d/%m/%Y}."
            )
    start = requested_start or earliest
    if start < decision_date:
        raise RuleError(
            f"La période ne peut pas commencer avant la décision du préfet ({decision_date:%d/%m/%Y})."
        )
    if periods and start == max(end for _, end in periods) + timedelta(days=1):
        # A renewal that follows on: the months are counted from the start of the run it continues, so that
        # back-to-back periods never drift past the cap at month ends (29 August + 24 months → 28 August).
        run = _contiguous_run(periods)
        return start, months_end(run[0][0], PERIOD_MONTHS * (len(run) + 1))
    return start, period_end(start)


def afis_scale_on(day: date, overrides: list[AfisScale] | None = None) -> AfisScale:
    scales = sorted([*AFIS_SCALE_DEFAULTS, *(overrides or [])], key=lambda s: s.effective_from)
    applicable = [s for s in scales if s.effective_from <= day]
    if not applicable:
        raise RuleError(f"L'AFIS n'existait pas au {day:%d/%m/%Y} (décret n° 2017-542 du 13 avril 2017).")
    return applicable[-1]


def afis_monthly_amount(
    day: date, dependent_children: int, overrides: list[AfisScale] | None = None
) -> Decimal:
    """Monthly AFIS for a person with `dependent_children`, on the scale in force on `day`."""
    if dependent_children < 0:
        raise RuleError("Le nombre d'enfants à charge ne peut pas être négatif.")
    scale = afis_scale_on(day, overrides)
    return (scale.base + scale.per_child * dependent_children).quantize(Decimal("0.01"))


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
