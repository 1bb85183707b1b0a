"""The commission's rules: composition, mandates, quorum, the member portal. Each with its source.

Rules DOMAIN.md marks "to confirm" are also dated settings (`core.RuleSetting`): the values here are the
defaults, a row with a later effective date overrides them without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from django.db import models

# Members are appointed by prefectoral arrêté for 3 years, renewable. Source: décret n° 2006-665 du 7 juin
# 2006, art. 9 (the commission « est régie par les articles 8 et 9 du décret n° 2006-665 », art. R. 121-12-6
# CASF); the arrêté itself sets the composition (art. 8 of the same décret).
MANDATE_YEARS = 3

# A mandate ending within this many days is on the secretariat's board (issue: "within 90 days").
MANDATE_WARNING_DAYS = 90

# Plenary meetings « pour délibérer de la politique départementale » a year: at least one (art. R. 121-12-7
# CASF, décret n° 2016-1467: « au moins une fois par an » — wording to confirm), at least two since the décret
# of 30 December 2025 (number to confirm, DOMAIN.md). Only plenary meetings count (the restricted and the
# coordination formations examine individual cases). Dated setting (value: {"minimum": n}).
MIN_PLENARIES_SETTING = "commission_min_plenaries"


@dataclass(frozen=True)
class PlenaryRule:
    effective_from: date
    minimum: int
    source: str


MIN_PLENARIES_DEFAULTS = (
    PlenaryRule(
        date(2016, 10, 30),
        1,
        "Art. R. 121-12-7 CASF (décret n° 2016-1467 du 28 octobre 2016) : au moins une réunion par an "
        "(libellé à confirmer)",
    ),
    PlenaryRule(
        date(2025, 12, 31),
        2,
        "Décret du 30 décembre 2025 modifiant l'art. R. 121-12-7 CASF : au moins deux réunions par an sur la "
        "politique départementale (numéro et date d'effet à confirmer)",
    ),
)
# From this month on, the secretariat's board warns when fewer plenaries than the minimum are held or
# planned in the year (a choice of the service, issue 14: « an alert from June »).
PLENARY_ALERT_FROM_MONTH = 6


def plenary_rule(day: date, overrides: list[PlenaryRule] | tuple = ()) -> PlenaryRule:
    candidates = [r for r in (*MIN_PLENARIES_DEFAULTS, *overrides) if r.effective_from <= day]
    return max(candidates, key=lambda r: r.effective_from)


def plenary_alert(today: date, held_or_planned: int, minimum: int) -> bool:
    """Whether the board warns: from June, when fewer plenaries than the minimum are held or planned."""
    return today.month >= PLENARY_ALERT_FROM_MONTH and held_or_planned < minimum


# Members see the agenda and the pseudonymised summaries from the convocation until this many days after
# the meeting, and nothing afterwards. A choice of the service (need-to-know), not a legal figure.
PORTAL_DAYS_AFTER_MEETING = 15

# A meeting can only be convened this many days ahead at least, so that members can prepare.
# Décret n° 2006-672 du 8 juin 2006, art. 9 (« sauf urgence, les membres des commissions reçoivent, cinq jours
# au moins avant la date de la réunion, une convocation comportant l'ordre du jour »), codified since 2015 in
# the CRPA (section R. 133-3 to R. 133-15; article number to confirm, R. 133-8 or R. 133-9).
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
    from parcours.core.dates import add_months

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

# The care/justice wall. Police, gendarmerie and justice: a person in a PSP is not required to file a
# complaint,
# so these members never see the social follow-up, the address or the health section of a summary. The
# prefecture's foreigners' department (6°) sits behind the same wall: it decides on the person's residence
# permit, and what the person confides to the association about health or social life must not weigh on that
# decision; it receives, by its own letter, only what the residence permit needs (docs/commission.md).
ENFORCEMENT_CATEGORIES = frozenset(
    {
        SeatCategory.MAGISTRATE,
        SeatCategory.PUBLIC_SECURITY,
        SeatCategory.JUDICIAL_POLICE,
        SeatCategory.GENDARMERIE,
        SeatCategory.FOREIGNERS,
    }
)

# --- The categories of members, as dated data ---
#
# R. 121-12-7 CASF lists the categories of members. Its wording changed on 1 December 2023 (the police
# reform: the departmental directorates of public security and the judicial police directorates became the
# departmental (or interdepartmental) directorates of the national police — wording to confirm) and with the
# décret of 30 December 2025 (the president of the conseil départemental and child-protection bodies join;
# effective date to confirm). Each version: the day it applies from, the categories and their labels in that
# version, the source. A seat can only be added with a category in force the day it is added; a seat keeps
# its category when the wording later changes (the arrêté in force is not rewritten). A dated setting
# (`commission_seat_categories`, value: {"categories": [codes]}) can correct the list without a code change.
SEAT_CATEGORIES_SETTING = "commission_seat_categories"


@dataclass(frozen=True)
class CategoryVersion:
    effective_from: date
    labels: dict  # SeatCategory -> label in this version
    source: str


NATIONAL_POLICE_LABEL = "3° Directeur départemental ou interdépartemental de la police nationale"
_INITIAL = {
    c: c.label
    for c in SeatCategory
    if c not in (SeatCategory.DEPARTMENT_PRESIDENT, SeatCategory.CHILD_PROTECTION)
}
CATEGORY_VERSIONS = (
    CategoryVersion(
        date(2016, 10, 30), _INITIAL, "Art. R. 121-12-7 CASF (décret n° 2016-1467 du 28 octobre 2016)"
    ),
    CategoryVersion(
        date(2023, 12, 1),
        {
            **_INITIAL,
            SeatCategory.PUBLIC_SECURITY: NATIONAL_POLICE_LABEL,
            SeatCategory.JUDICIAL_POLICE: "4° Chef du service de police judiciaire compétent (filière police "
            "judiciaire de la police nationale)",
        },
        "Art. R. 121-12-7 CASF, rédaction en vigueur au 1er décembre 2023 (réforme de la police nationale ; "
        "libellés à confirmer)",
    ),
    CategoryVersion(
        date(2025, 12, 31),
        {
            **_INITIAL,
            SeatCategory.PUBLIC_SECURITY: NATIONAL_POLICE_LABEL,
            SeatCategory.JUDICIAL_POLICE: "4° Chef du service de police judiciaire compétent (filière police "
            "judiciaire de la police nationale)",
            SeatCategory.DEPARTMENT_PRESIDENT: SeatCategory.DEPARTMENT_PRESIDENT.label,
            SeatCategory.CHILD_PROTECTION: SeatCategory.CHILD_PROTECTION.label,
        },
        "Décret du 30 décembre 2025 modifiant l'art. R. 121-12-7 CASF (numéro et date d'effet à confirmer)",
    ),
)


def category_version(day: date) -> CategoryVersion:
    return max((v for v in CATEGORY_VERSIONS if v.effective_from <= day), key=lambda v: v.effective_from)


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
# Source: Décret du 30 décembre 2025 modifiant l'art. R. 121-12-7 CASF (numéro et liste à confirmer)
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


# --- Quorum, proxies, votes (décret n° 2006-672 du 8 juin 2006, art. 9 to 14, codified in the CRPA) ---
#
# The commission gives a compulsory opinion before a decision about a person (art. L. 121-9 CASF): chapter III
# of décret n° 2006-672 applies (art. 8), now art. R. 133-3 and following of the code des relations entre le
# public et l'administration (décret n° 2015-1342 du 23 octobre 2015). Texts read (2006-672):
#   art. 10 — a member who is not replaced by a substitute may give a proxy to another member; nobody holds
#             more than one proxy (CRPA R. 133-11? — article number to confirm);
#   art. 11 — quorum: half at least of the members « composant la commission » present, including those taking
#             part by telephone or video conference, or having given a proxy; when it is not reached, the
#             commission deliberates validly without quorum after a new convocation on the same agenda that
#             says no quorum will be required (CRPA R. 133-10 — to confirm);
#   art. 12 — majority of the votes of the members present or represented; the chair, when entitled to vote,
#             has a casting vote on a tie (CRPA R. 133-11 or R. 133-12 — to confirm);
#   art. 14 — the minutes give the names of the members present, the questions dealt with and the sense of
# each
#             deliberation, the proxies; any member may ask that their disagreement with the opinion be
#             mentioned (CRPA R. 133-13 — to confirm).
# The quorum's share is the arrêté's (`Arrete.quorum_percent`, décret n° 2006-665 art. 8: the prefect's arrêté
# sets the composition and the functioning); this is only its default, half of the seats.
DEFAULT_QUORUM_PERCENT = 50
QUORUM_SOURCE = "Décret n° 2006-672, art. 11 (art. R. 133-10 CRPA, à confirmer)"
RECONVENED_SOURCE = (
    "Décret n° 2006-672, art. 11, al. 2 (art. R. 133-10 CRPA, à confirmer) : séance convoquée de nouveau "
    "sur le même ordre du jour, sans condition de quorum"
)

# A proxy: one per member, given only by a member who is not replaced by their substitute (art. 10).
MAX_PROXIES_HELD = 1


@dataclass(frozen=True)
class QuorumRule:
    applies: bool
    fraction: Fraction  # share of the seats that must be filled (present, remote, or represented)
    source: str


def quorum_rule_of(percent: int | None, *, reconvened: bool = False) -> QuorumRule:
    """The quorum an arrêté sets (`percent` of its seats; 0: none), or none for a meeting convened again on
    the same agenda after the quorum failed."""
    if reconvened:
        return QuorumRule(False, Fraction(0), RECONVENED_SOURCE)
    if percent is None:
        percent = DEFAULT_QUORUM_PERCENT
    if percent == 0:
        return QuorumRule(False, Fraction(0), "L'arrêté de composition ne fixe pas de quorum")
    return QuorumRule(True, Fraction(percent, 100), f"{QUORUM_SOURCE} ; {percent} % des sièges de l'arrêté")


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


class VoteError(ValueError):
    """Vote counts that cannot be: the message says why, in French."""


def vote_outcome(votes_for: int, votes_against: int, abstentions: int, voters: int, casting: str = "") -> str:
    """The opinion a vote gives (art. 12 of décret n° 2006-672): « favourable » when more votes are for a
    favourable opinion than against, « unfavourable » when fewer; on a tie, the chair's casting vote
    (`casting`: "favourable" or "unfavourable") decides. `voters` is the number of members present or
    represented who may vote on the item: the votes cast (abstentions included) cannot exceed it."""
    if min(votes_for, votes_against, abstentions) < 0:
        raise VoteError("Un nombre de voix ne peut pas être négatif.")
    if votes_for + votes_against + abstentions > voters:
        raise VoteError(
            f"{votes_for + votes_against + abstentions} voix décomptées pour {voters} membre(s) présent(s) "
            "ou représenté(s) pouvant voter sur ce point : corrigez le décompte."
        )
    if votes_for > votes_against:
        return "favourable"
    if votes_against > votes_for:
        return "unfavourable"
    if casting not in ("favourable", "unfavourable"):
        raise VoteError("Partage égal des voix : indiquez le sens de la voix prépondérante de la présidence.")
    return casting


# --- Written consultation between meetings (ordonnance n° 2014-1329 du 6 novembre 2014, art. 3 and 4;
# décret n° 2014-1627 du 26 décembre 2014) ---
#
# The chair may have the commission deliberate by written exchanges sent electronically: the members are told
# when the deliberation opens and when it closes at the earliest, each takes part through an identified
# account, and the deliberation is valid only if half at least of the members took part (the arrêté's quorum
# applies to the participants). Parcours uses it for renewals and urgent requests, so that a late meeting
# does not leave a person without rights. The minimum and maximum length are choices of the service (to
# confirm with the prefecture's legal service).
WRITTEN_CONSULTATION_MIN_DAYS = 3
WRITTEN_CONSULTATION_MAX_DAYS = 30
WRITTEN_CONSULTATION_SOURCE = (
    "Ordonnance n° 2014-1329 du 6 novembre 2014, art. 3 et 4 ; décret n° 2014-1627 du 26 décembre 2014"
)
