"""Migration documents 0003 over the real history: existing HTML (frozen rows included) encrypted, clear files
sealed, and a frozen document still immutable afterwards on both databases."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from parcours.core.crypto import decrypt_str
from parcours.core.maintenance import suspended_triggers
from parcours.core.storage import MAGIC, unseal

BEFORE = [("documents", "0002_frozen_documents_sqlite")]
AFTER = [("documents", "0003_encrypt_generated_html_and_files")]
HTML = "<p>Madame Séraphine QUILLEBARDE, née le 19 juillet 1983</p>"


@pytest.mark.django_db(transaction=True)
def test_existing_documents_and_files_are_encrypted_and_stay_immutable(actors):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        model = old.get_model("documents", "GeneratedDocument")
        user_id = actors["secretariat"].user.pk
        common = {"departement_id": actors["secretariat"].departement.pk, "kind": "documents.courrier"}
        draft = model.objects.create(**common, title="Brouillon", html=HTML, created_by_id=user_id)
        frozen = model.objects.create(
            **common,
            title="Figé",
            html=HTML,
            created_by_id=user_id,
            state="frozen",
            sha256="0" * 64,
            frozen_at=timezone.now(),
            pdf=f"documents/99/{uuid.uuid4().hex}.pdf",
        )
        clear_file = Path(default_storage.location) / frozen.pdf.name
        clear_file.parent.mkdir(parents=True, exist_ok=True)
        clear_file.write_bytes(b"%PDF-1.4 QUILLEBARDE")

        MigrationExecutor(connection).migrate(AFTER)

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, html FROM documents_generateddocument WHERE id IN (%s, %s)", [draft.pk, frozen.pk]
            )
            stored = dict(cursor.fetchall())
        assert {decrypt_str(token) for token in stored.values()} == {HTML}
        assert all("QUILLEBARDE" not in token for token in stored.values())
        raw = clear_file.read_bytes()
        assert raw.startswith(MAGIC) and unseal(raw) == b"%PDF-1.4 QUILLEBARDE"
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE documents_generateddocument SET html = 'x' WHERE id = %s", [frozen.pk])
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_generateddocument WHERE id = %s", [frozen.pk])
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        # What `migrate` does after its migrations: SQLite's triggers lost with a rebuilt table put back.
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        # The test database is flushed after a transactional test: the frozen row must go first.
        with transaction.atomic(), suspended_triggers(connection, "documents_generateddocument"):
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM documents_generateddocument")
