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
