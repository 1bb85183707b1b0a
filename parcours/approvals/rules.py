"""Every legal duration and list of the agrément procedure, in one place, each with its source.

Sources: art. R. 121-12-2 and R. 121-12-3 CASF (décret n° 2016-1467 du 28 octobre 2016) and the arrêté du
4 novembre 2016 fixant la composition du dossier de demande d'agrément. Rules marked "to confirm" are also
dated settings (`core.RuleSetting`, see settings_store.py): the values here are the defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from parcours.core.dates import add_months, months_end

# Validity of an agrément: 3 years, renewable, from the prefect's decision.
# Source: art. R. 121-12-3 CASF (décret n° 2016-1467 du 28 octobre 2016).
AGREMENT_VALIDITY_YEARS = 3
AGREMENT_VALIDITY_MONTHS = AGREMENT_VALIDITY_YEARS * 12

# Condition: the association has been declared for at least 3 years when it applies.
# Source: art. R. 121-12-2 CASF.
MIN_DECLARATION_YEARS = 3

# Completeness clock: the file counts as complete if the prefecture asks for no missing document within
# 2 months of its receipt. Source: art. R. 121-12-3 CASF, al. 4 ("réputé complet si, dans un délai de deux
# mois à compter de sa réception, le préfet ... n'a pas fait connaître ... la liste des pièces manquantes";
# wording read on a public reproduction of the article, not on Légifrance itself).
COMPLETENESS_DEADLINE_MONTHS = 2

# Tacit approval: 4 months of silence after a complete file count as approval.
# Source: art. R. 121-12-3 CASF, al. 3 ("le silence gardé pendant quatre mois ... à compter de la réception du
# dossier complet ... vaut agrément"; same reproduction).
TACIT_APPROVAL_MONTHS = 4

# Whether the commission's opinion is asked before the prefect decides. Default: no. Art. R. 121-12-3 CASF
# names no opinion of the commission on an agrément (the seat's prefect decides; the circulaire
# DGCS/B2/2017/18 du 31 janvier 2017 has the DDFE instruct and give a reasoned opinion), and waiting for a
# meeting would eat the 4 months after which silence is approval. A dated setting (key below, value
# {"required": true|false}) lets a département ask for it; the secretariat may also send one file for an
# opinion when it is optional.
COMMISSION_OPINION_REQUIRED = False
COMMISSION_OPINION_SETTING = "approvals.commission_opinion_required"
# Source: Art. R. 121-12-3 CASF (aucun avis de la commission prévu) ; circulaire DGCS/B2/2017/18 du 31 janvier
# 2017

# Multi-département applications: the application names the départements where the association will carry
# out the PSP; it goes to the prefect of the seat, who instructs and decides; the agrément is valid in each
# département listed. Source: art. R. 121-12-3 CASF. The other départements' secretariats are consulted
# ("en lien avec son homologue": circulaire DGCS/B2/2017/18 du 31 janvier 2017); no text sets their time
# limit: 2 months from the receipt of the file (the completeness delay, leaving the 4 months of the tacit
# clock to the decision) is local practice, to confirm, hence also a dated setting ({"months": N}).
OTHER_OPINION_MONTHS = 2
OTHER_OPINION_SETTING = "approvals.other_departement_opinion_months"
# Source: Art. R. 121-12-3 CASF ; circulaire DGCS/B2/2017/18 du 31 janvier 2017 (délai non fixé : à confirmer)
# At most this many départements in one application (a form's sanity bound, not a legal rule).
MAX_LISTED_DEPARTEMENTS = 20

# Withdrawal. An agrément is withdrawn when its conditions are no longer met or its mission no longer carried
# out (art. R. 121-12-3 CASF; arrêté du 4 novembre 2016 for the file whose conditions it checks). It is an
# individual decision unfavourable to the association: reasoned (art. L. 211-2 CRPA) and taken only after the
# association, told of the measure and its grounds by a notice of intent, could present its observations
# (art. L. 121-1 and L. 122-1 CRPA): Parcours's prior adversarial procedure (parcours.appeals), or one held
# outside Parcours whose notice date is then recorded (`Agrement.hearing_notice_on`). It binds the association
# only once notified to it (art. L. 221-8 CRPA: an individual decision is opposable to the person it concerns
# from its notification): it takes effect on the day of its notification at the earliest, never before. One
# rule for both paths: `earliest_withdrawal_effect`.


def earliest_withdrawal_effect(notified_on: date) -> date:
    """The first day a withdrawal notified to the association on `notified_on` may take effect: that very day
    (art. L. 221-8 CRPA), never a day before."""
    return notified_on


# Board: warn the association and the secretariat this long before an agrément expires (local practice,
# leaving time for a renewal to be instructed within the 2 + 4 months of the clocks above).
EXPIRY_WARNING_MONTHS = 6
# Board: a completeness deadline within this many days, a tacit approval within this many days.
COMPLETENESS_WARNING_DAYS = 15
TACIT_WARNING_DAYS = 30

# The file of a request for agrément. Source: arrêté du 4 novembre 2016 pris en application de la
# sous-section 1 (agrément des associations) of the CASF (composition of the file): the request signed by the
# association's legal representative naming the départements; the general assembly's resolution committing
# the association to a global care policy aimed at leaving prostitution; a document on its human and material
# means and its network of institutional and associative partners; evidence of the training of its employees
# and volunteers; its SIRET number, its RNA number or, failing them, the receipt of its declaration; its
# statutes, accounts and activity report (list to confirm against the arrêté's full text). The contrat
# d'engagement républicain: art. 10-1 de la loi n° 2000-321 du 12 avril 2000 (created by art. 12 de la loi
# n° 2021-1109 du 24 août 2021) for any association asking the State for an agrément; décret n° 2021-1947.
# Conditions: art. R. 121-12-2 CASF (declared for 3 years, purpose, skills and staff).
DOC_REQUEST = "request"
DOC_GA_RESOLUTION = "ga_resolution"
DOC_MEANS = "means"
DOC_TRAINING = "training"
DOC_REPUBLICAN_CONTRACT = "republican_contract"
DOC_STATUTES = "statutes"
DOC_ACCOUNTS = "accounts"
DOC_ACTIVITY_REPORT = "activity_report"
DOC_DECLARATION = "declaration"
DOC_MANAGERS = "managers"
DOC_PROJECT = "project"
DOC_OTHER = "other"

DOCUMENT_LABELS = {
    DOC_REQUEST: "Demande signée par le représentant légal, précisant les départements visés",
    DOC_GA_RESOLUTION: "Délibération de l'assemblée générale (prise en charge globale, sortie)",
    DOC_MEANS: "Moyens humains et matériels, réseau des partenaires institutionnels et associatifs",
    DOC_TRAINING: "Justificatifs de formation des salariés et bénévoles",
    DOC_REPUBLICAN_CONTRACT: "Contrat d'engagement républicain souscrit",
    DOC_STATUTES: "Statuts de l'association",
    DOC_ACCOUNTS: "Derniers comptes approuvés",
    DOC_ACTIVITY_REPORT: "Dernier rapport d'activité",
    DOC_DECLARATION: "Récépissé de déclaration (à défaut de numéro SIRET ou RNA)",
    DOC_MANAGERS: "Liste des dirigeants",
    DOC_PROJECT: "Projet d'accompagnement",
    DOC_OTHER: "Autre pièce",
}

REQUIRED_DOCUMENTS = (
    DOC_REQUEST,
    DOC_GA_RESOLUTION,
    DOC_MEANS,
    DOC_TRAINING,
    DOC_REPUBLICAN_CONTRACT,
    DOC_STATUTES,
    DOC_ACCOUNTS,
    DOC_ACTIVITY_REPORT,
)
# Required only when the file gives neither a SIRET nor an RNA number (arrêté du 4 novembre 2016).
DOC_WITHOUT_IDENTIFIER = DOC_DECLARATION


def required_documents(*, has_identifier: bool) -> tuple[str, ...]:
    return REQUIRED_DOCUMENTS if has_identifier else (*REQUIRED_DOCUMENTS, DOC_WITHOUT_IDENTIFIER)


def valid_siret(value: str) -> bool:
    """14 digits whose Luhn sum is a multiple of 10 (INSEE, répertoire SIRENE)."""
    if len(value) != 14 or not value.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(value)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def valid_rna(value: str) -> bool:
    """W followed by 9 digits (répertoire national des associations, arrêté du 14 octobre 2009)."""
    return len(value) == 10 and value[0] == "W" and value[1:].isdigit()


def agrement_end(start: date) -> date:
    """Last day of an agrément starting on `start`: 3 years date to date (1 March 2026 → 28 February 2029).

    It ends the day before the same day 3 years later; when that day does not exist (29 February), on the
    last day of that month: never shorter than 3 years (art. 641 code de procédure civile; to confirm).
    """
    return months_end(start, AGREMENT_VALIDITY_MONTHS)


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
