"""The access export (RGPD art. 15): everything held about one person, in an AES-256 encrypted ZIP, for the
association following her and the secretariat only; single-use, expiring, never on disk in clear."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import pyzipper
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.core.storage import MAGIC
from parcours.datarights import rules, services
from parcours.datarights.models import AccessExport
from parcours.people import services as people
from parcours.people.models import ConsentPurpose, IdentityDocument
from tests.commission.conftest import commission, ready_request  # noqa: F401 (fixtures)
from tests.conftest import client_for
from tests.documents.test_encryption_at_rest import FIRST, LAST, USUAL, email_store, everything  # noqa: F401
from tests.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

# Every kind of record the fixture builds about the person.
EVERY_KIND = {
    "people.person",
    "people.personalias",
    "people.identitydocument",
    "people.consent",
    "people.followupnote",
    "people.interpretingsession",
    "pathways.pathway",
    "pathways.request",
    "pathways.planobjective",
    "pathways.requestdocument",
    "pathways.period",
    "pathways.pathwayevent",
    "pathways.afis",
    "commission.prefectdecision",
    "commission.letter",
    "housing.siaorequest",
    "housing.housingrequest",
    "appeals.procedure",
    "attestations.attestation",
    "referrals.referral",
    "datarights.rightsrequest",
    "datarights.noticedelivery",
    "documents.generateddocument",
    "core.auditevent",
}
CANARY_FIRST, CANARY_LAST = "Philomène", "Vautrinelle"


@pytest.fixture
def full(everything, actors, association):  # noqa: F811
    """The person of the at-rest test (pathway, decision, letters, minutes, AFIS stop procedure, attestation,
    housing, interpreting, uploads), with what that fixture does not build, and another person of the same
    association with records of her own (the canary)."""
    person = everything
    worker = actors["association_worker"]
    people.add_alias(actor=worker, person=person, kind="alias", name="Dite Fleurance")
    people.record_identity_document(
        actor=worker,
        person=person,
        kind=IdentityDocument.Kind.PASSPORT,
        available=False,
        unavailable_motive=IdentityDocument.Motive.HELD,
        substitute="",
        number="",
        details="Retenu par un tiers",
    )
    if not people.has_active_consent(person, ConsentPurpose.ACCOMPANIMENT):
        people.record_consent(
            actor=worker, person=person, purpose=ConsentPurpose.ACCOMPANIMENT, given_on=timezone.localdate()
        )
    people.add_note(
        actor=worker, person=person, day=timezone.localdate(), kind="interview", text="Entretien noté"
    )
    ReferralFactory(
        detection__organisation__departement=person.departement,
        association=association,
        message="Orientation proposée",
        person=person,
    )
    services.record_request(
        actor=worker, person=person, kind="access", received_on=timezone.localdate(), details="Copie demandée"
    )
    services.record_notice_delivery(
        actor=worker,
        person=person,
        given_on=timezone.localdate(),
        language="ro",
        with_interpreter=True,
        interpreter="Interprète Fictive",
    )
    canary = PersonFactory(
        organisation=association, created_by=worker.user, first_name=CANARY_FIRST, last_name=CANARY_LAST
    )
    people.add_alias(actor=worker, person=canary, kind="alias", name="Canari Vautrinelle")
    services.record_request(
        actor=worker, person=canary, kind="rectification", received_on=timezone.localdate()
    )
    return person


def _export(client, person, **extra):
    url = reverse("datarights:export", args=[person.public_id])
    return client.post(url, {"rights_request": "", "confirmation": "oui", **extra})


def _password_and_token(response) -> tuple[str, str]:
    body = response.content.decode()
    password = body.split('data-testid="export-password"')[1].split(">", 1)[1].split("<", 1)[0]
    token = body.split('name="jeton" value="')[1].split('"', 1)[0]
    return password, token


def _open(content: bytes, password: str) -> dict[str, bytes]:
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(password.encode())
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_holds_every_kind_of_record_and_nothing_of_another_person(full, actors):
    worker = actors["association_worker"]
    client = client_for(worker)
    response = _export(client, full)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password, token = _password_and_token(response)
    download = client.post(reverse("datarights:export_download"), {"jeton": token})
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    files = _open(download.content, password)

    data = json.loads(files["donnees.json"])
    sections = data["sections"]
    person = sections["identite"][0]
    assert (person["last_name"], person["first_name"], person["usual_name"]) == (LAST, FIRST, USUAL)
    assert any(record.get("name") == "Dite Fleurance" for record in sections["identite"])
    for key in (
        "consentements",
        "notes",
        "interpretariat",
        "parcours",
        "decisions",
        "logement",
        "recours",
        "attestations",
        "reperages",
        "droits",
        "documents",
        "journal",
    ):
        assert sections[key], f"section {key} vide"
    types = {record["type"] for records in sections.values() for record in records}
    assert EVERY_KIND <= types, EVERY_KIND - types
    assert all(record["role"] and "user" not in record for record in sections["journal"])
    # Every stored file is in the archive, decrypted: the uploads (a PDF, a PNG) and the frozen PDFs.
    stored = [name for name in files if name.startswith("fichiers/")]
    assert any(files[name].startswith(b"%PDF") for name in stored)
    assert any(files[name].startswith(b"\x89PNG") for name in stored)
    assert not any(files[name].startswith(MAGIC) for name in stored)
    summary = files["resume.html"].decode()
    assert LAST in summary and "Qui a consulté ou modifié le dossier" in summary
    # Nothing about the other person; no staff member named; no name in the entries' names (in clear).
    everything_text = b"".join(files.values()).decode("utf-8", errors="replace")
    assert CANARY_LAST not in everything_text and CANARY_FIRST not in everything_text
    assert worker.user.last_name not in everything_text
    assert all(LAST not in name and FIRST not in name for name in files)


def test_the_archive_cannot_be_read_without_its_password(full, actors):
    client = client_for(actors["secretariat"])
    password, token = _password_and_token(_export(client, full))
    content = client.post(reverse("datarights:export_download"), {"jeton": token}).content
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        with pytest.raises(RuntimeError):
            archive.read("donnees.json")
        archive.setpassword(b"mauvais-mot-de-passe")
        with pytest.raises(RuntimeError):
            archive.read("donnees.json")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # the standard library cannot decrypt AES either
        with pytest.raises((RuntimeError, NotImplementedError)):
            archive.read("donnees.json")
    assert LAST.encode() not in content and FIRST.encode() not in content
    assert password.encode() not in content


def test_the_password_is_stored_nowhere_and_the_file_is_sealed_then_deleted(
    full, actors, caplog, django_capture_on_commit_callbacks
):
    client = client_for(actors["association_worker"])
    response = _export(client, full)
    password, token = _password_and_token(response)
    export = AccessExport.objects.get()
    with default_storage.open(export.file.name, "rb") as handle:
        assert handle.read()[:2] == b"PK"  # the storage decrypts: what it holds is the AES archive
    raw = Path(default_storage.path(export.file.name)).read_bytes()
    assert raw.startswith(MAGIC)  # sealed again at rest
    assert password not in caplog.text and token not in caplog.text
    for value in AccessExport.objects.values_list(flat=False).get():
        assert password not in str(value) and token not in str(value)
    assert not AuditEvent.objects.filter(detail__contains=password).exists()
    name = export.file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("datarights:export_download"), {"jeton": token})
    export.refresh_from_db()
    assert export.downloaded_at and not export.file and not default_storage.exists(name)
    # Single use: the same link again gives the French page, no byte of the archive.
    again = client.post(reverse("datarights:export_download"), {"jeton": token})
    assert again.status_code == 410 and "ne sert plus" in again.content.decode()
    assert (
        AuditEvent.objects.filter(
            object_type="people.person", object_id=str(full.public_id), action__in=("share", "download")
        ).count()
        == 2
    )


def test_the_link_expires_and_the_sweep_deletes_the_file(person, actors):
    client = client_for(actors["association_worker"])
    _password, token = _password_and_token(_export(client, person))
    export = AccessExport.objects.get()
    name = export.file.name
    assert export.expires_at - timezone.now() <= timedelta(minutes=rules.EXPORT_LINK_MINUTES)
    assert services.purge_expired_exports() == 0  # within its term: kept
    # The term passed (the session would have ended too: the row is moved, not the clock).
    AccessExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("datarights:export_download"), {"jeton": token})
    assert response.status_code == 410
    assert services.purge_expired_exports() == 1
    assert not default_storage.exists(name)
    assert services.purge_expired_exports() == 0


def test_only_the_actor_who_built_it_may_take_it(person, actors):
    _password, token = _password_and_token(_export(client_for(actors["association_worker"]), person))
    other = client_for(actors["association_manager"])
    assert other.post(reverse("datarights:export_download"), {"jeton": token}).status_code == 410


def test_a_confirmation_comes_first_and_nothing_is_built_before(person, actors):
    client = client_for(actors["association_worker"])
    url = reverse("datarights:export", args=[person.public_id])
    response = client.post(url, {"rights_request": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "Oui, préparer" in body and "AES-256" in body
    assert not AccessExport.objects.exists()


def test_another_association_gets_404_and_a_partner_is_refused(person, actors, other_association):
    from tests.factories import make_actor

    url = reverse("datarights:export", args=[person.public_id])
    other = make_actor("association_worker", organisation=other_association)
    assert client_for(other).post(url, {"confirmation": "oui"}).status_code == 404
    partner = actors["partner_advisor"]
    people.record_consent(
        actor=actors["association_worker"],
        person=person,
        purpose=ConsentPurpose.SHARING,
        given_on=timezone.localdate(),
        partner=partner.organisation,
    )
    people.share_with_partner(
        actor=actors["association_worker"], person=person, partner=partner.organisation, reason="Orientation"
    )
    assert client_for(partner).post(url, {"confirmation": "oui"}).status_code == 403
    assert client_for(partner).get(reverse("datarights:person", args=[person.public_id])).status_code == 403
    assert not AccessExport.objects.exists()
    assert AuditEvent.objects.filter(action="refused", object_id=str(person.public_id)).exists()


def test_the_export_answers_an_access_request(person, actors):
    worker = actors["association_worker"]
    request = services.record_request(
        actor=worker, person=person, kind="access", received_on=timezone.localdate()
    )
    _export(client_for(worker), person, rights_request=str(request.public_id))
    assert AccessExport.objects.get().rights_request == request
