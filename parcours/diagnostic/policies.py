"""Who may do what in the diagnostic territorial (registered into the permission matrix).

Answering the survey and sending a list go through the invitation link (a random token stored hashed, see
views/link.py), so that structures without a Parcours account (the free list) can answer; members of an
invited organisation open the same pages from their board, through their account.
"""

from __future__ import annotations

from parcours.core.policies import CM, SG, S, register

PERMISSIONS = {
    # Campaigns: preparation, invitations, reminders, the exact (unsuppressed) linkage and estimate.
    "diagnostic.manage": {S},
    # The report, under statistical secrecy (page and PDF): what leaves the secretariat.
    "diagnostic.report": {S, SG, CM},
}

register(PERMISSIONS)
