"""Backup and restore of an instance: the database, the encrypted file store, and a manifest that proves a
restore identical (docs/exploitation.md, « Sauvegarde et restauration »).

A backup is a directory (created 0700, every file 0600):

- ``database.dump``: ``pg_dump --format=custom`` on PostgreSQL (without owners nor privileges: the roles of
  docs/postgresql-droits.sql are granted again after a restore), or ``database.sqlite3`` (SQLite's online
  backup) on the embedded default;
- ``files/``: the private file store as it is on disk, every file still sealed with the field keys;
- ``manifest.json``: for every table its row count and a SHA-256 of its rows read in primary-key order, for
  every stored file its SHA-256, the last migration of every application, and a fingerprint of each field key
  (the first 16 hex digits of the SHA-256 of the key: it tells which keys the backup needs, never the key).

The keys are **not** in the backup: they are backed up separately (another medium, another custodian); a
backup without its keys is unreadable, which is the point. Nothing in the manifest is a person's data: counts,
digests, file paths made of random identifiers.

``verify`` recomputes the manifest on the instance it runs on and compares, then decrypts a sample of every
encrypted column and of the stored files with the keys configured there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .crypto import EncryptedDateField, EncryptedTextField
from .storage import UnreadableFile, unseal

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FILES = "files"
FORMAT = 1
SAMPLE_ROWS = 20  # rows decrypted per encrypted column, and stored files decrypted, by `verify`
BATCH = 2000


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message is in French and names no one."""


def _private(path: Path) -> None:
    path.chmod(0o700 if path.is_dir() else 0o600)


def storage_root() -> Path:
    return Path(default_storage.location)


def key_fingerprints() -> list[str]:
    return [hashlib.sha256(str(k).encode()).hexdigest()[:16] for k in settings.PARCOURS_FIELD_KEYS]


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _order_by(cursor, table: str) -> str:
    """The primary key's column, else every column: the rows are read in one order everywhere."""
    quote = connection.ops.quote_name
    pk = connection.introspection.get_primary_key_column(cursor, table)
    if pk:
        return quote(pk)
    columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    return ", ".join(quote(c) for c in columns)


def table_digests() -> dict[str, dict]:
    """Row count and SHA-256 of every table's rows (each row's repr, in primary-key order)."""
    digests = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {_order_by(cursor, table)}")  # noqa: S608
            digest, rows = hashlib.sha256(), 0
            while batch := cursor.fetchmany(BATCH):
                for row in batch:
                    digest.update(repr(tuple(_plain(v) for v in row)).encode())
                    digest.update(b"\n")
                rows += len(batch)
            digests[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return digests


def _plain(value):
    """A value as the same text whichever driver read it (memoryview vs bytes, aware datetimes in UTC)."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    return value


def file_digests(root: Path | None = None) -> dict[str, str]:
    root = root or storage_root()
    if not root.exists():
        return {}
    digests = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digests[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def migrations_applied() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name"):
        last[app] = name
    return last


def manifest() -> dict:
    return {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "migrations": migrations_applied(),
        "key_fingerprints": key_fingerprints(),
        "tables": table_digests(),
        "files": file_digests(),
    }


def _database_params() -> dict:
    db = settings.DATABASES["default"]
    return {k: str(db.get(k) or "") for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}


def _pg_env(params: dict) -> dict:
    env = {**os.environ, "PGDATABASE": params["NAME"]}
    for key, var in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if params[key]:
            env[var] = params[key]
    return env


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        # pg_dump's messages name tables and options, never a row's content.
        raise BackupError(f"{command[0]} a échoué : {done.stderr.strip()[-500:]}")


def backup(target: Path) -> dict:
    """Write a backup of this instance into `target` (a new or empty directory); returns the manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(
            f"Le dossier {target} n'est pas vide : choisissez un dossier neuf pour la sauvegarde."
        )
    target.mkdir(parents=True, exist_ok=True)
    _private(target)
    # The manifest and pg_dump read two snapshots: a write between them shows as a difference at `verify`,
    # never silently. A nightly backup taken while the instance serves is still a consistent dump (pg_dump's
    # own snapshot); the manifest then proves the restore up to those writes (docs/exploitation.md).
    data = manifest()
    if connection.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target / PG_DUMP}"],
            _pg_env(_database_params()),
        )
        _private(target / PG_DUMP)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target / SQLITE_COPY)
        with destination:
            connection.connection.backup(destination)
        destination.close()
        _private(target / SQLITE_COPY)
    else:
        raise BackupError(f"Base {connection.vendor} non prise en charge par la sauvegarde.")
    root = storage_root()
    if root.exists():
        shutil.copytree(root, target / FILES, copy_function=shutil.copy2)
    else:
        (target / FILES).mkdir()
    for path in [target / FILES, *(target / FILES).rglob("*")]:
        _private(path)
    (target / MANIFEST).write_text(json.dumps(data, indent=1, sort_keys=True))
    _private(target / MANIFEST)
    return data


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        raise BackupError(
            f"{path} est absent ou illisible : ce dossier n'est pas une sauvegarde de Parcours."
        ) from None
    if data.get("format") != FORMAT:
        raise BackupError("Format de sauvegarde inconnu.")
    return data


