"""The rules of detection, protection and referral: refusals in French, nothing saved on bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.core.roles import Role
from parcours.pathways import services as psp
from parcours.referrals import rules, services
from parcours.referrals.models import (
    AgeBand,
    Detection,
    DetectionSearchToken,
    DetectionState,
    ProtectionReport,
    Referral,
    ReferralState,
)
from parcours.referrals.selectors import detections_visible_to, indicators_offered, search_detections
from tests.factories import AgrementFactory, OrganisationFactory, PersonFactory
from tests.referrals.helpers import detection

pytestmark = pytest.mark.django_db
PA, AW, S = Role.PARTNER_ADVISOR, Role.ASSOCIATION_WORKER, Role.SECRETARIAT


@pytest.fixture
def partner(actors):
    return actors[PA]


def test_a_birth_date_under_18_makes_a_minor_whatever_band(partner):
    today = timezone.localdate()
    d = detection(
        partner,
        identity={
            "last_name": "Quenderil",
            "first_name": "Maëlys",
            "birth_date": today.replace(year=today.year - 16),
        },
        age_band=AgeBand.FROM_18_TO_21,
    )
    assert d.is_minor and d.age_band == AgeBand.FROM_15_TO_17
    assert d.last_name_bidx and d.birth_date_bidx
    assert DetectionSearchToken.objects.filter(detection=d).exists()
    assert search_detections(detections_visible_to(partner), "quend", limit=10) == [d]
    assert search_detections(detections_visible_to(partner), "mael", limit=10) == [d]


def test_age_bands():
    day = date(2026, 6, 1)
    assert rules.age_band_for(date(2012, 6, 2), day) == AgeBand.UNDER_15
    assert rules.age_band_for(date(2008, 6, 2), day) == AgeBand.FROM_15_TO_17
    assert rules.age_band_for(date(2008, 6, 1), day) == AgeBand.FROM_18_TO_21
    assert rules.age_band_for(date(2003, 1, 1), day) == AgeBand.FROM_22_TO_25
    assert rules.age_band_for(date(1990, 1, 1), day) == AgeBand.OVER_25


def test_bad_detection_input_saves_nothing(partner):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        detection(partner, days_ago=-3)
    assert "futur" in str(exc.value)
    with pytest.raises(ValidationError):
        detection(partner, age_band="")
    with pytest.raises(ValidationError):
        detection(partner, identity={"birth_date": today + timedelta(days=1)})
    assert not Detection.objects.exists()


def test_roles_that_may_not_detect(actors):
    for role in (
        S,
        Role.COMMISSION_MEMBER,
        Role.SIGNATORY,
        Role.NATIONAL_ANALYST,
        Role.ADMIN,
        Role.IMMIGRATION,
    ):
        with pytest.raises(PermissionDenied):
            detection(actors[role])
    assert detection(actors[AW]).organisation == actors[AW].organisation


def test_the_protection_route(partner):
    d = detection(partner, minor=True)
    with pytest.raises(ValidationError) as exc:
        services.close_detection(actor=partner, detection=d, day=timezone.localdate(), reason="Fin")
    assert "mineur" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.record_protection_report(
            actor=partner, detection=d, kind="ip", sent_on=d.detected_on - timedelta(days=1), recipient="CRIP"
        )
    with pytest.raises(ValidationError):
        services.record_protection_report(
            actor=partner, detection=d, kind="ip", sent_on=d.detected_on, recipient=" "
        )
    assert not ProtectionReport.objects.exists()
    report = services.record_protection_report(
        actor=partner, detection=d, kind="ip", sent_on=d.detected_on, recipient="CRIP 99", reference="IP-1"
    )
    d.refresh_from_db()
    assert d.state == DetectionState.PROTECTED
    with pytest.raises(ValidationError):
        services.record_feedback(
            actor=partner,
            report=report,
            feedback_on=report.sent_on - timedelta(days=1),
            feedback="evaluation",
        )
    services.record_feedback(actor=partner, report=report, feedback_on=report.sent_on, feedback="evaluation")
    with pytest.raises(ValidationError):
        services.record_feedback(actor=partner, report=report, feedback_on=report.sent_on, feedback="other")
    services.close_detection(actor=partner, detection=d, day=timezone.localdate(), reason="Suivi par l'ASE")
    assert AuditEvent.objects.filter(object_type="referrals.protectionreport").count() == 2


def test_justified_absence_of_transmission(partner):
    d = detection(partner, minor=True)
    with pytest.raises(ValidationError):
        services.justify_no_transmission(actor=partner, detection=d, reason="  ")
    services.justify_no_transmission(actor=partner, detection=d, reason="Déjà connue de la CRIP")
    with pytest.raises(ValidationError):
        services.justify_no_transmission(actor=partner, detection=d, reason="Encore")
    services.close_detection(actor=partner, detection=d, day=timezone.localdate(), reason="Fin")


def test_another_partner_cannot_act(partner, departement):
    from tests.referrals.helpers import other_partner

    d = detection(partner, minor=True)
    with pytest.raises(PermissionDenied):
        services.record_protection_report(
            actor=other_partner(departement), detection=d, kind="ip", sent_on=d.detected_on, recipient="CRIP"
        )


def test_the_referral_rules(partner, association, departement):
    minor = detection(partner, minor=True)
    adult = detection(partner)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.refer(
            actor=partner, detection=minor, association=association, consent_given_on=today, referred_on=today
        )
    assert "protection de l'enfance" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.refer(
            actor=partner, detection=adult, association=association, consent_given_on=None, referred_on=today
        )
    assert "consentement" in exc.value.messages[0]
    unapproved = OrganisationFactory(departement=departement)
    with pytest.raises(ValidationError) as exc:
        services.refer(
            actor=partner, detection=adult, association=unapproved, consent_given_on=today, referred_on=today
        )
    assert "agrément" in exc.value.messages[0]
    expired = OrganisationFactory(departement=departement)
    AgrementFactory(
        organisation=expired, valid_from=today - timedelta(days=1200), valid_until=today - timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        services.refer(
            actor=partner, detection=adult, association=expired, consent_given_on=today, referred_on=today
        )
    with pytest.raises(ValidationError):
        services.refer(
            actor=partner,
            detection=adult,
            association=association,
            consent_given_on=today,
            referred_on=today - timedelta(days=1),
        )
    assert not Referral.objects.exists()
    referral = services.refer(
        actor=partner,
        detection=adult,
        association=association,
        consent_given_on=today,
        referred_on=today,
        share_contact=True,
    )
    with pytest.raises(ValidationError):
        services.refer(
            actor=partner, detection=adult, association=association, consent_given_on=today, referred_on=today
        )
    assert referral.state == ReferralState.PENDING


def test_the_association_answers_then_starts_the_accompaniment(partner, association, actors):
    today = timezone.localdate()
    adult = detection(
        partner,
        identity={
            "last_name": "Quenderil",
            "first_name": "Maëlys",
            "birth_date": today.replace(year=today.year - 20),
        },
    )
    referral = services.refer(
        actor=partner,
        detection=adult,
        association=association,
        consent_given_on=today,
        referred_on=today,
        share_contact=True,
    )
    worker = actors[AW]
    with pytest.raises(PermissionDenied):
        services.answer_referral(actor=partner, referral=referral, accept=True, day=today)
    with pytest.raises(ValidationError):
        services.answer_referral(actor=worker, referral=referral, accept=False, day=today, decline_reason="")
    with pytest.raises(ValidationError):
        services.record_first_contact(actor=worker, referral=referral, day=today)
    services.answer_referral(actor=worker, referral=referral, accept=True, day=today)
    with pytest.raises(ValidationError):
        services.record_first_contact(actor=worker, referral=referral, day=today + timedelta(days=1))
    services.record_first_contact(actor=worker, referral=referral, day=today)
    person = PersonFactory.build(
        last_name=adult.last_name, first_name=adult.first_name, birth_date=adult.birth_date, sex="F"
    )
    person = services.start_accompaniment(actor=worker, referral=referral, person=person, day=today)
    referral.refresh_from_db()
    assert referral.person == person and referral.accompaniment_started_on == today
    pathway = psp.start_pathway(actor=worker, person=person)
    assert pathway.requests.get().agrement is not None


def test_a_declined_referral_lets_the_partner_refer_elsewhere(
    partner, association, other_association, actors
):
    today = timezone.localdate()
    adult = detection(partner)
    referral = services.refer(
        actor=partner, detection=adult, association=association, consent_given_on=today, referred_on=today
    )
    services.answer_referral(
        actor=actors[AW], referral=referral, accept=False, day=today, decline_reason="Complet"
    )
    adult.refresh_from_db()
    assert adult.state == DetectionState.OPEN
    services.refer(
        actor=partner,
        detection=adult,
        association=other_association,
        consent_given_on=today,
        referred_on=today,
    )


def test_a_minor_cannot_enter_a_psp(actors, association):
    today = timezone.localdate()
    person = PersonFactory(
        organisation=association, created_by=actors[AW].user, birth_date=today.replace(year=today.year - 16)
    )
    with pytest.raises(ValidationError) as exc:
        psp.start_pathway(actor=actors[AW], person=person)
    assert "mineure" in exc.value.messages[0]
    assert not person.pathways.exists()


def test_indicators(actors):
    sec = actors[S]
    national = indicators_offered(sec.departement).first()
    services.retire_indicator(actor=sec, indicator=national)
    assert national not in indicators_offered(sec.departement)
    own = services.add_indicator(actor=sec, label="Tatouage de marquage")
    assert own in indicators_offered(sec.departement)
    with pytest.raises(ValidationError):
        services.add_indicator(actor=sec, label="tatouage de marquage")
    services.retire_indicator(actor=sec, indicator=own)
    assert own not in indicators_offered(sec.departement)
    with pytest.raises(PermissionDenied):
        services.add_indicator(actor=actors[PA], label="Autre")


def test_retention_settings_are_seeded():
    from parcours.core.models import RuleSetting

    assert RuleSetting.objects.filter(key=rules.RETENTION_MINOR_SETTING).exists()
    assert rules.retention_years(minor=True, day=timezone.localdate()) == 2
