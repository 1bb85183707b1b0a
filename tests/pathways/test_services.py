"""The PSP workflow through its services: the request's state machine, the timeline, renewals, the end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from parcours.approvals.models import Agrement
from parcours.core import dates
from parcours.pathways import rules
from parcours.pathways import services as psp
from parcours.pathways.models import (
    Afis,
    DocumentKind,
    EndReason,
    Outcome,
    Pathway,
    PathwayState,
    RequestKind,
    RequestState,
)
from parcours.people import services as people_services
from parcours.people.models import ConsentPurpose
from tests import files
from tests.conftest import PDF, PNG, complete_request, drive_to_decision, pdf_upload
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate()


def extend_agrement(association, since: date) -> None:
    Agrement.objects.filter(organisation=association).update(valid_from=since)


def renew(actors, pathway, *, day: date, decision: str = "authorised", period_start: date | None = None):
    """Start, complete and drive a renewal to the prefect's decision, everything dated `day`."""
    asso, sec = actors["association_worker"], actors["secretariat"]
    psp.start_renewal(actor=asso, pathway=pathway)
    request = complete_request(asso, pathway, day=day)
    psp.submit_request(actor=asso, request=request, today=day)
    psp.mark_ready(actor=sec, request=request)
    opinion = "favourable" if decision == "authorised" else "unfavourable"
    psp.record_opinion(actor=sec, request=request, opinion=opinion, day=day, motive="Engagements tenus")
    psp.record_decision(
        actor=actors["signatory"],
        request=request,
        decision=decision,
        day=day,
        reference="REF-R",
        period_start=period_start,
    )
    request.refresh_from_db()
    return request


# --- The full path of a first request ---


def test_full_path_from_draft_to_authorisation(actors, clients, pathway):
    asso, sec, signatory = actors["association_worker"], actors["secretariat"], actors["signatory"]
    day = today()
    assert pathway.requests.get().state == RequestState.DRAFT

    request = complete_request(asso, pathway, day=day)
    assert request.kind == RequestKind.INITIAL
    psp.submit_request(actor=asso, request=request, today=day)
    assert request.state == RequestState.SUBMITTED and request.submitted_on == day

    psp.return_incomplete(
        actor=sec, request=request, missing=["Copie du passeport illisible"], comment="Merci"
    )
    request.refresh_from_db()
    assert request.state == RequestState.INCOMPLETE
    assert request.missing_items == ["Copie du passeport illisible"]
    page = clients["association_worker"].get(f"/parcours/{pathway.public_id}/").content.decode()
    missing_block = page.split('data-testid="missing-items"', 1)[1].split("</ul>", 1)[0]
    assert "<li>Copie du passeport illisible</li>" in missing_block

    psp.add_document(
        actor=asso, request=request, kind=DocumentKind.IDENTITY, uploaded=pdf_upload("lisible.pdf")
    )
    psp.submit_request(actor=asso, request=request, today=day)
    assert request.state == RequestState.SUBMITTED

    psp.mark_ready(actor=sec, request=request)
    request.refresh_from_db()
    assert request.state == RequestState.READY and request.missing_items == []

    psp.record_opinion(actor=sec, request=request, opinion="postponed", day=day, motive="Audition à prévoir")
    assert request.state == RequestState.POSTPONED
    psp.record_opinion(actor=sec, request=request, opinion="favourable", day=day, motive="Projet cohérent")
    assert request.state == RequestState.REVIEWED

    psp.record_decision(
        actor=signatory, request=request, decision="authorised", day=day, reference="ARR-2026-1"
    )
    request.refresh_from_db()
    pathway.refresh_from_db()
    assert request.state == RequestState.AUTHORISED and request.decision_reference == "ARR-2026-1"
    assert pathway.state == PathwayState.ACTIVE
    period = pathway.periods.get()
    assert (period.number, period.start, period.end) == (1, day, rules.period_end(day))

    events = list(pathway.events.all())
    assert [e.name for e in events] == [
        "start",
        "submit",
        "return_incomplete",
        "submit",
        "mark_ready",
        "postpone",
        "give_opinion",
        "authorise",
        "period",
        "authorise",
    ]
    assert [(e.from_state, e.to_state) for e in events if e.name == "submit"] == [
        ("draft", "submitted"),
        ("incomplete", "submitted"),
    ]
    assert events[3].label == "Demande complétée et transmise"
    by_name = {e.name: e for e in events}
    assert by_name["return_incomplete"].motive == "Copie du passeport illisible ; Merci"
    assert by_name["postpone"].motive == "Audition à prévoir"
    assert (by_name["return_incomplete"].user, by_name["return_incomplete"].role) == (sec.user, "secretariat")
    assert (events[-1].user, events[-1].role, events[-1].organisation) == (
        signatory.user,
        "signatory",
        signatory.organisation,
    )
    assert all(e.at is not None for e in events)
    assert "Période 1 ouverte" in by_name["period"].label


