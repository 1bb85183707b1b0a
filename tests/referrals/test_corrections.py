"""Correcting a detection and withdrawing a referral (services): who may, what stays consistent, what the
association still reads, what the measures count. A refusal is in French and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.core.roles import Role
from parcours.referrals import services
from parcours.referrals.board import referrals_board
from parcours.referrals.models import (
    AgeBand,
    Detection,
    DetectionSearchToken,
    DetectionState,
    PlaceType,
    Referral,
    ReferralState,
)
from parcours.referrals.selectors import detections_visible_to, indicators_offered, search_detections
from parcours.stats.registry import Scope, get
from tests.factories import PersonFactory
from tests.referrals.helpers import detection, other_partner
from tests.views.helpers import assert_unchanged, db_snapshot

pytestmark = pytest.mark.django_db
PA, AW, S = Role.PARTNER_ADVISOR, Role.ASSOCIATION_WORKER, Role.SECRETARIAT


@pytest.fixture
def partner(actors):
    return actors[PA]


def _refer(partner, association, d=None):
    today = timezone.localdate()
    return services.refer(
        actor=partner,
        detection=d or detection(partner),
        association=association,
        consent_given_on=today,
        referred_on=today,
        message="Préfère être appelée le soir.",
        share_contact=True,
    )


def _board_items(actor) -> list[str]:
    sections = referrals_board(actor, timezone.localdate())
    return [item.label for section in sections for item in section.items]


# --- Correcting a detection ---------------------------------------------------------------------------


def test_the_partner_corrects_a_detection_and_its_identity_search_follows(partner):
    d = detection(partner, identity={"last_name": "Quenderil", "first_name": "Maëlys"})
    old_bidx = d.last_name_bidx
    chosen = list(indicators_offered(partner.departement)[2:4])
    services.update_detection(
        actor=partner,
        detection=d,
        values={
            "last_name": "Vasquerand",
            "age_band": AgeBand.FROM_22_TO_25,
            "place_type": PlaceType.STREET,
            "actions_taken": "Numéro du 119 donné.",
        },
        indicators=chosen,
    )
    d = Detection.objects.get(pk=d.pk)
    assert d.last_name == "Vasquerand" and d.first_name == "Maëlys"
    assert d.age_band == AgeBand.FROM_22_TO_25 and not d.is_minor
    assert d.place_type == PlaceType.STREET and d.actions_taken == "Numéro du 119 donné."
    assert set(d.indicators.all()) == set(chosen)
    assert d.last_name_bidx and d.last_name_bidx != old_bidx
    visible = detections_visible_to(partner)
    assert search_detections(visible, "vasque", limit=10) == [d]
    assert search_detections(visible, "quend", limit=10) == []
    assert search_detections(visible, "mael", limit=10) == [d]
    event = AuditEvent.objects.filter(object_type="referrals.detection", action="update").get()
    assert "identité" in event.detail and "signes observés" in event.detail
    assert "Vasquerand" not in event.detail and "Quenderil" not in event.detail


def test_removing_the_identity_empties_its_indexes_and_tokens(partner):
    d = detection(partner, identity={"last_name": "Quenderil", "first_name": "Maëlys"})
    services.update_detection(
        actor=partner,
        detection=d,
        values={"last_name": "", "first_name": ""},
        indicators=d.indicators.all(),
    )
    d.refresh_from_db()
    assert not d.has_identity and d.last_name_bidx == ""
    assert not DetectionSearchToken.objects.filter(detection=d).exists()


def test_the_secretariat_corrects_a_partners_detection(partner, actors):
    d = detection(partner)
    services.update_detection(
        actor=actors[S], detection=d, values={"sex": "M"}, indicators=d.indicators.all()
    )
    d.refresh_from_db()
    assert d.sex == "M" and d.organisation == partner.organisation


def test_nobody_else_corrects_a_detection(partner, actors, departement):
    d = detection(partner)
    outsiders = (other_partner(departement), actors[AW], actors[Role.COMMISSION_MEMBER])
    before = db_snapshot()
    for actor in outsiders:
        with pytest.raises(PermissionDenied):
            services.update_detection(
                actor=actor, detection=d, values={"sex": "M"}, indicators=d.indicators.all()
            )
    assert_unchanged(before)


def test_a_closed_detection_is_not_corrected(partner):
    d = detection(partner)
    services.close_detection(actor=partner, detection=d, day=timezone.localdate(), reason="Fin")
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.update_detection(
            actor=partner, detection=d, values={"sex": "M"}, indicators=d.indicators.all()
        )
    assert exc.value.messages == ["Ce repérage est clos : il ne peut plus être modifié."]
    assert_unchanged(before)


def test_a_transmitted_minor_does_not_become_an_adult(partner):
    d = detection(partner, minor=True)
    services.record_protection_report(
        actor=partner, detection=d, kind="ip", sent_on=d.detected_on, recipient="CRIP 99"
    )
    d.refresh_from_db()
    before = db_snapshot()
    today = timezone.localdate()
    for values, field in (
        ({"age_band": AgeBand.FROM_18_TO_21}, "age_band"),
        ({"birth_date": today.replace(year=today.year - 19)}, "birth_date"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.update_detection(
                actor=partner, detection=d, values=values, indicators=d.indicators.all()
            )
        assert "transmission à la protection de l'enfance" in exc.value.message_dict[field][0]
    assert_unchanged(before)


def test_a_referred_adult_does_not_become_a_minor(partner, association, actors):
    referral = _refer(partner, association)
    services.answer_referral(
        actor=actors[AW], referral=referral, accept=False, day=timezone.localdate(), decline_reason="Complet"
    )
    d = Detection.objects.get(pk=referral.detection_id)  # open again, but it was referred
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.update_detection(
            actor=partner, detection=d, values={"age_band": AgeBand.UNDER_15}, indicators=d.indicators.all()
        )
    assert "orienté vers une association" in exc.value.message_dict["age_band"][0]
    assert "119" in exc.value.message_dict["age_band"][0]
    assert_unchanged(before)


def test_an_adult_corrected_into_a_minor_goes_on_the_boards(partner, actors):
    d = detection(partner)
    assert f"Repérage {d.pseudonym}" not in " ".join(_board_items(partner))
    services.update_detection(
        actor=partner, detection=d, values={"age_band": AgeBand.FROM_15_TO_17}, indicators=d.indicators.all()
    )
    d.refresh_from_db()
    assert d.is_minor
    for actor in (partner, actors[S]):
        assert any(d.pseudonym in label for label in _board_items(actor))


def test_the_detection_date_does_not_move_after_what_followed(partner):
    d = detection(partner, minor=True, days_ago=10)
    services.record_protection_report(
        actor=partner, detection=d, kind="ip", sent_on=d.detected_on + timedelta(days=2), recipient="CRIP"
    )
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.update_detection(
            actor=partner,
            detection=d,
            values={"detected_on": d.detected_on + timedelta(days=3)},
            indicators=d.indicators.all(),
        )
    assert "ne peut pas suivre" in exc.value.message_dict["detected_on"][0]
    assert_unchanged(before)


def test_an_indicator_retired_since_stays_choosable_on_its_detections(partner, actors):
    d = detection(partner)
    kept = d.indicators.first()
    services.retire_indicator(actor=actors[S], indicator=kept)
    services.update_detection(actor=partner, detection=d, values={"sex": "M"}, indicators=[kept])
    assert list(d.indicators.all()) == [kept]
    other = detection(partner)
    other.indicators.set([i for i in other.indicators.all() if i != kept])
    with pytest.raises(ValidationError):
        services.update_detection(actor=partner, detection=other, values={}, indicators=[kept])


# --- Withdrawing a referral ----------------------------------------------------------------------------


def test_the_partner_withdraws_a_pending_referral(partner, association, other_association, actors):
    referral = _refer(partner, association)
    worker = actors[AW]
    assert any(referral.detection.pseudonym in label for label in _board_items(worker))
    services.withdraw_referral(actor=partner, referral=referral, reason="A changé d'avis")
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    assert referral.withdrawn_on == timezone.localdate()
    assert referral.withdrawal_reason == "A changé d'avis" and referral.withdrawn_by == partner.user
    d = referral.detection
    d.refresh_from_db()
    assert d.state == DetectionState.OPEN
    assert not any(d.pseudonym in label for label in _board_items(worker))
    event = AuditEvent.objects.filter(object_type="referrals.referral", action="transition").get()
    assert event.detail == "orientation retirée" and "changé" not in event.detail
    # The association can no longer act on it; the partner may refer elsewhere.
    with pytest.raises(ValidationError) as exc:
        services.answer_referral(actor=worker, referral=referral, accept=True, day=timezone.localdate())
    assert "retirée par le partenaire" in exc.value.messages[0]
    _refer(partner, other_association, d)


def test_an_accepted_and_contacted_referral_may_be_withdrawn(partner, association, actors):
    referral = _refer(partner, association)
    today = timezone.localdate()
    services.answer_referral(actor=actors[AW], referral=referral, accept=True, day=today)
    services.record_first_contact(actor=actors[AW], referral=referral, day=today)
    services.withdraw_referral(actor=actors[S], referral=referral, reason="A déménagé")
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN and referral.first_contact_on == today
    assert referral.withdrawn_by == actors[S].user
    with pytest.raises(ValidationError):
        services.check_accompaniment(referral, today, today)
    # The partner may now close the detection.
    services.close_detection(actor=partner, detection=referral.detection, day=today, reason="A déménagé")


def test_what_cannot_be_withdrawn(partner, association, actors):
    today = timezone.localdate()
    worker = actors[AW]
    started = _refer(partner, association)
    services.answer_referral(actor=worker, referral=started, accept=True, day=today)
    services.record_first_contact(actor=worker, referral=started, day=today)
    person = PersonFactory.build(last_name="Quenderil", first_name="Maëlys", sex="F")
    services.start_accompaniment(actor=worker, referral=started, person=person, day=today)
    declined = _refer(partner, association)
    services.answer_referral(
        actor=worker, referral=declined, accept=False, day=today, decline_reason="Complet"
    )
    pending = _refer(partner, association)
    services.withdraw_referral(actor=partner, referral=pending, reason="A changé d'avis")
    before = db_snapshot()
    for referral, message in (
        (started, "a commencé l'accompagnement"),
        (declined, "décliné"),
        (pending, "déjà retirée"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.withdraw_referral(actor=partner, referral=referral, reason="Motif")
        assert message in exc.value.messages[0]
    assert_unchanged(before)


def test_a_withdrawal_needs_a_reason_and_the_referring_side(partner, association, actors, departement):
    referral = _refer(partner, association)
    outsiders = (actors[AW], other_partner(departement), actors[Role.SIGNATORY])
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.withdraw_referral(actor=partner, referral=referral, reason="  ")
    assert "motif du retrait" in exc.value.message_dict["reason"][0]
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            services.withdraw_referral(actor=outsider, referral=referral, reason="Motif")
    assert_unchanged(before)
    assert Referral.objects.get().state == ReferralState.PENDING


def test_the_measures_count_a_withdrawn_referral_as_made_not_accepted(partner, association, actors):
    today = timezone.localdate()
    withdrawn = _refer(partner, association)
    services.answer_referral(actor=actors[AW], referral=withdrawn, accept=True, day=today)
    services.record_first_contact(actor=actors[AW], referral=withdrawn, day=today)
    services.withdraw_referral(actor=partner, referral=withdrawn, reason="A changé d'avis")
    accepted = _refer(partner, association)
    services.answer_referral(actor=actors[AW], referral=accepted, accept=True, day=today)
    scope = Scope(departement=partner.departement, start=today - timedelta(days=30), end=today)
    assert get("referrals.referrals").compute(scope) == 2
    states = get("referrals.referrals").compute(scope, "state")
    assert (states["Retirée"], states["Acceptée"], sum(states.values())) == (1, 1, 2)
    # The first contact happened: it counts in the delay to first contact; no accompaniment ever starts.
    assert get("referrals.delay_referral_contact").population(scope) == 1
    assert get("referrals.delay_contact_accompaniment").population(scope) == 0
