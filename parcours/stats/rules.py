"""Rules of the partner dashboards (docs/tableaux-de-bord.md).

The secrecy threshold is not here: it is the dated setting the diagnostic already uses
(`parcours.diagnostic.rules.secrecy_threshold`, RuleSetting « diagnostic.secrecy_threshold », 11 by default).
"""

# The first year a dashboard offers: the loi n° 2016-444 du 13 avril 2016 created the commissions and the PSP;
# no figure of Parcours can predate it.
FIRST_YEAR = 2016

# Measures a partner sees on its own dashboard (its own activity): detections, protection reports and
# referrals (referrals app), outreach, prevention, trainings and clients' course (actions app).
# Issue 12, item 8.
PARTNER_PREFIXES = ("referrals.", "actions.")

# The breakdown tables of one measure are audited together (parcours.secrecy.audit) over the product of their
# labels; beyond this many cells the linear algebra is not worth its cost and each table keeps only its own
# primary and secondary suppression (docs/tableaux-de-bord.md says so).
MAX_AUDIT_CELLS = 5000

# Age bands of the people in a PSP, by age in whole years at the date of the record (birth year only: the
# birth date is encrypted). Upper bound excluded; None: no upper bound. A person under 18 cannot enter a PSP
# (CASF L. 121-9 concerns adults; minors follow the child-protection route): that band exists to show an error
# in the data rather than hide it. No national template fixes the bands (DOMAIN.md: Parcours defines the
# indicators); ten-year groups after 25 are Parcours's choice, the same in every table.
AGE_BANDS = (
    (18, "Moins de 18 ans"),
    (25, "18 à 24 ans"),
    (35, "25 à 34 ans"),
    (45, "35 à 44 ans"),
    (None, "45 ans et plus"),
)
AGE_UNKNOWN = "Âge inconnu"