def test_refused_path(actors, pathway):
    request = drive_to_decision(actors, pathway, decision="refused")
    pathway.refresh_from_db()
    assert request.state == RequestState.REFUSED and request.opinion == "unfavourable"
    assert pathway.state == PathwayState.REFUSED
    assert not pathway.periods.exists()
    assert [e.name for e in pathway.events.all()][-2:] == ["refuse", "refuse"]
    # A refused pathway is closed: a new request may be started for the person.
    again = psp.start_pathway(actor=actors["association_worker"], person=pathway.person)
    assert again.state == PathwayState.IN_INSTRUCTION


def test_unfavourable_opinion_may_still_be_followed_by_an_authorisation(actors, pathway):
    asso, sec = actors["association_worker"], actors["secretariat"]
    request = complete_request(asso, pathway)
    psp.submit_request(actor=asso, request=request)
    psp.mark_ready(actor=sec, request=request)
    psp.record_opinion(actor=sec, request=request, opinion="unfavourable", day=today(), motive="Réserves")
    psp.record_decision(actor=actors["signatory"], request=request, decision="authorised", day=today())
    assert request.state == RequestState.AUTHORISED  # the opinion does not bind the prefect


# --- Illegal transitions ---


def submitted(actors, pathway):
    request = complete_request(actors["association_worker"], pathway)
    psp.submit_request(actor=actors["association_worker"], request=request)
    return request


def test_decision_before_any_opinion_is_refused(actors, pathway):
    request = submitted(actors, pathway)
    psp.mark_ready(actor=actors["secretariat"], request=request)
    with pytest.raises(ValidationError, match="après un avis"):
        psp.record_decision(actor=actors["signatory"], request=request, decision="authorised", day=today())
    request.refresh_from_db()
    assert request.state == RequestState.READY and request.decision == ""
    assert not pathway.periods.exists()


def test_decision_after_a_postponed_opinion_is_refused(actors, pathway):
    request = submitted(actors, pathway)
    psp.mark_ready(actor=actors["secretariat"], request=request)
    psp.record_opinion(
        actor=actors["secretariat"], request=request, opinion="postponed", day=today(), motive="À revoir"
    )
    with pytest.raises(ValidationError):
        psp.record_decision(actor=actors["signatory"], request=request, decision="authorised", day=today())
    request.refresh_from_db()
    assert request.state == RequestState.POSTPONED


def test_mark_ready_on_a_draft_is_refused(actors, pathway):
    request = pathway.requests.get()
    with pytest.raises(ValidationError, match="n'est pas permis"):
        psp.mark_ready(actor=actors["secretariat"], request=request)
    request.refresh_from_db()
    assert request.state == RequestState.DRAFT


def test_submitting_twice_is_refused(actors, pathway):
    request = submitted(actors, pathway)
    with pytest.raises(ValidationError):
        psp.submit_request(actor=actors["association_worker"], request=request)
    assert [e.name for e in pathway.events.all()].count("submit") == 1


