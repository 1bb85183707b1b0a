"""The restore drill (docs/exploitation.md): a backup of an instance restored into a fresh database and a
fresh file store by another process, proved identical (every table's rows and digest, every file's SHA-256,
the migrations) and readable with the keys kept apart; a difference afterwards is found and named."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from parcours.people.models import Person
from tests.factories import DetectionFactory, PersonFactory

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # the backup is read by pg_dump: rows committed


@pytest.fixture
def store(settings, tmp_path):
    """This instance's file store, its own (other tests write theirs meanwhile)."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(location), "base_url": None}},
    }
    return location


@pytest.fixture
def instance(store):
    people = PersonFactory.create_batch(3, last_name="Sauvegardine")
    DetectionFactory.create_batch(2)
    names = [
        default_storage.save(f"documents/piece-{i}.pdf", ContentFile(b"%PDF-1.4 piece " * 50))
        for i in range(3)
    ]
    return {"people": people, "files": names}


@pytest.fixture
def fresh(tmp_path):
    """A second instance's database and file store, empty: its environment for manage.py."""
    env = {**os.environ, "PARCOURS_TEST_STORAGE": str(tmp_path / "restored-private")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if connection.vendor == "postgresql":
        name = f"parcours_restore_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        db = settings.DATABASES["default"]
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
        )
        yield env
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args, "--settings=config.settings.test"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def tamper(env, sql: str) -> None:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            db.execute(sql)
    else:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as db:
            db.execute(sql)


def test_a_backup_restored_elsewhere_is_identical_and_readable(instance, fresh, tmp_path):
    target = tmp_path / "sauvegarde"
    call_command("backup", str(target))
    assert oct(target.stat().st_mode & 0o777) == "0o700"
    assert (target / "manifest.json").exists() and len(list((target / "files").rglob("*.pdf"))) == 3
    # Nothing of a person in clear in the backup (names are encrypted in the dump, files sealed).
    for path in target.rglob("*"):
        if path.is_file():
            assert b"Sauvegardine" not in path.read_bytes() and b"SAUVEGARDINE" not in path.read_bytes()

    restored = manage(fresh, "restore", str(target))
    assert restored.returncode == 0, restored.stderr
    assert "Restauration identique à la sauvegarde" in restored.stdout
    assert "3 fichiers comparés" in restored.stdout
    assert " 0 valeurs" not in restored.stdout  # encrypted values were decrypted with the keys

    # A restored row edited, a restored file removed: the verification names both, exit status 1.
    tamper(fresh, "UPDATE people_person SET children = children + 1")
    Path(fresh["PARCOURS_TEST_STORAGE"], instance["files"][0]).unlink()
    checked = manage(fresh, "verify_backup", str(target))
    assert checked.returncode == 1
    assert "table people_person" in checked.stderr
    assert f"fichier {instance['files'][0]}" in checked.stderr
    assert "Sauvegardine" not in checked.stderr + checked.stdout


def test_a_restore_never_overwrites_an_instance(instance, fresh, tmp_path):
    target = tmp_path / "sauvegarde"
    call_command("backup", str(target))
    assert manage(fresh, "restore", str(target)).returncode == 0
    again = manage(fresh, "restore", str(target))
    assert again.returncode == 1
    assert "n'est pas vide" in again.stderr
    with pytest.raises(CommandError, match="pas vide"):
        call_command("backup", str(target))  # nor a backup an earlier one


def test_a_restore_without_the_backups_keys_changes_nothing(instance, settings, tmp_path):
    target = tmp_path / "sauvegarde"
    call_command("backup", str(target))
    settings.PARCOURS_FIELD_KEYS = ["Ik9ZGbBrm6g8yyHQ2C5xZcQ3Ehj8uCoNVb3VfTnQHqA="]
    people = Person.objects.count()
    with pytest.raises(CommandError, match="clés de chiffrement"):
        call_command("restore", str(target))
    assert Person.objects.count() == people


def test_a_folder_that_is_not_a_backup_is_refused_in_french(tmp_path):
    with pytest.raises(CommandError, match="n'est pas une sauvegarde de Parcours"):
        call_command("verify_backup", str(tmp_path))
