"""Nothing identifying at rest in clear: the database file, the file store and the e-mail store, after every
kind of document was produced for a person and her identity document was uploaded (a PDF and a PNG that
bear her name). Found in review: a decision's HTML held the name and birth date in a plain column; uploads
and frozen PDFs were clear files on disk."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image, PngImagePlugin
from pypdf import PdfReader
from weasyprint import HTML

from parcours.approvals import services as approvals
from parcours.approvals.rules import DOC_OTHER
from parcours.commission import services as cs
from parcours.commission.models import Letter, MeetingKind, PrefectDecision
from parcours.core.storage import MAGIC, seal, unseal
from parcours.documents import services as documents
from parcours.documents.models import GeneratedDocument
from parcours.outbox import services as outbox
from parcours.outbox.models import OutgoingEmail
from parcours.pathways import services as psp
from parcours.pathways.models import DocumentKind
from tests.at_rest import (
    database_bytes,
    database_dump,
    files_under,
    fold,
    hits_in_bytes,
    needles_of,
    scan_paths,
    unsealed_files,
)
from tests.commission.conftest import commission, in_days, ready_request  # noqa: F401 (fixture)
from tests.conftest import client_for
from tests.factories import PersonFactory, started_ago

pytestmark = pytest.mark.django_db

FIRST, LAST, USUAL = "Séraphine", "Quillebarde", "Morgaude"
BIRTH = date(1983, 7, 19)
# The names, and the birth date as the documents write it (and as a database or a form would).
NEEDLES = needles_of([FIRST, LAST, USUAL]) | {
    fold(d) for d in ("19 juillet 1983", "19/07/1983", "1983-07-19")
}


def identity_pdf() -> bytes:
    return HTML(
        string=f"<h1>Titre d'identité (spécimen)</h1><p>Nom : {LAST.upper()}</p><p>Prénom : {FIRST}</p>"
        f"<p>Né·e le {BIRTH:%d/%m/%Y}</p>"
    ).write_pdf()


def identity_png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", f"Carte de séjour de {FIRST} {LAST}")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.fixture
def email_store(settings, tmp_path):
    settings.EMAIL_BACKEND = "parcours.outbox.backends.EncryptedFileEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "courriels"
    return settings.EMAIL_FILE_PATH


@pytest.fixture
def everything(actors, association, commission, email_store, django_capture_on_commit_callbacks):  # noqa: F811
    """Every kind of document about one person, her uploads, and e-mails delivered to the store."""
    asso, sec, prefect = actors["association_worker"], actors["secretariat"], actors["signatory"]
    person = PersonFactory(
        organisation=association,
        created_by=asso.user,
        first_name=FIRST,
        last_name=LAST,
        usual_name=USUAL,
        birth_date=BIRTH,
    )
    pathway = psp.start_pathway(actor=asso, person=person)
    request = pathway.requests.get()
    psp.add_document(
        actor=asso,
        request=request,
        kind=DocumentKind.IDENTITY,
        uploaded=SimpleUploadedFile(f"passeport-{LAST}.pdf", identity_pdf(), content_type="application/pdf"),
    )
    psp.add_document(
        actor=asso,
        request=request,
        kind=DocumentKind.OTHER,
        uploaded=SimpleUploadedFile(f"titre-{LAST}.png", identity_png(), content_type="image/png"),
    )
    request = ready_request(actors, pathway)
    meeting = cs.schedule_meeting(
        actor=sec, kind=MeetingKind.RESTRICTED, starts_at=in_days(6), place="Salle 2"
    )
    item = cs.add_request_item(actor=sec, meeting=meeting, request=request)
    with django_capture_on_commit_callbacks(execute=True):
        cs.convene(actor=sec, meeting=meeting)  # convocation document, e-mails to the members
    meeting.__class__.objects.filter(pk=meeting.pk).update(starts_at=started_ago(2))
    meeting.refresh_from_db()
    cs.record_attendance(actor=sec, meeting=meeting, present_ids={c.pk for c in meeting.convocations.all()})
    cs.record_item_opinion(actor=sec, item=item, opinion="favourable", motive=f"Projet de Mme {LAST} solide")
    cs.draft_minutes(actor=sec, meeting=meeting)
    item.refresh_from_db()
    decision = cs.draft_decision(actor=sec, item=item, outcome="authorised")
    cs.sign_decision(actor=prefect, decision=decision, day=timezone.localdate())
    cs.close_meeting(actor=sec, meeting=meeting)  # minutes frozen
    # The AFIS stopped after a hearing (appeals): the notice, the act and its two letters name the person.
    from parcours.appeals import services as hearing
    from parcours.pathways.models import Afis

    today = timezone.localdate()
    pathway.refresh_from_db()
    psp.grant_afis(
        actor=sec,
        afis=Afis.objects.get(pathway=pathway),
        granted_on=today,
        start=today,
        paying_body="MSA fictive",
        dependent_children=0,
    )
    procedure = hearing.start_procedure(
        actor=sec, kind="afis_stop", pathway=pathway, grounds=f"Mme {LAST} absente"
    )
    procedure = hearing.record_notice_handover(
        actor=asso, procedure=procedure, day=today, acknowledgement="signed_receipt"
    )
    procedure = hearing.record_observations(
        actor=sec, procedure=procedure, day=today, text=f"{FIRST} {LAST} explique"
    )
    procedure = hearing.record_procedure_opinion(
        actor=sec, procedure=procedure, opinion="favourable", day=today
    )
    hearing.decide_procedure(actor=prefect, procedure=procedure, day=today, motive=f"Mme {LAST} absente")
    documents.create_document(
        actor=sec,
        kind="documents.courrier",
        context={"destinataire": {"nom": f"{FIRST} {LAST}"}, "objet": "Votre demande", "corps": "Texte"},
        title="Courrier libre",
        freeze=True,
    )
    manager = actors["association_manager"]
    application = approvals.start_application(actor=manager)
    approvals.add_document(  # the managers' list names people too: a file name and a PDF
        actor=manager,
        application=application,
        kind=DOC_OTHER,
        uploaded=SimpleUploadedFile(f"{LAST}.pdf", identity_pdf(), content_type="application/pdf"),
    )
    # The attestation of engagement names her too (issue 14), and so do her housing and interpreting records.
    from parcours.attestations import services as attestations
    from parcours.housing import services as housing
    from parcours.people import services as people

    pathway.refresh_from_db()
    attestation = attestations.request_attestation(
        actor=asso, pathway=pathway, purpose="tax", recipient=f"Impôts de {LAST}"
    )
    attestations.issue_attestation(actor=sec, attestation=attestation)
    housing.record_housing_request(
        actor=asso, person=person, filed_on=timezone.localdate(), registration_number=f"NUR-{LAST}"
    )
    housing.record_siao_request(
        actor=asso,
        person=person,
        requested_on=timezone.localdate(),
        orientation="chrs",
        number=f"SIAO-{LAST}",
    )
    people.record_interpreting(
        actor=asso,
        person=person,
        day=timezone.localdate(),
        occasion="interview",
        language="roumain",
        interpreter=f"Interprète de {FIRST}",
        mode="phone",
        duration_minutes=30,
        cost=0,
    )
    letter = Letter.objects.get(decision__request=request, addressee=Letter.Addressee.PERSON)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue_email(
            departement=sec.departement,
            idempotency_key="test:notification",
            to="destinataire@example.invalid",
            subject=f"Notification — {FIRST} {LAST}",
            body=f"Bonjour {FIRST} {LAST},\nvotre décision est jointe.",
            attachments=[letter.document],
        )
    return person


def test_the_fixture_really_holds_the_identity(everything, email_store):
    """Non-vacuous: decrypted, the documents, uploads and e-mails do name the person."""
    kinds = set(GeneratedDocument.objects.values_list("kind", flat=True))
    assert {"commission.convocation", "commission.pv", "commission.decision", "documents.courrier"} <= kinds
    assert {
        "appeals.preavis",
        "appeals.decision_arret_afis",
        "appeals.arret_afis_personne",
        "appeals.arret_afis_organisme_payeur",
    } <= kinds
    assert "attestations.engagement" in kinds
    assert Letter.objects.count() == 3  # person, AFIS payer, immigration service
    decision = PrefectDecision.objects.get()
    assert FIRST in decision.document.html and LAST.upper() in decision.document.html
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(documents.pdf_of(decision.document))).pages
    )
    assert LAST.upper() in text and "19 juillet 1983" in text
    identity = everything.pathways.get().requests.get().documents.filter(kind=DocumentKind.IDENTITY).first()
    with identity.file.open("rb") as handle:
        assert LAST.upper() in PdfReader(handle).pages[0].extract_text()
    assert OutgoingEmail.objects.get(idempotency_key="test:notification").body.startswith(f"Bonjour {FIRST}")
    out = StringIO()
    call_command("read_emails", "--derniers", "50", stdout=out)
    assert f"Bonjour {FIRST} {LAST}" in out.getvalue()


def test_no_name_in_clear_in_the_database_file(everything):
    data = database_bytes(connection)
    if data is None:  # PostgreSQL: every row of every table, as a dump shows it
        data = database_dump(connection).encode()
    assert hits_in_bytes(data, NEEDLES, database=True) == set()


def test_no_name_in_clear_in_the_file_store(everything):
    root = Path(default_storage.location)
    stored = files_under(root)
    assert len(stored) >= 10, "uploads and frozen PDFs are in the store"
    assert unsealed_files(root) == []
    assert scan_paths(stored, NEEDLES) == {}


def test_no_name_in_clear_in_the_email_store(everything, email_store):
    stored = files_under(email_store)
    assert stored, "the e-mails were delivered to the store"
    assert unsealed_files(email_store) == []
    assert scan_paths(stored, NEEDLES) == {}


def test_stored_files_are_private_to_the_application(everything, email_store):
    for root in (Path(default_storage.location), email_store):
        for path in [root, *root.rglob("*")]:
            mode = stat.S_IMODE(os.stat(path).st_mode)
            assert mode == (0o700 if path.is_dir() else 0o600), f"{path.relative_to(root)}: {oct(mode)}"


def test_the_scanner_finds_a_name_left_in_clear(tmp_path):
    """Control: the same scan does report clear names, in every form it claims to read."""
    pdf = identity_pdf()
    clear_pdf = tmp_path / "clair.pdf"
    clear_pdf.write_bytes(pdf)
    archive = tmp_path / "export.xlsx"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("xl/sharedStrings.xml", f"<t>{LAST.upper()}</t>")
    mail = tmp_path / "courriel.log"
    from django.core.mail import EmailMessage

    mail.write_bytes(
        EmailMessage(subject="x", body=f"Bonjour {FIRST} {LAST} — " * 30, to=["a@b.fr"]).message().as_bytes()
    )
    image = tmp_path / "scan.png"
    image.write_bytes(identity_png())
    escaped = tmp_path / "ligne.json"
    escaped.write_text('{"nom": "S\\u00e9raphine"}')
    sealed = tmp_path / "scelle"
    sealed.write_bytes(seal(pdf))
    report = scan_paths([clear_pdf, archive, mail, image, escaped, sealed], NEEDLES)
    assert set(report) == {str(p) for p in (clear_pdf, archive, mail, image, escaped)}
    assert unseal(sealed.read_bytes()) == pdf


def test_the_scanner_finds_a_name_left_in_clear_in_the_database(everything):
    from parcours.core.models import Organisation

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_organisation SET name = %s WHERE id = %s",
            [f"Chez {FIRST} {LAST}", Organisation.objects.first().pk],
        )
    data = database_bytes(connection) or database_dump(connection).encode()
    assert {f" {FIRST.lower().replace('é', 'e')} ", f" {LAST.lower()} "} <= hits_in_bytes(
        data, NEEDLES, database=True
    )


def test_a_frozen_pdf_is_served_decrypted_to_an_entitled_reader(everything, actors):
    decision = PrefectDecision.objects.get()
    response = client_for(actors["secretariat"]).get(
        reverse("commission:decision_pdf", args=[decision.public_id])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not Path(decision.document.pdf.path).read_bytes().startswith(b"%PDF")
    assert Path(decision.document.pdf.path).read_bytes().startswith(MAGIC)


def test_the_outbox_page_shows_the_decrypted_subject_to_the_secretariat(everything, actors):
    response = client_for(actors["secretariat"]).get(reverse("outbox:list"))
    assert response.status_code == 200
    assert f"Notification — {FIRST} {LAST}" in response.content.decode()


def test_an_upload_swapped_on_disk_is_not_served(everything, actors, caplog):
    """Another sealed file put in place of the identity document: its SHA-256 differs, nothing is sent."""
    documents_of_request = everything.pathways.get().requests.get().documents.order_by("created_at")
    identity, other = documents_of_request[0], documents_of_request[1]
    Path(identity.file.path).write_bytes(Path(other.file.path).read_bytes())
    url = reverse(
        "pathways:document_download", args=[everything.pathways.get().public_id, identity.public_id]
    )
    response = client_for(actors["association_worker"]).get(url)
    assert response.status_code == 409
    assert "ne peut pas être téléchargé" in response.content.decode()
    assert b"%PDF" not in response.content
    assert str(identity.public_id) in caplog.text and LAST not in caplog.text


def test_a_frozen_pdf_swapped_on_disk_is_not_served(everything, actors, caplog):
    decision = PrefectDecision.objects.get()
    letter = Letter.objects.filter(decision=decision).first()
    Path(decision.document.pdf.path).write_bytes(Path(letter.document.pdf.path).read_bytes())
    response = client_for(actors["secretariat"]).get(
        reverse("commission:decision_pdf", args=[decision.public_id])
    )
    assert response.status_code == 409 and b"%PDF" not in response.content
    assert "ne peut pas être téléchargé" in response.content.decode()
    assert str(decision.document.public_id) in caplog.text and LAST not in caplog.text