def test_opinion_on_a_draft_is_refused(actors, pathway):
    request = pathway.requests.get()
    with pytest.raises(ValidationError):
        psp.record_opinion(
            actor=actors["secretariat"], request=request, opinion="favourable", day=today(), motive="x"
        )
    request.refresh_from_db()
    assert request.state == RequestState.DRAFT and request.opinion == ""


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"day": date(2000, 1, 1)}, "précéder la transmission"),
        ({"day": date(2999, 1, 1)}, "futur"),
        ({"motive": "  "}, "motif"),
    ],
)
def test_opinion_dates_and_motive_are_checked(actors, pathway, kwargs, message):
    request = submitted(actors, pathway)
    psp.mark_ready(actor=actors["secretariat"], request=request)
    args = {"opinion": "favourable", "day": today(), "motive": "Motif", **kwargs}
    with pytest.raises(ValidationError, match=message):
        psp.record_opinion(actor=actors["secretariat"], request=request, **args)


def test_decision_in_the_future_or_before_the_opinion_is_refused(actors, pathway):
    request = submitted(actors, pathway)
    psp.mark_ready(actor=actors["secretariat"], request=request)
    psp.record_opinion(
        actor=actors["secretariat"], request=request, opinion="favourable", day=today(), motive="ok"
    )
    for day in (today() + timedelta(days=1), today() - timedelta(days=1)):
        with pytest.raises(ValidationError):
            psp.record_decision(actor=actors["signatory"], request=request, decision="authorised", day=day)
    request.refresh_from_db()
    assert request.state == RequestState.REVIEWED


def test_roles_outside_the_matrix_cannot_move_the_request(actors, pathway):
    request = submitted(actors, pathway)
    with pytest.raises(PermissionDenied):
        psp.mark_ready(actor=actors["association_worker"], request=request)
    with pytest.raises(PermissionDenied):
        psp.record_opinion(
            actor=actors["commission_member"], request=request, opinion="favourable", day=today(), motive="x"
        )


# --- Submission preconditions ---


def test_submission_refused_without_a_valid_agrement(actors, association, pathway):
    request = complete_request(actors["association_worker"], pathway)
    Agrement.objects.filter(organisation=association).update(
        valid_from=today() - timedelta(days=3 * 365), valid_until=today() - timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="agrément valide"):
        psp.submit_request(actor=actors["association_worker"], request=request)
    assert request.state == RequestState.DRAFT


def test_submission_refused_when_the_agrement_was_withdrawn(actors, association, pathway):
    request = complete_request(actors["association_worker"], pathway)
    Agrement.objects.filter(organisation=association).update(withdrawn_on=today() - timedelta(days=2))
    with pytest.raises(ValidationError, match="agrément"):
        psp.submit_request(actor=actors["association_worker"], request=request)


def test_submission_refused_without_psp_consent(actors, pathway):
    asso = actors["association_worker"]
    request = complete_request(asso, pathway)
    consent = pathway.person.consents.get(purpose=ConsentPurpose.PSP_REQUEST)
    people_services.withdraw_consent(actor=asso, consent=consent, withdrawn_on=today())
    with pytest.raises(ValidationError, match="consentement"):
        psp.submit_request(actor=asso, request=request)
    request.refresh_from_db()
    assert request.state == RequestState.DRAFT


def test_submission_refused_with_missing_documents_lists_them(actors, pathway):
    asso = actors["association_worker"]
    request = complete_request(asso, pathway)
    for document in request.documents.filter(kind__in=[DocumentKind.IDENTITY, DocumentKind.SWORN_STATEMENT]):
        psp.remove_document(actor=asso, document=document)
    with pytest.raises(ValidationError) as excinfo:
        psp.submit_request(actor=asso, request=request)
    assert excinfo.value.messages == [
        "Pièce manquante : Copie d'une pièce d'identité",
        "Pièce manquante : Déclaration sur l'honneur d'arrêt de la prostitution",
    ]
    request.refresh_from_db()
    assert request.state == RequestState.DRAFT


def test_an_empty_request_lists_everything_missing(pathway):
    missing = psp.missing_for_submission(pathway.requests.get())
    # Every required piece but the agrément, attached from the register (the association holds one).
    assert (
        len([m for m in missing if m.startswith("Pièce manquante")])
        == len(psp.REQUIRED_DOCUMENTS_INITIAL) - 1
    )
    assert not [m for m in missing if "agrément" in m]
    assert "L'avis motivé de l'association est vide." in missing
    assert "L'attestation d'arrêt de l'activité prostitutionnelle n'est pas cochée." in missing


