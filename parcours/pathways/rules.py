"""Every legal duration, cap and amount of the PSP, in one place, each with its source.

Rules marked "to confirm" (DOMAIN.md) are also dated settings (`core.RuleSetting`): the values here are the
defaults, and a row with a later effective date overrides them without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from parcours.core.dates import add_months, first_of_month, months_between, months_end

# Authorisation period: 6 months from the prefect's decision, renewable.
# Source: art. R. 121-12-10 CASF (décret n° 2016-1467 du 28 octobre 2016). Exact wording to confirm.
PERIOD_MONTHS = 6

# Cap: 24 months at most in all, i.e. the first period and up to 3 renewals.
# Source: art. R. 121-12-10 CASF as read by the ministry, the Senate and the Assemblée nationale. To confirm.
MAX_PATHWAY_MONTHS = 24

MAX_PERIODS = MAX_PATHWAY_MONTHS // PERIOD_MONTHS

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


def can_renew(periods: list[tuple[date, date]], carried: int = 0) -> bool:
    """Whether one more period fits under the cap; `carried` are the months the person already used in
    earlier pathways (another département, another association): the cap is counted per person."""
    return carried + months_used(periods) + PERIOD_MONTHS <= MAX_PATHWAY_MONTHS


def next_period(
    periods: list[tuple[date, date]],
    decision_date: date,
    requested_start: date | None = None,
    carried: int = 0,
) -> tuple[date, date]:
    """The period an authorisation opens: never overlapping the previous one, never past the cap.

    `periods` are the pathway's existing (start, end) pairs; `carried` the months used in the person's earlier
    pathways. Raises RuleError with a French message.
    """
    if not can_renew(periods, carried):
        already = f" (dont {carried} mois dans un parcours antérieur)" if carried else ""
        raise RuleError(
            f"Le parcours a déjà atteint la durée maximale de {MAX_PATHWAY_MONTHS} mois{already} "
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


# --- AFIS month by month ------------------------------------------------------------------------------------

# The AFIS is a monthly aid paid by the MSA (art. D. 121-12-15 and D. 121-12-16 CASF, décret n° 2017-542):
# each month of the payment is due on the scale in force on the first day of that month, with the number of
# dependent children recorded for that month. A revaluation therefore reaches every current recipient from its
# effective month. Whether the first and last months are prorated to the days is not said by the decree: the
# MSA's practice is to confirm (docs/regles.md); Parcours shows a full month for each month started
# (afis_schedule).

# Eligibility (art. R. 121-12-13-1 CASF, in force since 1 May 2021, formerly D. 121-12-14): over 18; French,
# EU/EEA/Swiss national or holding a residence document of L. 411-1 CESEDA, a renewal receipt or an APS that
# allows work; monthly resources of the household, the month before the claim, below the RSA lump sum for a
# person alone (L. 262-2 CASF); neither receiving nor entitled to the RSA (L. 262-2 CASF) nor the ADA
# (L. 553-1 CESEDA). Parcours warns on each condition that looks unmet, it never blocks: the prefect decides.
AFIS_ELIGIBILITY_SOURCE = "art. R. 121-12-13-1 CASF"

# Days after a notice is sent to the payer without acknowledgement before it shows on the « À traiter » board
# (a stop or suspension not received by the payer is paid anyway: the overpayment is then claimed back from
# the person). Project choice, to confirm with the MSA's convention (docs/regles.md).
PAYER_ACK_DAYS = 15


@dataclass(frozen=True)
class AfisMonth:
    month: date  # first day of the month
    amount: Decimal
    children: int
    suspended: bool
    scale: AfisScale


def afis_schedule(
    start: date,
    end: date,
    *,
    children: int,
    children_changes: list[tuple[date, int]] | None = None,
    suspensions: list[tuple[date, date | None]] | None = None,
    overrides: list[AfisScale] | None = None,
) -> list[AfisMonth]:
    """The AFIS due month by month from the month of `start` to the month of `end`.

    `children` is the number at the grant; `children_changes` are (first month, number) from that month on;
    `suspensions` are (first suspended month, first month paid again or None) — no amount is due in between.
    Each month is computed on the scale in force on its first day (a revaluation reaches current
    recipients)."""
    if end < start:
        raise RuleError("La fin du versement ne peut pas précéder son début.")
    changes = sorted(children_changes or [])
    if any(n < 0 for _, n in changes) or children < 0:
        raise RuleError("Le nombre d'enfants à charge ne peut pas être négatif.")
    lines = []
    for month in months_between(start, end):
        count = children
        for effective, number in changes:
            if first_of_month(effective) <= month:
                count = number
        suspended = any(
            first_of_month(s) <= month and (r is None or month < first_of_month(r))
            for s, r in suspensions or []
        )
        day = max(month, start)  # the first month: the scale in force when the payment starts
        scale = afis_scale_on(day, overrides)
        amount = Decimal("0.00") if suspended else afis_monthly_amount(day, count, overrides)
        lines.append(AfisMonth(month, amount, count, suspended, scale))
    return lines


def afis_total(lines: list[AfisMonth]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def afis_eligibility_warnings(
    *,
    age: int,
    administrative_status: str,
    has_work_permit_document: bool,
    resources_below_rsa: bool | None,
    rsa_entitled: bool | None,
    ada_entitled: bool | None,
) -> list[str]:
    """What looks unmet among the AFIS conditions (French, one line each): warnings, never a refusal."""
    warnings = []
    if age < AFIS_MIN_AGE:
        warnings.append(f"La personne a moins de {AFIS_MIN_AGE} ans.")
    if administrative_status in ("asylum", "undocumented") and not has_work_permit_document:
        warnings.append(
            "Situation administrative : ni nationalité française ou européenne, ni titre de séjour, ni APS "
            "autorisant à travailler enregistrés (une APS délivrée au titre du parcours ouvre le droit)."
        )
    if resources_below_rsa is False:
        warnings.append(
            "Ressources du mois précédant la demande égales ou supérieures au montant forfaitaire du RSA "
            "pour une personne seule."
        )
    elif resources_below_rsa is None:
        warnings.append("Ressources du mois précédant la demande non renseignées.")
    if rsa_entitled:
        warnings.append("La personne perçoit le RSA ou peut y prétendre.")
    if ada_entitled:
        warnings.append("La personne perçoit l'allocation pour demandeur d'asile (ADA) ou peut y prétendre.")
    return warnings


# --- Residence permit ---------------------------------------------------------------------------------------

# Foreign victims who file a complaint or testify against traffickers or procurers receive a temporary
# residence card (« vie privée et familiale ») for the length of the proceedings: art. L. 425-1 CESEDA. It is
# a route of its own, open with or without a PSP (the PSP route being L. 425-4, APS of at least 6 months).
PERMIT_ROUTE_COMPLAINT = "L. 425-1 CESEDA"
PERMIT_ROUTE_PSP = "L. 425-4 CESEDA"


def aps_too_short(issued_on: date | None, expires_on: date | None) -> bool:
    """Whether an APS issued for a PSP runs for less than the 6 months of art. L. 425-4 CESEDA."""
    if issued_on is None or expires_on is None:
        return False
    return expires_on < add_months(issued_on, APS_MIN_MONTHS) - timedelta(days=1)


# --- Transfers ----------------------------------------------------------------------------------------------


def carried_months(periods: list[tuple[date, date]]) -> int:
    """Months a person used in earlier pathways (other départements, other associations) that count towards
    the cap of MAX_PATHWAY_MONTHS, counted as the code counts them: PERIOD_MONTHS per authorised period."""
    return months_used(periods)


# Why the AFIS is stopped without Parcours's prior adversarial procedure (parcours.appeals). Stopping the AFIS
# against the person's will withdraws a right she holds: an unfavourable decision, motivated, after she could
# present her observations (CRPA L. 121-1, L. 122-1, L. 211-2), which the procedure « Arrêter l'AFIS
# (préavis) » carries. The direct stop is kept for what is not such a decision — her own written request,
# her death — and for a decision whose hearing was held outside Parcours (on paper), its notice date recorded.
AFIS_STOP_AT_REQUEST = "request"
AFIS_STOP_DEATH = "death"
AFIS_STOP_HEARING_OUTSIDE = "outside"
AFIS_DIRECT_STOP_CAUSES = (
    (AFIS_STOP_AT_REQUEST, "À la demande écrite de la personne"),
    (AFIS_STOP_DEATH, "Décès de la personne"),
    (
        AFIS_STOP_HEARING_OUTSIDE,
        "Décision prise hors Parcours après procédure contradictoire (préavis remis)",
    ),
)
