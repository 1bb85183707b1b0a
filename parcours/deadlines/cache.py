"""The « À traiter » board cached until the records it is computed from change (docs/tableau.md).

A role's board is a pure function of the records its sections read, of the reader's membership and of the
day. PostgreSQL increases `BoardVersion.version` in the same transaction as any write to those records
(statement-level triggers on SOURCE_TABLES, migration 0001): sections cached under a version are valid
exactly as long as the version has not changed, whatever wrote (a service, a bulk update, an import, raw
SQL). The cache is Django's (each process its own by default); the version is read from the database.

What is cached is the sections and their items, people named by their code only: an association's worker
reads the names of its own people, and that read is journaled, at every request (never from the cache). On
the embedded SQLite, row-level triggers keep the same version (parcours.core.data_version: created by the
same migrations, the missing ones put back after each `migrate` from SOURCE_TABLES).
"""

from __future__ import annotations

from django.conf import settings

from parcours.core import data_version

from .models import BoardVersion

# The trigger function of its migrations (parcours.core.data_version.VERSION_TABLES).
TRIGGER_FUNCTION = "parcours_board_data_changed"

# The tables the board reads, for every role and every provider, found by running each role's board under
# a query log: tests/deadlines/test_cache.py fails if the board reads a table that is not here (then add its
# trigger in a migration, as 0001 to 0004 do).
SOURCE_TABLES = (
    "appeals_appeal",
    "appeals_procedure",
    "approvals_agrement",
    "approvals_agrementapplication",
    "approvals_listeddepartement",
    "attestations_attestation",
    "commission_agendaitem",
    "commission_arrete",
    "commission_ballot",
    "commission_convocation",
    "commission_letter",
    "commission_mandate",
    "commission_meeting",
    "commission_planaction",
    "commission_prefectdecision",
    "commission_seat",
    "commission_situation",
    "conventions_objective",
    "conventions_strategy",
    "conventions_strategyaction",
    "core_alert",
    "core_departement",
    "core_membership",
    "core_organisation",
    "core_rulesetting",
    "core_user",
    "datarights_rightsrequest",
    "diagnostic_campaign",
    "diagnostic_participant",
    "documents_generateddocument",
    "pathways_afis",
    "pathways_endreport",
    "pathways_notice",
    "pathways_pathway",
    "pathways_period",
    "pathways_request",
    "pathways_residencepermit",
    "pathways_transfer",
    "people_person",
    "referrals_detection",
    "referrals_protectionreport",
    "referrals_referral",
)


def board_version() -> int | None:
    """The version of the board's data (one query); None where the board is not cached
    (PARCOURS_BOARD_CACHE_SECONDS = 0)."""
    return data_version.current_version(BoardVersion, settings.PARCOURS_BOARD_CACHE_SECONDS)


def key(version: int, *parts) -> str:
    """A cache key for a board: the version first, then everything the board depends on."""
    return data_version.cache_key("parcours:board", version, *parts)
