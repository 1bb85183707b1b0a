"""Re-encrypt every encrypted field and every stored file (private storage, development e-mail store) with
the primary field key; optionally recompute the blind indexes.

Usage (see docs/chiffrement.md):
- put the new key first in PARCOURS_FIELD_KEYS (old keys after it), then `manage.py rotate_keys`;
- in development, `manage.py rotate_keys --new-key` generates the key and prepends it to the key file;
- after a change of PARCOURS_BLIND_INDEX_KEY (or of the index scheme), `manage.py rotate_keys --reindex`
  recomputes every `x_bidx` with the key derived for its field `x`.

The command reads and writes the stored tokens directly (raw SQL), so a value is never decrypted into
memory for re-encryption, never echoed, and `updated_at` is left alone. It prints counts only.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from parcours.core import audit
from parcours.core.crypto import (
    EncryptedDateField,
    EncryptedTextField,
    blind_index,
    field_label,
    rotate_token,
    search_tokens,
)
from parcours.core.maintenance import suspended_triggers
from parcours.core.storage import EncryptedFileSystemStorage, UnreadableFile, reseal_tree

ENCRYPTED_FIELDS = (EncryptedTextField, EncryptedDateField)
BLIND_INDEX_SUFFIX = "_bidx"
BATCH_SIZE = 500


def encrypted_fields(model) -> list:
    return [f for f in model._meta.local_concrete_fields if isinstance(f, ENCRYPTED_FIELDS)]


def blind_index_pairs(model) -> list[tuple[str, str]]:
    """(index, source) pairs: a field `x_bidx` indexes the encrypted field `x` of the same model."""
    sources = {f.name for f in encrypted_fields(model)}
    pairs = []
    for field in model._meta.local_concrete_fields:
        if field.name.endswith(BLIND_INDEX_SUFFIX):
            source = field.name[: -len(BLIND_INDEX_SUFFIX)]
            if source in sources:
                pairs.append((field.name, source))
    return pairs


def key_file():
    return settings.PARCOURS_KEY_DIR / "field_keys"


def keys_from_file() -> bool:
    """True when the field keys in use were read from the local key file (development, demo)."""
    path = key_file()
    if not path.exists():
        return False
    file_keys = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return bool(file_keys) and file_keys == [str(k) for k in settings.PARCOURS_FIELD_KEYS]


class Command(BaseCommand):
    help = (
        "Rechiffre tous les champs chiffrés avec la première clé de PARCOURS_FIELD_KEYS "
        "(et recalcule les index aveugles avec --reindex)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Génère une nouvelle clé et l'ajoute en tête du fichier de clés local (développement), "
            "puis rechiffre.",
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Recalcule aussi les index aveugles, chacun avec la clé de son champ dérivée de "
            "PARCOURS_BLIND_INDEX_KEY.",
        )

    def handle(self, *args, **options):
        if options["new_key"] and not self._add_new_key():
            return
        with transaction.atomic():
            reencrypted, tables = self._reencrypt()
            reindexed = self._reindex() if options["reindex"] else None
            detail = f"{reencrypted} valeurs rechiffrées dans {tables} tables"
            if reindexed is not None:
                detail += f", {reindexed} lignes réindexées"
            audit.record(None, "key_rotation", detail=detail)
        # Files after the database: if this fails half-way, the old keys (still configured) read both.
        files = self._reseal_files()
        self.stdout.write(self.style.SUCCESS(f"Rotation terminée : {detail}, {files} fichiers rechiffrés."))
        if options["new_key"]:
            self.stdout.write("Redémarrez l'application pour qu'elle lise la nouvelle clé.")

    def _reseal_files(self) -> int:
        """Re-encrypt the stored files (private storage) and the development e-mail store."""
        roots = []
        if isinstance(default_storage, EncryptedFileSystemStorage):
            roots.append(("fichiers stockés", Path(default_storage.location)))
        if settings.EMAIL_BACKEND == "parcours.outbox.backends.EncryptedFileEmailBackend":
            roots.append(("courriels de développement", Path(settings.EMAIL_FILE_PATH)))
        total = 0
        for label, root in roots:
            try:
                rotated, sealed = reseal_tree(root)
            except UnreadableFile as error:
                raise CommandError(f"{error} Les fichiers déjà traités restent lisibles.") from None
            self.stdout.write(
                f"  {label} : {rotated} fichiers rechiffrés, {sealed} fichiers en clair chiffrés"
            )
            total += rotated + sealed
        return total

    def _add_new_key(self) -> bool:
        if not keys_from_file():
            self.stdout.write(
                "Les clés de chiffrement viennent de l'environnement : aucune clé n'a été générée ni rien "
                "rechiffré.\n"
                '1. Générez une clé : python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"\n'
                "2. Placez-la EN TÊTE de PARCOURS_FIELD_KEYS, en gardant les anciennes clés après elle "
                "(séparées par des virgules), et redémarrez l'application.\n"
                "3. Relancez : manage.py rotate_keys\n"
                "4. Une fois la rotation terminée, retirez les anciennes clés de PARCOURS_FIELD_KEYS."
            )
            return False
        new = Fernet.generate_key().decode()
        keys = [new, *[str(k) for k in settings.PARCOURS_FIELD_KEYS]]
        # Written before re-encrypting: if the re-encryption fails, the old keys still decrypt.
        path = key_file()
        path.write_text("\n".join(keys) + "\n")
        path.chmod(0o600)
        settings.PARCOURS_FIELD_KEYS = keys
        self.stdout.write(f"Nouvelle clé ajoutée en tête du fichier {path} ({len(keys)} clés au total).")
        return True

    def _reencrypt(self) -> tuple[int, int]:
        total = tables = 0
        quote = connection.ops.quote_name
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields or model._meta.proxy or not model._meta.managed:
                continue
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            columns = [quote(f.column) for f in fields]
            select = f"SELECT {pk}, {', '.join(columns)} FROM {table} {{where}} ORDER BY {pk}"  # noqa: S608
            select += f" LIMIT {BATCH_SIZE}"
            updates = {c: f"UPDATE {table} SET {c} = %s WHERE {pk} = %s" for c in columns}  # noqa: S608
            count, last = 0, None
            # Frozen documents are immutable for the application: their triggers are lifted for this
            # transaction only (the stored values do not change, only their encryption).
            with suspended_triggers(connection, model._meta.db_table), connection.cursor() as cursor:
                while True:
                    if last is None:
                        cursor.execute(select.format(where=""))
                    else:
                        cursor.execute(select.format(where=f"WHERE {pk} > %s"), [last])
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    last = rows[-1][0]
                    changes: dict[str, list] = {c: [] for c in columns}
                    for row in rows:
                        for field, column, token in zip(fields, columns, row[1:], strict=True):
                            if token in (None, ""):
                                continue
                            try:
                                changes[column].append([rotate_token(token), row[0]])
                            except InvalidToken as exc:
                                raise CommandError(
                                    f"Une valeur de {model._meta.label} ({field.name}) ne se "
                                    "déchiffre avec aucune des clés configurées : rien n'a été modifié."
                                ) from exc
                    for column, params in changes.items():
                        if params:
                            cursor.executemany(updates[column], params)
                            count += len(params)
            self.stdout.write(f"  {model._meta.label} : {count} valeurs rechiffrées")
            total += count
            tables += 1
        return total, tables

    def _reindex(self) -> int:
        total = 0
        for model in apps.get_models():
            pairs = blind_index_pairs(model)
            if not pairs:
                continue
            index_fields = [index for index, _ in pairs]
            batch, count = [], 0
            queryset = model._base_manager.only("pk", *(source for _, source in pairs)).order_by("pk")
            for obj in queryset.iterator(chunk_size=BATCH_SIZE):
                for index, source in pairs:
                    setattr(obj, index, blind_index(getattr(obj, source), label=field_label(model, source)))
                batch.append(obj)
                if len(batch) >= BATCH_SIZE:
                    model._base_manager.bulk_update(batch, index_fields)
                    count += len(batch)
                    batch = []
            if batch:
                model._base_manager.bulk_update(batch, index_fields)
                count += len(batch)
            self.stdout.write(f"  {model._meta.label} : {count} lignes réindexées")
            total += count
        return total + self._reindex_search_tokens()

    def _reindex_search_tokens(self) -> int:
        """The name-prefix tokens of every app that registered some (people, identified detections),
        recomputed under the new key."""
        total = 0
        for tokens in search_tokens():
            tokens.token_model.objects.all().delete()
            count = 0
            for record in tokens.records().iterator(chunk_size=BATCH_SIZE):
                tokens.refresh(record)
                count += 1
            self.stdout.write(f"  {tokens.token_model._meta.label} : {count} {tokens.done}")
            total += count
        return total