def test_only_the_own_association_may_submit(actors, pathway, other_association):
    from tests.factories import make_actor

    request = complete_request(actors["association_worker"], pathway)
    with pytest.raises(PermissionDenied):
        psp.submit_request(actor=make_actor("association_worker", other_association), request=request)


# --- One open pathway per person ---


def test_one_open_pathway_per_person(actors, pathway):
    with pytest.raises(ValidationError, match="déjà un parcours"):
        psp.start_pathway(actor=actors["association_worker"], person=pathway.person)
    # Also enforced by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        Pathway.objects.create(
            departement=pathway.departement,
            person=pathway.person,
            association=pathway.association,
            created_by=actors["association_worker"].user,
        )
    assert pathway.person.pathways.count() == 1


def test_another_association_cannot_start_a_pathway_for_someone_else_s_person(
    actors, other_association, person
):
    from tests.factories import make_actor

    with pytest.raises(PermissionDenied):
        psp.start_pathway(actor=make_actor("association_worker", other_association), person=person)


# --- Renewal ---


def test_renewal_refused_while_the_pathway_is_not_active(actors, pathway):
    with pytest.raises(ValidationError, match="Seul un parcours autorisé"):
        psp.start_renewal(actor=actors["association_worker"], pathway=pathway)


def test_renewal_refused_while_a_request_is_open(actors, active_pathway):
    psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    with pytest.raises(ValidationError, match="déjà en cours"):
        psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    assert active_pathway.requests.open().count() == 1


def test_renewal_copies_the_rights_requested(actors, active_pathway):
    renewal = psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    assert renewal.kind == RequestKind.RENEWAL
    assert renewal.rights_requested == active_pathway.requests.get(kind=RequestKind.INITIAL).rights_requested


def test_renewal_authorised_early_starts_the_day_after_the_previous_end(actors, active_pathway):
    first = active_pathway.periods.get()
    request = renew(actors, active_pathway, day=today())
    second = request.period
    assert (second.number, second.start, second.end) == (
        2,
        first.end + timedelta(days=1),
        rules.period_end(second.start),
    )
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ACTIVE
    assert psp.renewal_blocker(active_pathway) is None


def test_renewal_decided_late_starts_on_the_decision(actors, association, person):
    extend_agrement(association, today() - timedelta(days=400))
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, day=today() - timedelta(days=250))
    first = pathway.periods.get()
    assert first.end < today() - timedelta(days=1)
    second = renew(actors, pathway, day=today()).period
    assert second.start == today()  # a gap between the two periods


def test_renewal_with_an_overlapping_requested_start_is_refused(actors, active_pathway):
    first = active_pathway.periods.get()
    with pytest.raises(ValidationError) as excinfo:
        renew(actors, active_pathway, day=today(), period_start=first.end)
    assert "chevaucherait" in str(excinfo.value.message_dict["period_start"])
    assert active_pathway.periods.count() == 1
    assert active_pathway.requests.get(kind=RequestKind.RENEWAL).state == RequestState.REVIEWED


def test_cap_of_four_periods_blocks_a_fifth_renewal(actors, association, person):
    start = today() - timedelta(days=700)
    extend_agrement(association, start - timedelta(days=30))
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, day=start)
    for _ in range(3):
        previous_end = pathway.periods.order_by("-number").first().end
        renew(actors, pathway, day=min(previous_end - timedelta(days=15), today()))
    periods = list(pathway.periods.order_by("number"))
    assert [p.number for p in periods] == [1, 2, 3, 4]
    assert all(b.start == a.end + timedelta(days=1) for a, b in zip(periods, periods[1:], strict=False))
    assert periods[-1].end < dates.add_months(periods[0].start, rules.MAX_PATHWAY_MONTHS)

    assert "24 mois" in psp.renewal_blocker(pathway)
    with pytest.raises(ValidationError, match="durée maximale de 24 mois"):
        psp.start_renewal(actor=actors["association_worker"], pathway=pathway)


