"""The retention regimes applied over years of synthetic files (docs/conservation.md): the clock moves, and
nothing past its term remains — rows, files in the store, blind indexes — while what is within term or
protected (an open pathway, a State act) is kept, and a second run does nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from parcours.commission.models import PrefectDecision
from parcours.core.crypto import blind_index
from parcours.core.models import Alert, AuditEvent
from parcours.datarights.models import RightsRequest
from parcours.pathways.models import Pathway, RequestDocument
from parcours.people.models import PERSON_LAST_NAME, Person, PersonSearchToken
from parcours.referrals.models import Detection
from parcours.retention.models import Anonymisation, ArchiveTransfer
from parcours.retention.services import apply_retention, last_contact
from tests.factories import DetectionFactory, PathwayFactory, PersonFactory, RequestFactory

pytestmark = pytest.mark.django_db(transaction=False)


def with_document(person):
    """A pathway ended long ago with one uploaded document in the encrypted store."""
    pathway = PathwayFactory(person=person, ended=True)
    request = RequestFactory(pathway=pathway, state="abandoned")
    document = RequestDocument(
        request=request,
        kind="identity",
        original_name="passeport.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=person.created_by,
    )
    document.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    return pathway, document


def test_nothing_past_its_term_remains_and_a_second_run_does_nothing(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        gone = PersonFactory(last_name="Zorvalenne-Partie")
        _, gone_document = with_document(gone)
        storage = gone_document.file.storage
        gone_file = gone_document.file.name
        acted = PersonFactory(last_name="Zorvalenne-Acte")
        acted_pathway, acted_document = with_document(acted)
        PrefectDecision.objects.create(
            departement=acted.departement, pathway=acted_pathway, origin="outside", outcome="ended"
        )
        # Her rights: the request answered stays in the register without its text; the export goes.
        RightsRequest.objects.create(
            departement=acted.departement,
            person=acted,
            organisation=acted.organisation,
            kind="access",
            received_on=timezone.localdate(),
            due_on=timezone.localdate() + timedelta(days=30),
            details="Zorvalenne-Acte demande copie de son dossier",
            answered_on=timezone.localdate(),
            answer="granted",
            recorded_by=acted.created_by,
        )
        asking = PersonFactory(last_name="Zorvalenne-Demande")  # a request still unanswered: kept
        RightsRequest.objects.create(
            departement=asking.departement,
            person=asking,
            organisation=asking.organisation,
            kind="erasure",
            received_on=timezone.localdate(),
            due_on=timezone.localdate() + timedelta(days=30),
            recorded_by=asking.created_by,
        )
        followed = PathwayFactory(state="active").person  # an open pathway: never purged
        minor = DetectionFactory(minor=True, identified=True)
        adult = DetectionFactory(identified=True)
    with time_machine.travel(start + timedelta(days=2 * 365), tick=False):
        recent = PersonFactory(last_name="Zorvalenne-Recente")  # within term three years on
    later = start + timedelta(days=3 * 365)
    with time_machine.travel(later, tick=False):
        today = timezone.localdate()
        assert last_contact(gone) < today - timedelta(days=2 * 365)
        dry = apply_retention(today=today, dry_run=True)
        assert dry.done == 4 and Person.objects.filter(pk=gone.pk).exists()  # a dry run changes nothing

        assert storage.exists(gone_file) and storage.exists(acted_document.file.name)
        with django_capture_on_commit_callbacks(execute=True):
            report = apply_retention(today=today)

        assert report.done == 4
        # Deleted: the row, its pathway, its document row and file, its blind indexes and search tokens.
        assert not Person.objects.filter(pk=gone.pk).exists()
        assert not Pathway.objects.filter(person_id=gone.pk).exists()
        assert not RequestDocument.objects.filter(pk=gone_document.pk).exists()
        assert not storage.exists(gone_file)
        assert not Person.objects.filter(
            last_name_bidx=blind_index("Zorvalenne-Partie", label=PERSON_LAST_NAME)
        ).exists()
        assert not PersonSearchToken.objects.filter(person_id=gone.pk).exists()
        # Anonymised: the State act and the pathway stay, the identity is the pseudonym, no index survives.
        acted.refresh_from_db()
        assert acted.last_name == acted.pseudonym and acted.first_name == "" and acted.phone == ""
        assert acted.last_name_bidx == "" and acted.birth_date_bidx == ""
        assert not acted.search_tokens.exists() and not acted.consents.exists()
        assert PrefectDecision.objects.filter(pathway=acted_pathway).exists()
        assert not RequestDocument.objects.filter(pk=acted_document.pk).exists()
        assert not storage.exists(acted_document.file.name)
        assert Anonymisation.objects.filter(person=acted).exists()
        kept = RightsRequest.objects.get(person=acted)
        assert kept.details == "" and kept.answered_on is not None
        asking.refresh_from_db()
        assert asking.last_name == "Zorvalenne-Demande" and asking.last_name_bidx
        # Detections past their terms (minor and adult) are gone.
        assert not Detection.objects.filter(pk__in=[minor.pk, adult.pk]).exists()
        # Within term or protected: untouched.
        followed.refresh_from_db()
        recent.refresh_from_db()
        assert followed.last_name_bidx and followed.search_tokens.exists()
        assert recent.last_name == "Zorvalenne-Recente"
        # The secretariat is told, with counts only.
        alert = Alert.objects.get(departement=gone.departement, kind=Alert.Kind.RETENTION_REPORT)
        assert "dossiers de suivi supprimés : 1" in alert.message
        assert "Zorvalenne" not in alert.message
        # A second run finds nothing more to do, and tells nobody again.
        again = apply_retention(today=today)
        assert again.done == 0
        assert (
            Alert.objects.filter(kind=Alert.Kind.RETENTION_REPORT).count()
            == Alert.objects.filter(kind=Alert.Kind.RETENTION_REPORT).distinct().count()
        )


def test_the_command_reports_counts_and_refuses_a_bad_date(capsys):
    PersonFactory()
    call_command("apply_retention", "--dry-run", "--today", "2031-01-01")
    out = capsys.readouterr().out
    assert "Simulation" in out and "dossiers de suivi supprimés : 1" in out
    with pytest.raises(Exception, match="AAAA-MM-JJ"):
        call_command("apply_retention", "--today", "demain")


def test_state_acts_past_their_usefulness_are_marked_to_transfer_never_deleted():
    person = PersonFactory()
    pathway = PathwayFactory(person=person, ended=True)
    decision = PrefectDecision.objects.create(
        departement=person.departement,
        pathway=pathway,
        origin="outside",
        outcome="ended",
        state="signed",
        year=2024,
        number=1,
        reference="2024-001",
        signed_on=date(2024, 5, 2),
    )
    assert apply_retention(today=date(2029, 12, 31)).counts.get(person.departement_id) is None or not (
        ArchiveTransfer.objects.exists()
    )
    apply_retention(today=date(2030, 1, 1))
    transfer = ArchiveTransfer.objects.get(departement=person.departement, year=2024)
    assert transfer.state == ArchiveTransfer.State.DUE and transfer.acts == 1
    assert PrefectDecision.objects.filter(pk=decision.pk).exists()
    apply_retention(today=date(2030, 1, 2))
    assert ArchiveTransfer.objects.count() == 1
    assert AuditEvent.objects.count() >= 0
