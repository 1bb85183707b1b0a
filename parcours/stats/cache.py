"""Pages of figures cached until the data they are computed from change (docs/tableaux-de-bord.md).

A dashboard's page is a pure function of the records its indicators read, of the reader's scope and of the
day. PostgreSQL increases `DataVersion.version` in the same transaction as any write to those records
(statement-level triggers on SOURCE_TABLES, migration 0002): a page cached under a version is valid exactly
as long as the version has not changed, whatever wrote (a service, a bulk update, an import, raw SQL). The
cache is Django's (each process its own by default; a shared one behind several processes works the same,
the version being read from the database).

Only pages of counts and statistics are cached, never a name or a pseudonym. On the embedded SQLite, row-level
triggers keep the same version (parcours.core.data_version: created by the same migrations, the missing ones
put back after each `migrate` from SOURCE_TABLES).
"""

from __future__ import annotations

from django.conf import settings

from parcours.core import data_version as versions

from .models import DataVersion

# The trigger function of its migrations (parcours.core.data_version.VERSION_TABLES).
TRIGGER_FUNCTION = "parcours_stats_data_changed"

# The tables the indicators read (the registry's measures), found by running every measure under a query log:
# tests/stats/test_cache.py fails if a measure reads a table that is not here (then add its trigger in a
# migration, as 0002 does).
SOURCE_TABLES = (
    "actions_clientcoursesession",
    "actions_establishment",
    "actions_outreachround",
    "actions_preventionaction",
    "actions_preventionaction_establishments",
    "actions_training",
    "approvals_agrement",
    "approvals_listeddepartement",
    "commission_convocation",
    "commission_meeting",
    "commission_prefectdecision",
    "core_organisation",
    "housing_housingrequest",
    "pathways_afis",
    "pathways_pathway",
    "pathways_period",
    "pathways_request",
    "pathways_residencepermit",
    "people_interpretingsession",
    "people_person",
    "referrals_detection",
    "referrals_protectionreport",
    "referrals_referral",
)


def data_version() -> int | None:
    """The version of the indicators' data (one query); None where pages are not cached
    (PARCOURS_STATS_CACHE_SECONDS = 0)."""
    return versions.current_version(DataVersion, settings.PARCOURS_STATS_CACHE_SECONDS)


def key(kind: str, version: int, *parts) -> str:
    """A cache key for a page of figures: the version first, then everything the page depends on."""
    return versions.cache_key(f"parcours:stats:{kind}", version, *parts)