# --- End of the pathway ---


def test_completed_end_requires_an_outcome(actors, active_pathway):
    with pytest.raises(ValidationError) as excinfo:
        psp.end_pathway(
            actor=actors["secretariat"], pathway=active_pathway, reason=EndReason.COMPLETED, day=today()
        )
    assert "outcome" in excinfo.value.message_dict
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ACTIVE


def test_completed_end_records_outcome_and_date(actors, active_pathway):
    psp.end_pathway(
        actor=actors["secretariat"],
        pathway=active_pathway,
        reason=EndReason.COMPLETED,
        day=today(),
        outcome=Outcome.EMPLOYMENT,
        motive="CDI signé",
    )
    active_pathway.refresh_from_db()
    assert (
        active_pathway.state,
        active_pathway.end_reason,
        active_pathway.outcome,
        active_pathway.ended_on,
    ) == (PathwayState.ENDED, EndReason.COMPLETED, Outcome.EMPLOYMENT, today())
    last = active_pathway.events.get(name="end")
    assert last.motive == "CDI signé" and last.user == actors["secretariat"].user
    period = active_pathway.periods.get()
    assert period.end == today(), "the running period is cut on the day the pathway ends"
    assert active_pathway.events.filter(name="period_closed").exists()


def test_ending_cancels_a_later_period_and_stops_the_afis(actors, active_pathway):
    afis = active_pathway.afis
    first = active_pathway.periods.get()
    psp.grant_afis(
        actor=actors["secretariat"],
        afis=afis,
        granted_on=first.start,
        start=first.start,
        paying_body="MSA",
        dependent_children=0,
    )
    psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    renewal = complete_request(actors["association_worker"], active_pathway)
    psp.submit_request(actor=actors["association_worker"], request=renewal)
    psp.mark_ready(actor=actors["secretariat"], request=renewal)
    psp.record_opinion(
        actor=actors["secretariat"], request=renewal, opinion="favourable", day=today(), motive="ok"
    )
    psp.record_decision(actor=actors["signatory"], request=renewal, decision="authorised", day=today())
    second = active_pathway.periods.get(number=2)
    afis.refresh_from_db()
    assert afis.end == second.end, "the AFIS follows the renewed period"
    psp.end_pathway(
        actor=actors["secretariat"], pathway=active_pathway, reason=EndReason.WITHDRAWN, day=today()
    )
    assert list(active_pathway.periods.values_list("number", "end")) == [(1, today())]
    afis.refresh_from_db()
    assert (afis.status, afis.end) == (Afis.Status.STOPPED, today())


def test_other_end_reasons_drop_the_outcome(actors, active_pathway):
    psp.end_pathway(
        actor=actors["secretariat"],
        pathway=active_pathway,
        reason=EndReason.WITHDRAWN,
        day=today(),
        outcome=Outcome.HOUSING,
    )
    active_pathway.refresh_from_db()
    assert active_pathway.end_reason == EndReason.WITHDRAWN and active_pathway.outcome == ""


def test_ending_abandons_the_open_requests_and_frees_the_person(actors, active_pathway):
    renewal = psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    psp.end_pathway(
        actor=actors["secretariat"], pathway=active_pathway, reason=EndReason.CONTACT_LOST, day=today()
    )
    renewal.refresh_from_db()
    assert renewal.state == RequestState.ABANDONED
    assert not active_pathway.requests.open().exists()
    new = psp.start_pathway(actor=actors["association_worker"], person=active_pathway.person)
    assert new.state == PathwayState.IN_INSTRUCTION


def test_a_pathway_not_yet_authorised_cannot_be_ended_only_closed(actors, pathway):
    # (An end decided by the prefect is a decision of the register: tests/commission/test_end_decision.py.)
    for reason in (EndReason.COMPLETED, EndReason.NOT_RENEWED):
        with pytest.raises(ValidationError, match="Seul un parcours autorisé peut être terminé"):
            psp.end_pathway(
                actor=actors["secretariat"], pathway=pathway, reason=reason, day=today(), outcome="employment"
            )
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.IN_INSTRUCTION
    # The person withdraws before the decision: the request is closed.
    psp.end_pathway(actor=actors["secretariat"], pathway=pathway, reason=EndReason.WITHDRAWN, day=today())
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ENDED
    assert pathway.requests.get().state == RequestState.ABANDONED


