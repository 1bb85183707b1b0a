"""State acts for the archives service: exported with a manifest (SHA-256 of each file), the transfer
recorded, only then the application's copy removed by a confirmed act; the register rows are never deleted."""

from __future__ import annotations

import hashlib
import json
import tarfile
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from parcours.commission.models import PrefectDecision
from parcours.documents.models import GeneratedDocument
from parcours.retention.models import ArchiveTransfer
from parcours.retention.services import apply_retention
from tests.factories import PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 decision Zorvalenne-Archive\n"


@pytest.fixture
def signed_decision(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = PersonFactory(last_name="Zorvalenne-Archive")
    pathway = PathwayFactory(person=person, ended=True)
    document = GeneratedDocument(
        departement=person.departement,
        kind="decision",
        title="Décision",
        html="<p>Décision concernant Zorvalenne-Archive</p>",
        state="frozen",
        sha256=hashlib.sha256(PDF).hexdigest(),
        frozen_at=timezone.now(),
        created_by=person.created_by,
    )
    document.pdf.save("x.pdf", ContentFile(PDF), save=False)
    document.save()
    return PrefectDecision.objects.create(
        departement=person.departement,
        pathway=pathway,
        origin="outside",
        outcome="ended",
        state="signed",
        year=2024,
        number=1,
        reference="2024-001",
        signed_on=date(2024, 5, 2),
        document=document,
        motive="motif qui parle de la personne",
    )


def test_export_then_transfer_then_confirmed_removal(
    signed_decision, tmp_path, django_capture_on_commit_callbacks
):
    code = signed_decision.departement.code
    with pytest.raises(CommandError, match="pas à verser"):
        call_command("export_archives", "--departement", code, "--year", "2024", "--output", str(tmp_path))
    apply_retention(today=date(2030, 1, 1))
    with pytest.raises(CommandError, match="après l'enregistrement"):
        call_command("export_archives", "--departement", code, "--year", "2024", "--remove-copy", "--confirm")

    call_command(
        "export_archives", "--departement", code, "--year", "2024", "--output", str(tmp_path / "out")
    )
    path = tmp_path / "out" / f"versement-{code}-2024.tar"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(path) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        content = archive.extractfile("decisions/2024-001.pdf").read()
    assert content == PDF
    (item,) = manifest["DataObjects"]
    assert item["MessageDigest"] == {"algorithm": "SHA-256", "value": hashlib.sha256(PDF).hexdigest()}
    assert manifest["ManagementMetadata"]["AppraisalRule"]["FinalAction"] == "Keep"
    assert "Zorvalenne" not in json.dumps(manifest)
    transfer = ArchiveTransfer.objects.get(year=2024)
    assert transfer.state == ArchiveTransfer.State.EXPORTED
    assert transfer.archive_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    call_command(
        "export_archives", "--departement", code, "--year", "2024", "--record-transfer", "AD99-2030-12"
    )
    with pytest.raises(CommandError, match="--confirm"):
        call_command("export_archives", "--departement", code, "--year", "2024", "--remove-copy")
    document = signed_decision.document
    stored = document.pdf.name
    storage = document.pdf.storage
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("export_archives", "--departement", code, "--year", "2024", "--remove-copy", "--confirm")

    document.refresh_from_db()
    signed_decision.refresh_from_db()
    assert not storage.exists(stored) and not document.pdf
    assert "AD99-2030-12" in document.html and document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert signed_decision.motive == "" and signed_decision.reference == "2024-001"
    assert ArchiveTransfer.objects.get(year=2024).state == ArchiveTransfer.State.COPY_REMOVED
