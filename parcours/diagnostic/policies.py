"""Who may do what in the diagnostic territorial (registered into the permission matrix).

Answering the survey and sending a list go through the invitation link (a signed token), so that
structures without a Parcours account (the free list) can answer; members of an invited organisation find
the same link on their board.
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
