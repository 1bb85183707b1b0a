"""The purge of the audit journal past its retention term, by whole months, never by deleting rows of the
live journal (ADR 0017, docs/conservation.md).

On PostgreSQL the events and their links are partitioned by month (migration core/0008): a month past term
is detached from both tables and dropped, as the owner role (the application's role can do neither). On
SQLite (embedded default, no partitions, no roles) the same months are removed in one maintenance
transaction: the journal's triggers are lifted and put back, identical, before it commits
(`maintenance.suspended_triggers`), as key rotation already does for frozen documents.

Before anything is removed, the chain is brought up to date and re-anchored: for every kept link whose
predecessor in the chain is about to go, an `AuditAnchor` records the predecessor's digest, signed with the
seal key and appended to the anchor file of the seal directory. `verify_audit` takes the chain up from each
anchor: what remains still verifies, and any event removed, rewritten or inserted in it is still found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db import connection, transaction

from .audit_chain import _lock, chain, key_id, private_key, seal_dir
from .maintenance import suspended_triggers
from .models import AuditAnchor, AuditEvent, AuditLink
from .partitions import PARTITION_MONTHS_AHEAD, PARTITIONED, add_months, create_partitions

ANCHOR_FILE = "ancres.jsonl"


def anchor_message(purged_before: datetime, position: int, previous: str) -> bytes:
    return f"parcours-audit-anchor|{purged_before.isoformat()}|{position}|{previous}".encode()


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def cutoff_for(today: date, months: int) -> datetime:
    """The first instant kept. An event older than `months` months is past term, and a month (UTC, the
    partitions' bounds) goes only when all of it is: the start of the month that holds today − months."""
    first_kept = add_months(today, -months)  # a month start
    return datetime(first_kept.year, first_kept.month, 1, tzinfo=UTC)


@dataclass
class Purge:
    cutoff: datetime
    events: int = 0
    links: int = 0
    anchors: int = 0
    months: list[str] = field(default_factory=list)
    partitions_created: int = 0
    dry_run: bool = False


def _anchors_needed(cutoff: datetime) -> list[tuple[int, str]]:
    """(position, previous digest) of each kept link whose predecessor in the chain is purged."""
    needed = []
    previous = None
    for position, digest, event_at in (
        AuditLink.objects.order_by("position").values_list("position", "digest", "event_at").iterator()
    ):
        if previous is not None and event_at >= cutoff and previous[1] < cutoff:
            needed.append((position, previous[0]))
        previous = (digest, event_at)
    return needed


def _write_anchor(cutoff: datetime, position: int, previous: str) -> AuditAnchor:
    key = private_key()
    signature = key.sign(anchor_message(cutoff, position, previous)).hex()
    anchor = AuditAnchor.objects.create(
        purged_before=cutoff,
        position=position,
        previous_digest=previous,
        signature=signature,
        key_id=key_id(key.public_key()),
    )
    directory = seal_dir()
    directory.mkdir(parents=True, exist_ok=True)
    line = {
        "purged_before": cutoff.isoformat(),
        "position": position,
        "previous_digest": previous,
        "signature": signature,
        "key_id": anchor.key_id,
    }
    with (directory / ANCHOR_FILE).open("a") as anchors:
        anchors.write(json.dumps(line, sort_keys=True) + "\n")
    return anchor


def _partitions(cursor, table: str) -> list[tuple[str, datetime | None]]:
    """(name, upper bound) of each monthly partition of `table` (PostgreSQL)."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY c.relname",
        [table],
    )
    found = []
    for name, bound in cursor.fetchall():
        if "TO (" not in bound:
            continue  # the default partition
        upper = bound.split("TO ('")[1].split("'")[0]
        found.append((name, datetime.fromisoformat(upper)))
    return found


def ensure_partitions(today: date) -> int:
    """Monthly partitions ready up to PARTITION_MONTHS_AHEAD months ahead (PostgreSQL, owner role)."""
    if connection.vendor != "postgresql":
        return 0
    created = 0
    with connection.cursor() as cursor:
        for table in PARTITIONED:
            created += len(
                create_partitions(
                    cursor, table, month_start(today), add_months(month_start(today), PARTITION_MONTHS_AHEAD)
                )
            )
    return created


@transaction.atomic
def purge(*, cutoff: datetime, today: date, dry_run: bool = False) -> Purge:
    """Remove every month of the journal entirely before `cutoff` (a month start), anchored first."""
    result = Purge(cutoff=cutoff, dry_run=dry_run)
    if not dry_run:
        chain()  # every settled event linked before its month may go
        private_key()  # no key, no purge: the chain could not be taken up again
    _lock()
    result.events = AuditEvent.objects.filter(at__lt=cutoff).count()
    result.links = AuditLink.objects.filter(event_at__lt=cutoff).count()
    if dry_run or not result.events and not result.links:
        if not dry_run:
            result.partitions_created = ensure_partitions(today)
        return result
    for position, previous in _anchors_needed(cutoff):
        if not AuditAnchor.objects.filter(position=position).exists():
            _write_anchor(cutoff, position, previous)
            result.anchors += 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in ("core_auditlink", "core_auditevent"):
                for name, upper in _partitions(cursor, table):
                    if upper <= cutoff:
                        # Its ids leave the registry of ids in use (core/0009) with the month.
                        key = PARTITIONED[table][1]
                        cursor.execute(  # our own table names, from the catalogue
                            f'DELETE FROM "{table}_ids" WHERE {key} IN (SELECT {key} FROM "{name}")'  # noqa: S608
                        )
                        cursor.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{name}"')
                        cursor.execute(f'DROP TABLE "{name}"')
                        if table == "core_auditevent":
                            result.months.append(name.rsplit("_", 1)[1])
        result.partitions_created = ensure_partitions(today)
    else:
        with (
            suspended_triggers(connection, "core_auditlink"),
            suspended_triggers(connection, "core_auditevent"),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM core_auditlink WHERE event_at < %s", [cutoff])
            cursor.execute("DELETE FROM core_auditevent WHERE at < %s", [cutoff])
    return result
