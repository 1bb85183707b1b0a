"""Every legal duration and list of the agrément procedure, in one place, each with its source.

Sources: art. R. 121-12-2 and R. 121-12-3 CASF (décret n° 2016-1467 du 28 octobre 2016) and the arrêté du
4 novembre 2016 fixant la composition du dossier de demande d'agrément. Rules marked "to confirm" are also
dated settings (`core.RuleSetting`, see settings_store.py): the values here are the defaults.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from parcours.pathways.rules import add_months

# Validity of an agrément: 3 years, renewable, from the prefect's decision.
# Source: art. R. 121-12-3 CASF (décret n° 2016-1467 du 28 octobre 2016).
AGREMENT_VALIDITY_YEARS = 3
AGREMENT_VALIDITY_MONTHS = AGREMENT_VALIDITY_YEARS * 12

# Condition: the association has been declared for at least 3 years when it applies.
# Source: art. R. 121-12-2 CASF.
MIN_DECLARATION_YEARS = 3

# Completeness clock: the file counts as complete if the prefecture asks for no missing document within
# 2 months of its receipt. Source: art. R. 121-12-3 CASF (reading to confirm; DOMAIN.md, "Agrément").
COMPLETENESS_DEADLINE_MONTHS = 2

# Tacit approval: 4 months of silence after a complete file count as approval.
# Source: art. R. 121-12-3 CASF (reading to confirm; DOMAIN.md, "Agrément").
TACIT_APPROVAL_MONTHS = 4

# Whether the commission's opinion is asked before the prefect decides. Default: yes. "To confirm" on the
# text of R. 121-12-3 CASF, hence also a dated setting (key below, value {"required": true|false}).
COMMISSION_OPINION_REQUIRED = True
COMMISSION_OPINION_SETTING = "approvals.commission_opinion_required"
COMMISSION_OPINION_SOURCE = "Art. R. 121-12-3 CASF (lecture à confirmer)"

# Board: warn the association and the secretariat this long before an agrément expires (local practice,
# leaving time for a renewal to be instructed within the 2 + 4 months of the clocks above).
EXPIRY_WARNING_MONTHS = 6
# Board: a completeness deadline within this many days, a tacit approval within this many days.
COMPLETENESS_WARNING_DAYS = 15
TACIT_WARNING_DAYS = 30

# The file of a request for agrément. Source: arrêté du 4 novembre 2016 (composition of the file);
# art. R. 121-12-2 CASF (conditions: declared for 3 years, purpose, skills and staff).
DOC_STATUTES = "statutes"
DOC_MANAGERS = "managers"
DOC_ACTIVITY_REPORT = "activity_report"
DOC_ACCOUNTS = "accounts"
DOC_MEANS = "means"
DOC_PROJECT = "project"
DOC_DECLARATION = "declaration"
DOC_OTHER = "other"

DOCUMENT_LABELS = {
    DOC_STATUTES: "Statuts de l'association",
    DOC_MANAGERS: "Liste des dirigeants",
    DOC_ACTIVITY_REPORT: "Dernier rapport d'activité",
    DOC_ACCOUNTS: "Derniers comptes approuvés",
    DOC_MEANS: "Moyens : personnels et qualifications, locaux",
    DOC_PROJECT: "Projet d'accompagnement",
    DOC_DECLARATION: "Récépissé de déclaration (au moins 3 ans)",
    DOC_OTHER: "Autre pièce",
}

REQUIRED_DOCUMENTS = (
    DOC_STATUTES,
    DOC_MANAGERS,
    DOC_ACTIVITY_REPORT,
    DOC_ACCOUNTS,
    DOC_MEANS,
    DOC_PROJECT,
    DOC_DECLARATION,
)


def agrement_end(start: date) -> date:
    """Last day of an agrément starting on `start`: 3 years date to date (1 March 2026 → 28 February 2029).

    It ends the day before the same day 3 years later; when that day does not exist (29 February), on the
    last day of that month: never shorter than 3 years (art. 641 code de procédure civile; to confirm).
    """
    month_index = start.month - 1 + AGREMENT_VALIDITY_MONTHS
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return date(year, month, last_day)
    return date(year, month, start.day) - timedelta(days=1)


def completeness_deadline(received_on: date) -> date:
    """The day the file counts as complete if no missing document was asked for (2 months, date to date;
    at a month's end the last day of the month: 31 December → 28/29 February)."""
    return add_months(received_on, COMPLETENESS_DEADLINE_MONTHS)


def tacit_approval_date(complete_on: date) -> date:
    """The day silence counts as approval: 4 months after the file became complete (date to date)."""
    return add_months(complete_on, TACIT_APPROVAL_MONTHS)


def latest_start(deadline: Callable[[date], date], day: date) -> date:
    """The latest start whose `deadline` falls on or before `day`.

    A delay counted from date to date never moves its deadline back when its start moves forward, so
    "deadline(start) <= day" is "start <= latest_start(deadline, day)": a query selects by the recorded date
    (received_on, complete_on) what these rules define by the deadline, without computing it in SQL.
    """
    low, high = day - timedelta(days=366), day
    while deadline(low) > day:
        low -= timedelta(days=366)
    if deadline(high) <= day:
        return high
    while (high - low).days > 1:  # deadline(low) <= day < deadline(high)
        middle = low + timedelta(days=(high - low).days // 2)
        if deadline(middle) <= day:
            low = middle
        else:
            high = middle
    return low


def declared_long_enough(declared_on: date, today: date) -> bool:
    return add_months(declared_on, MIN_DECLARATION_YEARS * 12) <= today
