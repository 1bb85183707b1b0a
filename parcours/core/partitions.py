"""Monthly partitions of the audit journal on PostgreSQL (migration core/0008, parcours.core.audit_purge,
ADR 0017). Bounds are UTC month starts: the purge drops whole UTC months on both engines."""

from __future__ import annotations

from datetime import date

# Partitions made ready ahead of the current month (by the migration, then by each purge, as the owner).
PARTITION_MONTHS_AHEAD = 24
PARTITIONED = {"core_auditevent": ("at", "id"), "core_auditlink": ("event_at", "position")}


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year}m{month.month:02d}"


def create_partitions(cursor, table: str, first: date, last: date) -> list[str]:
    """One partition per month from `first` to `last` (both month starts), those not there yet. A month some
    rows of the default partition already fall into (a clock set far ahead) is left to the default partition:
    PostgreSQL would refuse the new partition, and those rows are never dropped by the purge."""
    created = []
    month = first
    key = PARTITIONED[table][0]
    while month <= last:
        name = partition_name(table, month)
        cursor.execute("SELECT to_regclass(%s)", [name])
        exists = cursor.fetchone()[0] is not None
        if not exists and _default_has_rows(cursor, table, key, month):
            exists = True
        if not exists:
            # DDL takes no parameters (PostgreSQL binds none in a utility statement): the bounds are
            # written out, two `date`s in ISO form (digits and dashes only).
            lower, upper = month.isoformat(), add_months(month, 1).isoformat()
            cursor.execute(
                f"CREATE TABLE \"{name}\" PARTITION OF \"{table}\" FOR VALUES FROM ('{lower}') TO ('{upper}')"
            )
            created.append(name)
        month = add_months(month, 1)
    return created


def _default_has_rows(cursor, table: str, key: str, month: date) -> bool:
    cursor.execute("SELECT to_regclass(%s)", [f"{table}_default"])
    if cursor.fetchone()[0] is None:
        return False
    cursor.execute(
        f'SELECT 1 FROM "{table}_default" WHERE "{key}" >= %s AND "{key}" < %s LIMIT 1',  # noqa: S608 (names)
        [month.isoformat(), add_months(month, 1).isoformat()],
    )
    return cursor.fetchone() is not None