def restore(source: Path) -> None:
    """Restore the backup in `source` into this instance's database and file store, both empty."""
    source = Path(source)
    data = read_manifest(source)
    if data["vendor"] != connection.vendor:
        raise BackupError(
            f"Sauvegarde d'une base {data['vendor']}, instance sur {connection.vendor} : "
            "restauration impossible."
        )
    missing = sorted(set(data["key_fingerprints"]) - set(key_fingerprints()))
    if missing:
        raise BackupError(
            "Les clés de chiffrement de cette instance ne sont pas celles de la sauvegarde "
            f"(empreintes manquantes : {', '.join(missing)}) : "
            "installez d'abord les clés sauvegardées à part."
        )
    if _tables():
        raise BackupError("La base de cette instance n'est pas vide : restaurez dans une base neuve.")
    root = storage_root()
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"Le dossier des fichiers {root} n'est pas vide : restaurez dans un dossier neuf.")
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={_database_params()['NAME']}",
                str(source / PG_DUMP),
            ],
            _pg_env(_database_params()),
        )
    else:
        connection.ensure_connection()
        backup_copy = sqlite3.connect(source / SQLITE_COPY)
        with backup_copy:
            backup_copy.backup(connection.connection)
        backup_copy.close()
    shutil.copytree(source / FILES, root, dirs_exist_ok=True, copy_function=shutil.copy2)
    for path in [root, *root.rglob("*")]:
        _private(path)


@dataclass
class Verification:
    differences: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0
    decrypted_values: int = 0
    decrypted_files: int = 0

    @property
    def ok(self) -> bool:
        return not self.differences


def _encrypted_columns() -> list[tuple]:
    kinds = (EncryptedTextField, EncryptedDateField)
    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.local_concrete_fields
        if isinstance(f, kinds)
    ]


def verify(source: Path) -> Verification:
    """Compare this instance with the manifest of the backup in `source`, then decrypt a sample."""
    expected = read_manifest(source)
    result = Verification()
    tables = table_digests()
    for table in sorted(set(expected["tables"]) | set(tables)):
        want, got = expected["tables"].get(table), tables.get(table)
        if want is None:
            result.differences.append(f"table {table} : absente de la sauvegarde")
        elif got is None:
            result.differences.append(f"table {table} : absente de l'instance restaurée")
        elif want != got:
            result.differences.append(
                f"table {table} : {got['rows']} lignes pour {want['rows']} attendues, ou contenu différent"
            )
    files = file_digests()
    for name in sorted(set(expected["files"]) | set(files)):
        if expected["files"].get(name) != files.get(name):
            result.differences.append(f"fichier {name} : absent ou différent")
    if expected["migrations"] != migrations_applied():
        result.differences.append("migrations appliquées différentes")
    result.tables, result.rows = len(tables), sum(t["rows"] for t in tables.values())
    result.files = len(files)
    # Decryption with the keys configured here: each encrypted column's first rows through the ORM (which
    # decrypts on read and raises on a wrong key), and the first stored files.
    for model, column in _encrypted_columns():
        values = model._base_manager.exclude(**{f"{column.name}__isnull": True}).values_list(
            column.name, flat=True
        )
        try:
            result.decrypted_values += sum(1 for _ in values.order_by("pk")[:SAMPLE_ROWS])
        except Exception:  # noqa: BLE001 (any failure to decrypt is a finding, reported without the value)
            result.differences.append(f"colonne {model._meta.db_table}.{column.column} : indéchiffrable")
    root = storage_root()
    for name in list(files)[:SAMPLE_ROWS]:
        try:
            unseal((root / name).read_bytes())
            result.decrypted_files += 1
        except UnreadableFile:
            result.differences.append(f"fichier {name} : indéchiffrable avec les clés configurées")
    return result
