"""The commission's rules: composition, mandates, quorum, the member portal. Each with its source.

Rules DOMAIN.md marks "to confirm" are also dated settings (`core.RuleSetting`): the values here are the
defaults, a row with a later effective date overrides them without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db import models

# Members are appointed by prefectoral arrêté for 3 years, renewable.
# Source: art. R. 121-12-7 CASF (décret n° 2016-1467 du 28 octobre 2016).
MANDATE_YEARS = 3

# A mandate ending within this many days is on the secretariat's board (issue: "within 90 days").
MANDATE_WARNING_DAYS = 90

# At least two meetings a year. Source: décret du 30 décembre 2025 (number to confirm, DOMAIN.md).
MIN_MEETINGS_PER_YEAR = 2

# Members see the agenda and the pseudonymised summaries from the convocation until this many days after
# the meeting, and nothing afterwards. A choice of the service (need-to-know), not a legal figure.
PORTAL_DAYS_AFTER_MEETING = 15

# A meeting can only be convened this many days ahead at least, so that members can prepare.
# Décret n° 2006-665, art. 9: convocation "cinq jours au moins avant la date de la réunion", sauf urgence
# (its application to the commission is to confirm, as for the quorum below).
CONVOCATION_NOTICE_DAYS = 5

# An appeal against the prefect's decision is brought before the administrative court within two months of
# its notification. Source: art. R. 421-1 du code de justice administrative. The notification date is the
# day the association hands the letter to the person (commission.Letter.notified_on).
APPEAL_DEADLINE_MONTHS = 2


def appeal_deadline(notified_on: date) -> date:
    """The last day of the appeal period (R. 421-1 CJA): two months from the notification, counted as a
    "délai franc" (neither the day of notification nor the day it falls on count: notified on 3 January, the
    appeal can be lodged until 4 March), extended to the next Monday when that day is a Saturday or Sunday
    (art. 642 du code de procédure civile, applied by the administrative courts). Public holidays are not
    known to Parcours: the letter states the rule, this date is a reminder."""
    from parcours.pathways.rules import add_months

    last = add_months(notified_on, APPEAL_DEADLINE_MONTHS) + timedelta(days=1)
    while last.weekday() >= 5:
        last += timedelta(days=1)
    return last


class College(models.TextChoices):
    STATE = "state", "Services de l'État"
    MAGISTRATES = "magistrates", "Magistrats"
    LOCAL_AUTHORITIES = "local_authorities", "Collectivités territoriales"
    HEALTH = "health", "Professionnels de santé"
    ASSOCIATIONS = "associations", "Associations"
    CHILD_PROTECTION = "child_protection", "Protection de l'enfance"


class SeatCategory(models.TextChoices):
    """The categories of members listed by art. R. 121-12-7 CASF, and those added in December 2025."""

    MAGISTRATE = "magistrate", "1° Magistrat de l'ordre judiciaire"
    SOCIAL_COHESION = "social_cohesion", "2° Directeur départemental chargé de la cohésion sociale (DDETS)"
    PUBLIC_SECURITY = "public_security", "3° Directeur départemental de la sécurité publique"
    JUDICIAL_POLICE = "judicial_police", "4° Directeur de la police judiciaire"
    GENDARMERIE = "gendarmerie", "5° Commandant du groupement de gendarmerie"
    FOREIGNERS = "foreigners", "6° Chef du service des étrangers de la préfecture"
    LABOUR = "labour", "7° Directeur départemental du travail (DDETS)"
    EDUCATION = "education", "8° Directeur académique des services de l'éducation nationale"
    DOCTOR = "doctor", "9° Médecin désigné par l'ordre des médecins"
    LOCAL_AUTHORITY = "local_authority", "10° Représentant des collectivités territoriales"
    ASSOCIATION = "association", "11° Représentant d'une association agréée"
    DEPARTMENT_PRESIDENT = (
        "department_president",
        "Président du conseil départemental (décret de décembre 2025)",
    )
    CHILD_PROTECTION = "child_protection", "Organisme de protection de l'enfance (décret de décembre 2025)"


COLLEGE_OF = {
    SeatCategory.MAGISTRATE: College.MAGISTRATES,
    SeatCategory.SOCIAL_COHESION: College.STATE,
    SeatCategory.PUBLIC_SECURITY: College.STATE,
    SeatCategory.JUDICIAL_POLICE: College.STATE,
    SeatCategory.GENDARMERIE: College.STATE,
    SeatCategory.FOREIGNERS: College.STATE,
    SeatCategory.LABOUR: College.STATE,
    SeatCategory.EDUCATION: College.STATE,
    SeatCategory.DOCTOR: College.HEALTH,
    SeatCategory.LOCAL_AUTHORITY: College.LOCAL_AUTHORITIES,
    SeatCategory.ASSOCIATION: College.ASSOCIATIONS,
    SeatCategory.DEPARTMENT_PRESIDENT: College.LOCAL_AUTHORITIES,
    SeatCategory.CHILD_PROTECTION: College.CHILD_PROTECTION,
}

# Police, gendarmerie and justice: a person in a PSP is not required to file a complaint, so these members
# never see the social follow-up, the address or the health section of a summary (the care/justice wall).
ENFORCEMENT_CATEGORIES = frozenset(
    {
        SeatCategory.MAGISTRATE,
        SeatCategory.PUBLIC_SECURITY,
        SeatCategory.JUDICIAL_POLICE,
        SeatCategory.GENDARMERIE,
    }
)

# The president of the conseil départemental and child-protection bodies do not sit on individual PSP files
# (décret du 30 décembre 2025, DOMAIN.md): they are not convened to restricted meetings.
NOT_ON_INDIVIDUAL_FILES = frozenset({SeatCategory.DEPARTMENT_PRESIDENT, SeatCategory.CHILD_PROTECTION})


# --- The formation that coordinates minor victims' individual pathways ---
#
# The décret of 30 December 2025 (number to confirm, DOMAIN.md) extends the commission to minor victims: it
# coordinates « des parcours individuels d'accompagnement de mineurs victimes » and meets « autant que de
# besoin » for it. Which categories sit in that formation: the president of the conseil départemental, the
# child-protection bodies (the arrêté names each seat: ASE, CRIP, PJJ), the magistrate (the prosecutor's
# referent magistrate for minors) and the associations. Dated setting (key below; the value is the list of
# category codes), to confirm against the text once its number and wording are checked.
COORDINATION_CATEGORIES_SETTING = "commission_coordination_categories"
COORDINATION_CATEGORIES_SOURCE = (
    "Décret du 30 décembre 2025 modifiant l'art. R. 121-12-7 CASF (numéro et liste à confirmer)"
)
COORDINATION_CATEGORIES = frozenset(
    {
        SeatCategory.DEPARTMENT_PRESIDENT,
        SeatCategory.CHILD_PROTECTION,
        SeatCategory.MAGISTRATE,
        SeatCategory.ASSOCIATION,
    }
)

# The legal basis on which the members of the coordination formation share what they know of a minor's
# situation: shared professional secrecy between the people who implement child protection or contribute to
# it, limited to what the protection mission needs. Source: art. L. 226-2-2 CASF (loi n° 2007-293 du 5 mars
# 2007). Stated on the meeting's and the situation's pages and on the convocation.
SHARING_LEGAL_BASIS = (
    "Article L. 226-2-2 du code de l'action sociale et des familles : par exception à l'article 226-13 du "
    "code pénal, les personnes soumises au secret professionnel qui mettent en œuvre la politique de "
    "protection de l'enfance ou qui lui apportent leur concours peuvent partager entre elles des "
    "informations à caractère secret afin d'évaluer une situation individuelle et de déterminer et mettre "
    "en œuvre les actions de protection et d'aide dont le mineur et sa famille peuvent bénéficier. Ce "
    "partage est strictement limité à ce qui est nécessaire à la mission de protection de l'enfance."
)


def sits_in_formation(category: str, kind: str, coordination_categories=COORDINATION_CATEGORIES) -> bool:
    """Whether a seat of `category` is convened to a meeting of formation `kind` (a MeetingKind value):
    the plenary gathers every seat; the restricted formation (individual PSP files) leaves out the seats
    that do not sit on individual files; the coordination formation gathers only its own categories."""
    if kind == "restricted":
        return category not in NOT_ON_INDIVIDUAL_FILES
    if kind == "coordination":
        return category in coordination_categories
    return True


# Quorum. Whether décret n° 2006-665 (commissions administratives à caractère consultatif) applies is to
# confirm (DOMAIN.md): its art. 14 requires half of the members present or represented. Dated setting.
QUORUM_SETTING = "commission_quorum"


@dataclass(frozen=True)
class QuorumRule:
    effective_from: date
    applies: bool
    fraction: Fraction  # share of the seats that must be filled (titular or substitute present)
    source: str


QUORUM_DEFAULTS = (
    QuorumRule(
        date(2016, 10, 30),
        True,
        Fraction(1, 2),
        "Décret n° 2006-665 du 7 juin 2006, art. 14 (application à la commission à confirmer)",
    ),
)


def quorum_rule(day: date, overrides: list[QuorumRule] | tuple = ()) -> QuorumRule:
    candidates = [r for r in (*QUORUM_DEFAULTS, *overrides) if r.effective_from <= day]
    return max(candidates, key=lambda r: r.effective_from)


def quorum_reached(seats_filled: int, seats_total: int, rule: QuorumRule) -> bool:
    if not rule.applies:
        return True
    if seats_total == 0:
        return False
    return Fraction(seats_filled, seats_total) >= rule.fraction


def seats_needed(seats_total: int, rule: QuorumRule) -> int:
    """The smallest number of filled seats that reaches the quorum."""
    if not rule.applies:
        return 0
    needed = rule.fraction * seats_total
    return int(needed) if needed.denominator == 1 else int(needed) + 1
