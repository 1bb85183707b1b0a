"""Consents per purpose, sharing with a named partner, withdrawal, follow-up notes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.html import escape

from parcours.core.models import Alert, AuditAction, AuditEvent, OrganisationKind
from parcours.people import services
from parcours.people.models import Consent, ConsentPurpose, Person
from parcours.people.selectors import people_visible_to
from tests.factories import OrganisationFactory, PersonFactory, make_actor

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def worker(actors):
    return actors["association_worker"]


@pytest.fixture
def partner(actors):
    """The partner advisor's organisation (a mission locale)."""
    return actors["partner_advisor"].organisation


@pytest.fixture
def sharing_consent(worker, person, partner):
    return services.record_consent(
        actor=worker,
        person=person,
        purpose=ConsentPurpose.SHARING,
        given_on=today() - timedelta(days=3),
        partner=partner,
    )


# --- Creation ---


def test_create_person_records_the_accompaniment_consent_and_an_audit_event(worker, association):
    person = services.create_person(
        actor=worker,
        person=PersonFactory.build(
            organisation=association, last_name="Ombrelune", birth_date=date(1999, 1, 2)
        ),
        accompaniment_consent_on=today(),
    )
    person.refresh_from_db()
    assert person.organisation == association and person.created_by == worker.user
    assert person.pseudonym.startswith("99-") and person.birth_year == 1999
    consent = person.consents.get()
    assert (consent.purpose, consent.given_on, consent.recorded_by) == (
        ConsentPurpose.ACCOMPANIMENT,
        today(),
        worker.user,
    )
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(person.public_id)).exists()


def test_only_an_association_creates_a_person(actors, association):
    with pytest.raises(PermissionDenied):
        services.create_person(
            actor=actors["secretariat"],
            person=PersonFactory.build(organisation=association),
            accompaniment_consent_on=today(),
        )
    assert not Person.objects.exists()


# --- Consent per purpose ---


def test_consents_are_recorded_per_purpose(worker, person):
    assert services.has_active_consent(person, ConsentPurpose.ACCOMPANIMENT)
    assert not services.has_active_consent(person, ConsentPurpose.PSP_REQUEST)
    services.record_consent(actor=worker, person=person, purpose=ConsentPurpose.PSP_REQUEST, given_on=today())
    assert services.has_active_consent(person, ConsentPurpose.PSP_REQUEST)
    assert not services.has_active_consent(person, ConsentPurpose.SHARING)


def test_a_consent_already_given_cannot_be_recorded_twice(worker, person):
    with pytest.raises(ValidationError, match="déjà recueilli"):
        services.record_consent(
            actor=worker, person=person, purpose=ConsentPurpose.ACCOMPANIMENT, given_on=today()
        )
    assert person.consents.count() == 1


def test_a_consent_can_be_given_again_after_withdrawal(worker, person):
    consent = services.record_consent(
        actor=worker, person=person, purpose=ConsentPurpose.PSP_REQUEST, given_on=today()
    )
    services.withdraw_consent(actor=worker, consent=consent, withdrawn_on=today())
    assert not services.has_active_consent(person, ConsentPurpose.PSP_REQUEST)
    services.record_consent(actor=worker, person=person, purpose=ConsentPurpose.PSP_REQUEST, given_on=today())
    assert services.has_active_consent(person, ConsentPurpose.PSP_REQUEST)


def test_sharing_consent_needs_a_named_partner(worker, person):
    with pytest.raises(ValidationError) as excinfo:
        services.record_consent(actor=worker, person=person, purpose=ConsentPurpose.SHARING, given_on=today())
    assert "partner" in excinfo.value.message_dict


def test_sharing_consents_are_per_partner(worker, person, partner, sharing_consent):
    other_partner = OrganisationFactory(departement=person.departement, kind=OrganisationKind.HEALTH)
    assert services.has_active_consent(person, ConsentPurpose.SHARING, partner)
    assert not services.has_active_consent(person, ConsentPurpose.SHARING, other_partner)
    services.record_consent(
        actor=worker, person=person, purpose=ConsentPurpose.SHARING, given_on=today(), partner=other_partner
    )
    assert services.has_active_consent(person, ConsentPurpose.SHARING, other_partner)


def test_partner_is_ignored_for_other_purposes(worker, person, partner):
    consent = services.record_consent(
        actor=worker, person=person, purpose=ConsentPurpose.PSP_REQUEST, given_on=today(), partner=partner
    )
    assert consent.partner is None


def test_withdrawal_dates_are_checked(worker, person, sharing_consent):
    with pytest.raises(ValidationError):
        services.withdraw_consent(
            actor=worker, consent=sharing_consent, withdrawn_on=sharing_consent.given_on - timedelta(days=1)
        )
    services.withdraw_consent(actor=worker, consent=sharing_consent, withdrawn_on=today())
    with pytest.raises(ValidationError, match="déjà été retiré"):
        services.withdraw_consent(actor=worker, consent=sharing_consent, withdrawn_on=today())


def test_another_association_cannot_record_or_withdraw_a_consent(other_association, person, sharing_consent):
    stranger = make_actor("association_worker", other_association)
    with pytest.raises(PermissionDenied):
        services.record_consent(
            actor=stranger, person=person, purpose=ConsentPurpose.PSP_REQUEST, given_on=today()
        )
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(actor=stranger, consent=sharing_consent, withdrawn_on=today())
    sharing_consent.refresh_from_db()
    assert sharing_consent.withdrawn_on is None


