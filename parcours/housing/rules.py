"""Legal durations and shares of the housing route, each with its source."""

from __future__ import annotations

from datetime import date

from parcours.core.dates import add_months

# The mediation commission (commission de médiation DALO) decides within 3 months of a complete recourse;
# 6 months in the overseas départements and in the départements with an agglomeration of more than 300,000
# inhabitants. Source: art. R. 441-15 du code de la construction et de l'habitation (CCH). Which of the two
# applies to a département is to confirm (docs/regles.md); the 3-month default is the general rule.
DALO_DECISION_MONTHS = 3
DALO_DECISION_MONTHS_LARGE_AGGLOMERATION = 6

# The prefect's reserved quota (contingent préfectoral): at most 25 % of the social landlords' housing units
# for priority households (plus 5 % for public servants). Source: art. L. 441-1 and R. 441-5 CCH.
PREFECT_QUOTA_PERCENT = 25

# People engaged in a PSP are among the priority publics for social housing (art. L. 441-1 CCH, as amended by
# loi n° 2016-444 du 13 avril 2016, art. 6 — letter of the list to confirm in the consolidated text).
PRIORITY_SOURCE = "art. L. 441-1 CCH (loi n° 2016-444 du 13 avril 2016)"


def dalo_decision_due(filed_on: date, *, large_agglomeration: bool = False) -> date:
    """The day by which the mediation commission should have decided on a DALO recourse filed on
    `filed_on`."""
    months = DALO_DECISION_MONTHS_LARGE_AGGLOMERATION if large_agglomeration else DALO_DECISION_MONTHS
    return add_months(filed_on, months)


def delay_days(filed_on: date, housed_on: date | None) -> int | None:
    """Days from the social-housing request to the entry into the housing (None while not housed)."""
    if housed_on is None:
        return None
    return (housed_on - filed_on).days
