"""`manage.py rotate_keys`: new field key first, re-encryption, blind-index recomputation."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection

from parcours.core.models import AuditAction, AuditEvent
from parcours.people import services as people_services
from parcours.people.models import FollowUpNote, Person, PersonAlias
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# (table, column) pairs holding encrypted values for the planted data.
COLUMNS = [
    ("people_person", "last_name"),
    ("people_person", "first_name"),
    ("people_person", "birth_date"),
    ("people_person", "phone"),
    ("people_personalias", "name"),
    ("people_followupnote", "text"),
]


def raw_tokens() -> dict[tuple[str, str, int], str]:
    tokens = {}
    with connection.cursor() as cursor:
        for table, column in COLUMNS:
            cursor.execute(f"SELECT id, {column} FROM {table}")  # noqa: S608
            for pk, value in cursor.fetchall():
                tokens[(table, column, pk)] = value
    return tokens


@pytest.fixture
def people(actors, association):
    worker = actors["association_worker"]
    created = []
    for last_name, alias in [("Oriflamme", "Sélénite"), ("Brisquet", "Aubépine")]:
        person = PersonFactory(
            organisation=association,
            created_by=worker.user,
            last_name=last_name,
            birth_date=date(1992, 5, 17),
        )
        people_services.add_alias(actor=worker, person=person, kind=PersonAlias.Kind.ALIAS, name=alias)
        people_services.add_note(
            actor=worker, person=person, day=date(2024, 3, 1), kind="interview", text="Suivi"
        )
        created.append(person)
    return created


def run(*args) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_rotation_re_encrypts_every_value_with_the_new_key(settings, people):
    old = settings.PARCOURS_FIELD_KEYS[0]
    before = raw_tokens()
    new = Fernet.generate_key().decode()
    settings.PARCOURS_FIELD_KEYS = [new, old]

    output = run()

    after = raw_tokens()
    assert after.keys() == before.keys()
    for where, token in after.items():
        assert token != before[where], where
        Fernet(new).decrypt(token.encode())  # readable with the new key alone
        with pytest.raises(InvalidToken):
            Fernet(old).decrypt(token.encode())
    # The old key can now be dropped: the application reads everything with the new key only.
    settings.PARCOURS_FIELD_KEYS = [new]
    assert sorted(Person.objects.values_list("last_name", flat=True)) == ["Brisquet", "Oriflamme"]
    assert sorted(PersonAlias.objects.values_list("name", flat=True)) == ["Aubépine", "Sélénite"]
    assert set(FollowUpNote.objects.values_list("text", flat=True)) == {"Suivi"}
    assert Person.objects.filter(birth_date_bidx__gt="").count() == 2
    assert {p.birth_date for p in Person.objects.all()} == {date(1992, 5, 17)}
    # Counts only, never values.
    assert "people.Person" in output
    for secret in ("Oriflamme", "Brisquet", "Sélénite", "1992", old, new):
        assert secret not in output


def test_rotation_keeps_empty_values_empty_and_is_audited(settings, people):
    settings.PARCOURS_FIELD_KEYS = [Fernet.generate_key().decode(), *settings.PARCOURS_FIELD_KEYS]
    run()
    with connection.cursor() as cursor:
        cursor.execute("SELECT usual_name, email FROM people_person")
        assert set(cursor.fetchall()) == {("", "")}
    event = AuditEvent.objects.get(action=AuditAction.KEY_ROTATION)
    assert event.user is None and event.departement is None
    assert "rechiffrées" in event.detail


def test_a_value_no_key_can_read_aborts_the_whole_rotation(settings, people):
    stranger = Fernet(Fernet.generate_key()).encrypt(b"Inconnu").decode()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_person SET first_name = %s WHERE id = %s", [stranger, people[1].pk])
    before = raw_tokens()
    settings.PARCOURS_FIELD_KEYS = [Fernet.generate_key().decode(), *settings.PARCOURS_FIELD_KEYS]

    with pytest.raises(CommandError, match="rien n'a été modifié"):
        run()

    assert raw_tokens() == before
    assert not AuditEvent.objects.filter(action=AuditAction.KEY_ROTATION).exists()


def test_reindex_after_a_blind_index_key_change_keeps_search_working(settings, people):
    settings.PARCOURS_BLIND_INDEX_KEY = "une-nouvelle-cle-d-index-aveugle-de-test"
    # Before reindexing, the stored indexes were computed with the old key: searches find nobody.
    assert not Person.objects.search(last_name="oriflamme").exists()

    output = run("--reindex")

    assert list(Person.objects.search(last_name="ORIFLAMME")) == [people[0]]
    assert list(Person.objects.search(last_name="aubepine")) == [people[1]]
    assert set(Person.objects.search(birth_date=date(1992, 5, 17))) == set(people)
    # The name-prefix tokens too: a search by part of a name (here of an alias, without its accent) works.
    assert Person.objects.search_name("aubep") == [people[1]]
    assert "réindexées" in output
    for secret in ("Oriflamme", "Aubépine", settings.PARCOURS_BLIND_INDEX_KEY):
        assert secret not in output


def test_new_key_in_development_is_prepended_to_the_key_file(settings, tmp_path, people):
    old = settings.PARCOURS_FIELD_KEYS[0]
    (tmp_path / "field_keys").write_text(old + "\n")
    settings.PARCOURS_KEY_DIR = tmp_path
    before = raw_tokens()

    output = run("--new-key")

    keys = (tmp_path / "field_keys").read_text().split()
    assert len(keys) == 2 and keys[1] == old
    new = keys[0]
    assert new not in output
    for where, token in raw_tokens().items():
        assert token != before[where]
        assert Fernet(new).decrypt(token.encode())
    settings.PARCOURS_FIELD_KEYS = [new]
    assert sorted(Person.objects.values_list("last_name", flat=True)) == ["Brisquet", "Oriflamme"]


def test_new_key_with_keys_from_the_environment_only_gives_instructions(settings, tmp_path, people):
    settings.PARCOURS_KEY_DIR = tmp_path  # no key file: keys come from PARCOURS_FIELD_KEYS
    before = raw_tokens()

    output = run("--new-key")

    assert "PARCOURS_FIELD_KEYS" in output
    assert raw_tokens() == before
    assert not (tmp_path / "field_keys").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.KEY_ROTATION).exists()


# --- Frozen documents, stored files and the e-mail store ---


@pytest.fixture
def frozen_and_files(settings, tmp_path, actors):
    """A frozen document (HTML in an immutable row, PDF sealed on disk), an upload, a stored e-mail."""
    from django.core.mail import EmailMessage

    from parcours.documents import services as documents
    from parcours.pathways import services as psp
    from tests.conftest import pdf_upload

    settings.EMAIL_BACKEND = "parcours.outbox.backends.EncryptedFileEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "courriels"
    document = documents.create_document(
        actor=actors["secretariat"],
        kind="documents.courrier",
        context={"destinataire": {"nom": "Oriflamme"}, "objet": "Objet", "corps": "Texte"},
        title="Courrier",
        freeze=True,
    )
    person = PersonFactory(organisation=actors["association_worker"].organisation, last_name="Oriflamme")
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    upload = psp.add_document(
        actor=actors["association_worker"],
        request=pathway.requests.get(),
        kind="identity",
        uploaded=pdf_upload(),
    )
    EmailMessage(subject="Objet", body="Bonjour Oriflamme", to=["a@example.invalid"]).send()
    return document, upload


def stored_bytes(settings) -> dict:
    from pathlib import Path

    from django.core.files.storage import default_storage

    roots = [Path(default_storage.location), Path(settings.EMAIL_FILE_PATH)]
    return {p: p.read_bytes() for root in roots for p in root.rglob("*") if p.is_file()}


def test_rotation_re_encrypts_frozen_documents_and_every_stored_file(settings, frozen_and_files):
    from parcours.core.storage import unseal
    from parcours.documents.models import GeneratedDocument
    from parcours.documents.services import pdf_of

    document, upload = frozen_and_files
    old = settings.PARCOURS_FIELD_KEYS[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT html FROM documents_generateddocument WHERE id = %s", [document.pk])
        (html_before,) = cursor.fetchone()
    files_before = stored_bytes(settings)
    assert len(files_before) == 3  # the frozen PDF, the upload, the e-mail
    new = Fernet.generate_key().decode()
    settings.PARCOURS_FIELD_KEYS = [new, old]

    output = run()

    settings.PARCOURS_FIELD_KEYS = [new]  # the old key is gone: everything must read with the new one
    with connection.cursor() as cursor:
        cursor.execute("SELECT html FROM documents_generateddocument WHERE id = %s", [document.pk])
        (html_after,) = cursor.fetchone()
    assert html_after != html_before and "Oriflamme" in Fernet(new).decrypt(html_after.encode()).decode()
    files_after = stored_bytes(settings)
    assert files_after.keys() == files_before.keys()
    for path, content in files_after.items():
        assert content != files_before[path], path
        unseal(content)
    document = GeneratedDocument.objects.get(pk=document.pk)
    assert pdf_of(document).startswith(b"%PDF")  # its SHA-256 (of the plaintext) still matches
    with upload.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    assert "3 fichiers rechiffrés" in output and "Oriflamme" not in output


def test_rotation_leaves_frozen_documents_immutable(settings, frozen_and_files):
    from django.db import DatabaseError, transaction

    document, _ = frozen_and_files
    settings.PARCOURS_FIELD_KEYS = [Fernet.generate_key().decode(), *settings.PARCOURS_FIELD_KEYS]
    run()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE documents_generateddocument SET title = 'x' WHERE id = %s", [document.pk])


def test_a_file_no_key_can_read_stops_the_rotation_without_losing_anything(settings, frozen_and_files):
    from cryptography.fernet import Fernet as F

    from parcours.core.storage import MAGIC

    _, upload = frozen_and_files
    stranger = F(F.generate_key()).encrypt(b"%PDF-1.4")
    import base64

    with open(upload.file.path, "wb") as out:
        out.write(MAGIC + base64.urlsafe_b64decode(stranger))
    settings.PARCOURS_FIELD_KEYS = [Fernet.generate_key().decode(), *settings.PARCOURS_FIELD_KEYS]
    with pytest.raises(CommandError, match="aucune des clés"):
        run()