# --- Sharing ---


def test_share_requires_an_active_sharing_consent_for_that_partner(actors, worker, person, partner):
    with pytest.raises(ValidationError) as excinfo:
        services.share_with_partner(actor=worker, person=person, partner=partner, reason="Orientation emploi")
    assert "partner" in excinfo.value.message_dict
    assert not person.shares.exists()
    assert person not in people_visible_to(actors["partner_advisor"])


def test_share_under_consent_makes_the_file_visible_to_the_partner(
    actors, worker, person, partner, sharing_consent
):
    share = services.share_with_partner(
        actor=worker, person=person, partner=partner, reason="Orientation emploi"
    )
    assert share.consent == sharing_consent and share.shared_by == worker.user
    assert list(people_visible_to(actors["partner_advisor"])) == [person]
    assert AuditEvent.objects.filter(action=AuditAction.SHARE, object_id=str(person.public_id)).exists()
    with pytest.raises(ValidationError, match="déjà partagé"):
        services.share_with_partner(actor=worker, person=person, partner=partner, reason="Encore")


def test_consent_for_one_partner_does_not_allow_sharing_with_another(worker, person, sharing_consent):
    other_partner = OrganisationFactory(departement=person.departement, kind=OrganisationKind.HEALTH)
    with pytest.raises(ValidationError):
        services.share_with_partner(actor=worker, person=person, partner=other_partner, reason="Soins")


def test_withdrawing_the_sharing_consent_revokes_flags_and_alerts(
    actors, worker, person, partner, sharing_consent
):
    share = services.share_with_partner(
        actor=worker, person=person, partner=partner, reason="Orientation emploi"
    )
    assert person in people_visible_to(actors["partner_advisor"])

    services.withdraw_consent(actor=worker, consent=sharing_consent, withdrawn_on=today())

    share.refresh_from_db()
    assert share.revoked_at is not None and share.flagged_after_withdrawal
    assert person not in people_visible_to(actors["partner_advisor"])
    alert = Alert.objects.get(kind=Alert.Kind.SHARED_AFTER_WITHDRAWAL)
    assert alert.departement == person.departement and alert.acknowledged_at is None
    assert alert.object_id == str(person.public_id)
    assert person.pseudonym in alert.message and str(partner) in alert.message
    assert person.last_name not in alert.message and person.first_name not in alert.message

    with pytest.raises(ValidationError):
        services.share_with_partner(
            actor=worker, person=person, partner=partner, reason="Nouvelle orientation"
        )
    assert person.shares.active().count() == 0


def test_withdrawal_without_shares_raises_no_alert(worker, person, sharing_consent):
    services.withdraw_consent(actor=worker, consent=sharing_consent, withdrawn_on=today())
    assert not Alert.objects.exists()


def test_a_share_ended_by_the_association_is_not_flagged(actors, worker, person, partner, sharing_consent):
    share = services.share_with_partner(actor=worker, person=person, partner=partner, reason="Orientation")
    services.end_share(actor=worker, share=share)
    services.withdraw_consent(actor=worker, consent=sharing_consent, withdrawn_on=today())
    share.refresh_from_db()
    assert share.revoked_at is not None and not share.flagged_after_withdrawal
    assert not Alert.objects.exists()


def test_alert_shows_on_the_secretariat_board_only(clients, worker, person, partner, sharing_consent):
    services.share_with_partner(actor=worker, person=person, partner=partner, reason="Orientation")
    services.withdraw_consent(actor=worker, consent=sharing_consent, withdrawn_on=today())
    alert = Alert.objects.get()
    assert escape(alert.message) in clients["secretariat"].get("/").content.decode()
    assert person.pseudonym not in clients["signatory"].get("/").content.decode()


# --- Notes ---


def test_add_note_with_accompaniment_consent(worker, person):
    note = services.add_note(
        actor=worker, person=person, day=today(), kind="interview", text="Point sur l'hébergement"
    )
    assert note.organisation == worker.organisation and note.author == worker.user
    assert person.notes.get().text == "Point sur l'hébergement"


def test_add_note_refused_after_accompaniment_consent_withdrawn(worker, person):
    consent = person.consents.get(purpose=ConsentPurpose.ACCOMPANIMENT)
    services.withdraw_consent(actor=worker, consent=consent, withdrawn_on=today())
    with pytest.raises(ValidationError, match="retiré son consentement"):
        services.add_note(actor=worker, person=person, day=today(), kind="interview", text="Entretien")
    assert not person.notes.exists()


def test_notes_are_written_by_the_own_association_only(actors, other_association, person):
    for actor in (
        actors["secretariat"],
        actors["partner_advisor"],
        make_actor("association_worker", other_association),
    ):
        with pytest.raises(PermissionDenied):
            services.add_note(actor=actor, person=person, day=today(), kind="interview", text="x")
    assert not person.notes.exists()


def test_consent_model_refuses_a_sharing_consent_without_partner(person):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            person=person, purpose=ConsentPurpose.SHARING, given_on=today(), recorded_by=person.created_by
        )
