"""The legal rules of appeals, of the prior adversarial procedure and of the silence of the administration.

Each duration with its source. Rules still to confirm are dated settings (`core.RuleSetting`, seeded by
migration 0002): the values here are the defaults; a row with a later effective date overrides them.
"""

from __future__ import annotations

from datetime import date, timedelta

from parcours.commission.rules import APPEAL_DEADLINE_MONTHS, appeal_deadline
from parcours.core.dates import add_months

__all__ = [
    "APPEAL_DEADLINE_MONTHS",
    "appeal_deadline",
    "observations_deadline",
    "implicit_decision_on",
]

# --- Appeals ---
# An appeal before the administrative court is brought within two months of the notification of the decision
# (art. R. 421-1 du code de justice administrative); the notification mentions the deadline and the ways of
# appeal, otherwise the deadline does not run against the person (art. R. 421-5 CJA). The computation (délai
# franc, report to the next working day) is `commission.rules.appeal_deadline`, re-exported here.
# A recours gracieux or hiérarchique lodged within that deadline keeps it: a new two-month deadline runs from
# the answer, or from its implicit rejection after two months of silence (art. L. 411-2 CRPA and L. 231-4).

# --- The prior adversarial procedure (procédure contradictoire préalable) ---
# A decision that withdraws or refuses a benefit the person is entitled to, or that imposes a sanction, is
# taken only after the person has been able to present written observations (art. L. 121-1 and L. 122-1 du
# code des relations entre le public et l'administration). The code sets no number of days: "un délai
# suffisant". Parcours's default, 15 days from the notification of the notice of intent, is the practice of
# prefectures; it is a dated setting, TO CONFIRM with the prefecture's legal service.
OBSERVATIONS_DAYS = 15
OBSERVATIONS_DAYS_SETTING = "appeals.observations_days"

# Whether the commission's opinion is asked before the prefect ends a pathway or stops the AFIS. R. 121-12-10
# CASF has the prefect decide the end "après avis de la commission" in the reading of the ministry; whether
# it applies to the AFIS stop (D. 121-12-14 and following) is TO CONFIRM: a dated setting, default yes.
COMMISSION_OPINION_FOR_END = True
COMMISSION_OPINION_SETTING = "appeals.commission_opinion_required"

# --- The silence of the administration ---
# Silence kept two months on a request is worth acceptance (art. L. 231-1 CRPA), except in the cases of
# art. L. 231-4 CRPA (among them a request of a financial character — the PSP opens the AFIS — and the
# exceptions listed by decree), where it is worth rejection. Which one applies to a PSP request is TO
# CONFIRM: a dated setting, default L. 231-4 (rejection, which opens the two-month appeal deadline).
SILENCE_MONTHS = 2
SILENCE_SETTING = "appeals.silence_rule"
SILENCE_ACCEPTANCE = "L. 231-1"
SILENCE_REJECTION = "L. 231-4"
SILENCE_RULE_DEFAULT = SILENCE_REJECTION
SILENCE_LABELS = {
    SILENCE_ACCEPTANCE: "acceptation implicite (article L. 231-1 du code des relations entre le public et "
    "l'administration)",
    SILENCE_REJECTION: "rejet implicite (article L. 231-4 du code des relations entre le public et "
    "l'administration)",
}


def observations_deadline(notified_on: date, days: int = OBSERVATIONS_DAYS) -> date:
    """The last day the person (or the association) may present observations: `days` full days after the
    day the notice of intent was handed over (that day does not count)."""
    return notified_on + timedelta(days=days)


def implicit_decision_on(received_on: date) -> date:
    """The day an implicit decision arises on a request received on `received_on`: at the end of a period
    of two months (art. L. 231-1 and L. 231-4 CRPA), i.e. on the same day of the month two months later
    (received 3 January: decision on 3 March), on the last day of that month when it has no such day."""
    return add_months(received_on, SILENCE_MONTHS)