def test_end_dates_are_checked(actors, active_pathway):
    start = active_pathway.periods.get().start
    for day in (start - timedelta(days=1), today() + timedelta(days=1)):
        with pytest.raises(ValidationError):
            psp.end_pathway(
                actor=actors["secretariat"], pathway=active_pathway, reason=EndReason.WITHDRAWN, day=day
            )


def test_an_ended_pathway_cannot_be_ended_again_nor_renewed(actors, active_pathway):
    psp.end_pathway(
        actor=actors["secretariat"], pathway=active_pathway, reason=EndReason.WITHDRAWN, day=today()
    )
    with pytest.raises(ValidationError):
        psp.end_pathway(
            actor=actors["secretariat"], pathway=active_pathway, reason=EndReason.WITHDRAWN, day=today()
        )
    with pytest.raises(ValidationError):
        psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)


def test_only_the_secretariat_ends_a_pathway(actors, active_pathway):
    with pytest.raises(PermissionDenied):
        psp.end_pathway(
            actor=actors["association_manager"],
            pathway=active_pathway,
            reason=EndReason.WITHDRAWN,
            day=today(),
        )


# --- Uploads ---

JPEG = files.jpeg()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("sans-extension", PDF, "application/pdf"),
    ],
)
def test_upload_accepted_on_its_content(name, content, content_type):
    assert psp.validate_upload(SimpleUploadedFile(name, content)).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("faux.pdf", b"Ceci est un simple texte, pas un PDF.\n"),
        ("page.png", b"<html><script>x</script></html>"),
        ("script.jpg", b"#!/bin/sh\necho test\n"),
    ],
)
def test_upload_refused_when_the_content_is_not_what_the_name_says(name, content):
    with pytest.raises(ValidationError, match="Type de fichier refusé"):
        psp.validate_upload(SimpleUploadedFile(name, content, content_type="application/pdf"))


def test_empty_upload_refused():
    with pytest.raises(ValidationError, match="vide"):
        psp.validate_upload(SimpleUploadedFile("vide.pdf", b""))


def test_oversize_upload_refused(settings):
    settings.PARCOURS_UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError, match="taille maximale de 1 Mo"):
        psp.validate_upload(SimpleUploadedFile("gros.pdf", PDF + b"\x00" * (1024 * 1024)))
    assert psp.validate_upload(SimpleUploadedFile("juste.pdf", PDF + b"\x00" * (1024 * 1024 - len(PDF))))


def test_refused_upload_is_not_stored(actors, pathway):
    request = pathway.requests.get()
    with pytest.raises(ValidationError):
        psp.add_document(
            actor=actors["association_worker"],
            request=request,
            kind=DocumentKind.IDENTITY,
            uploaded=SimpleUploadedFile("faux.pdf", b"texte"),
        )
    assert not request.documents.exists()


def test_stored_document_keeps_an_opaque_file_name(actors, pathway):
    document = psp.add_document(
        actor=actors["association_worker"],
        request=pathway.requests.get(),
        kind=DocumentKind.IDENTITY,
        uploaded=pdf_upload("passeport-Zorvalenne.pdf"),
    )
    assert "Zorvalenne" not in document.file.name
    assert document.original_name == "passeport-Zorvalenne.pdf"
    assert document.content_type == "application/pdf" and document.size == len(PDF)


def test_documents_cannot_be_added_once_submitted(actors, pathway):
    request = submitted(actors, pathway)
    with pytest.raises(ValidationError, match="transmise"):
        psp.add_document(
            actor=actors["association_worker"], request=request, kind="other", uploaded=pdf_upload()
        )


def test_person_factory_is_an_adult_non_eu_national(person):
    # Guards the assumptions of the tests above and of test_rights.
    assert dates.age_on(person.birth_date, today()) >= 18 and person.is_foreign_national
    assert PersonFactory._meta.model is type(person)
