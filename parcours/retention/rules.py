"""Retention regimes (docs/conservation.md, docs/regles.md), each a dated `core.RuleSetting` with its source,
seeded by migration 0001: the values here are the defaults a row overrides from its effective date. All are
to confirm with the DPO and the départemental archives service (`confirmed=False` on the rows).

The detections' two regimes (minors, adults) stay where they were defined: parcours.referrals.rules.
"""

from __future__ import annotations

from datetime import date

# Association follow-up files (person, aliases, identity documents, notes, consents and shares, interpreting
# sessions, housing, pathway documents and plan): kept this many years after the person's last contact
# (retention.services.last_contact), then deleted, or anonymised when a State act refers to them.
# Source: CNIL, référentiel relatif aux traitements de données à caractère personnel mis en œuvre dans le
# secteur social et médico-social (délibération n° 2021-055 du 15 avril 2021), durée en base active :
# 2 ans après le dernier contact avec la personne accompagnée.
FOLLOW_UP_SETTING = "retention.follow_up_years"
FOLLOW_UP_YEARS = 2
FOLLOW_UP_SOURCE = (
    "CNIL, référentiel « secteur social et médico-social » (délibération n° 2021-055 du 15 avril 2021) — "
    "2 ans après le dernier contact, à confirmer"
)

# State acts (the prefect's decisions and their letters, the commission's minutes, the composition
# arrêtés): useful to the administration (DUA) this many years after the end of the act's year, then
# « à verser » to the archives service (sort final : versement, conservation définitive), never destroyed by
# the application. Source: Code du patrimoine, art. L. 211-4 (public archives), L. 212-2 (selection at the end
# of the administrative usefulness, under the control of the archives' administration) and L. 212-3 (no
# destruction without its visa); instruction DAF/DPACI/RES/2009/018 du 28 août 2009 (tri et conservation
# des archives des préfectures, décisions individuelles : DUA 5 ans, versement) — to confirm with the
# départemental archives service, which fixes the tableau de gestion.
STATE_ACTS_SETTING = "retention.state_acts_dua_years"
STATE_ACTS_YEARS = 5
STATE_ACTS_SOURCE = (
    "Code du patrimoine, art. L. 212-2 et L. 212-3 ; instruction DAF/DPACI/RES/2009/018 (archives des "
    "préfectures) — DUA 5 ans après l'année de l'acte, puis versement, à confirmer avec les Archives "
    "départementales"
)

# Audit and access logs: CNIL, recommandation relative aux mesures de journalisation (délibération
# n° 2021-122 du 14 octobre 2021): 6 months to 1 year. 12 months: the secretariat reads who opened a
# sensitive file over a year of pathway (periods of 6 months, renewals).
AUDIT_SETTING = "retention.audit_months"
AUDIT_MONTHS = 12
AUDIT_SOURCE = (
    "CNIL, recommandation relative à la journalisation (délibération n° 2021-122 du 14 octobre 2021) — "
    "6 mois à 1 an ; 12 mois retenus, à confirmer"
)

# The date the rows above take effect (the CNIL frameworks predate the application).
EFFECTIVE_FROM = date(2021, 4, 15)

SETTINGS = (
    (FOLLOW_UP_SETTING, "years", FOLLOW_UP_YEARS, FOLLOW_UP_SOURCE),
    (STATE_ACTS_SETTING, "years", STATE_ACTS_YEARS, STATE_ACTS_SOURCE),
    (AUDIT_SETTING, "months", AUDIT_MONTHS, AUDIT_SOURCE),
)


def _setting(key: str, unit: str, default: int, day: date) -> int:
    from parcours.core.models import RuleSetting

    row = RuleSetting.objects.in_force(key, day)
    if row is None:
        return default
    value = row.value.get(unit) if isinstance(row.value, dict) else row.value
    return int(value) if value is not None else default


def follow_up_years(day: date) -> int:
    return _setting(FOLLOW_UP_SETTING, "years", FOLLOW_UP_YEARS, day)


def state_acts_years(day: date) -> int:
    return _setting(STATE_ACTS_SETTING, "years", STATE_ACTS_YEARS, day)


def audit_months(day: date) -> int:
    return _setting(AUDIT_SETTING, "months", AUDIT_MONTHS, day)


def years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
