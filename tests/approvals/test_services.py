"""The agrément procedure, service by service: transitions, refusals, clocks, validity, withdrawal."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from parcours.approvals import rules
from parcours.approvals import services as approvals
from parcours.approvals.models import (
    Agrement,
    AgrementApplication,
    AgrementEvent,
    ApplicationKind,
    ApplicationState,
)
from parcours.approvals.selectors import (
    applications_awaiting_opinion,
    get_application_or_404,
    has_valid_agrement,
)
from parcours.core.models import OrganisationKind, RuleSetting
from parcours.core.roles import Role
from parcours.pathways import services as psp
from tests.conftest import complete_request
from tests.factories import (
    AgrementFactory,
    DepartementFactory,
    OrganisationFactory,
    PersonFactory,
    make_actor,
)

from . import helpers as h

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def manager(actors):
    return actors[Role.ASSOCIATION_MANAGER]


@pytest.fixture
def worker(actors):
    return actors[Role.ASSOCIATION_WORKER]


@pytest.fixture
def secretariat(actors):
    return actors[Role.SECRETARIAT]


@pytest.fixture
def prefect(actors):
    return actors[Role.SIGNATORY]


@pytest.fixture
def newcomer(departement):
    """The manager of an association that never held an agrément."""
    org = OrganisationFactory(
        departement=departement, kind=OrganisationKind.ASSOCIATION, name="Nouvelle asso"
    )
    return make_actor(Role.ASSOCIATION_MANAGER, org)


# --- rules: the clocks and the validity, month ends included ---


@pytest.mark.parametrize(
    ("received", "deemed"),
    [
        (date(2026, 1, 15), date(2026, 3, 15)),
        (date(2025, 12, 31), date(2026, 2, 28)),
        (date(2023, 12, 31), date(2024, 2, 29)),
        (date(2026, 10, 31), date(2026, 12, 31)),
    ],
)
def test_completeness_is_deemed_two_months_after_receipt(received, deemed):
    assert rules.completeness_deadline(received) == deemed


@pytest.mark.parametrize(
    ("complete", "tacit"),
    [
        (date(2026, 3, 10), date(2026, 7, 10)),
        (date(2025, 10, 31), date(2026, 2, 28)),
        (date(2027, 10, 31), date(2028, 2, 29)),
    ],
)
def test_tacit_approval_four_months_after_complete_file(complete, tacit):
    assert rules.tacit_approval_date(complete) == tacit


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 3, 1), date(2029, 2, 28)),
        (date(2026, 6, 15), date(2029, 6, 14)),
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2026, 1, 1), date(2028, 12, 31)),
    ],
)
def test_agrement_lasts_three_years_date_to_date(start, end):
    assert rules.agrement_end(start) == end


def test_declaration_must_be_three_years_old():
    assert rules.declared_long_enough(date(2023, 5, 10), date(2026, 5, 10))
    assert not rules.declared_long_enough(date(2023, 5, 11), date(2026, 5, 10))


# --- application ---


def test_first_application_then_renewal_kind(newcomer, manager, association):
    first = approvals.start_application(actor=newcomer)
    assert first.kind == ApplicationKind.FIRST and first.previous is None
    renewal = approvals.start_application(actor=manager)
    assert renewal.kind == ApplicationKind.RENEWAL
    assert renewal.previous == association.agrements.get()
    assert renewal.events.get().label == "Demande de renouvellement commencée"


def test_one_open_application_at_a_time(manager):
    approvals.start_application(actor=manager)
    with pytest.raises(ValidationError, match="déjà en cours"):
        approvals.start_application(actor=manager)


def test_worker_prepares_but_only_the_manager_submits(worker, manager):
    application = h.fill(worker, approvals.start_application(actor=worker))
    with pytest.raises(PermissionDenied):
        approvals.submit_application(actor=worker, application=application)
    approvals.submit_application(actor=manager, application=application)
    assert application.state == ApplicationState.SUBMITTED


def test_another_association_cannot_touch_the_file(manager, other_association):
    application = h.draft(manager)
    intruder = make_actor(Role.ASSOCIATION_MANAGER, other_association)
    with pytest.raises(PermissionDenied):
        h.fill(intruder, application)


def test_submission_lists_what_is_missing_in_french(manager):
    application = h.draft(manager)
    with pytest.raises(ValidationError) as exc:
        approvals.submit_application(actor=manager, application=application)
    text = " ".join(exc.value.messages)
    assert "Pièce manquante : Statuts de l'association" in text
    assert "Pièce manquante : Contrat d'engagement républicain souscrit" in text
    assert "Pièce manquante : Délibération de l'assemblée générale" in text
    # Without a SIRET or an RNA number, the receipt of the declaration is asked for.
    assert "Pièce manquante : Récépissé de déclaration (à défaut de numéro SIRET ou RNA)" in text
    assert "date de déclaration" in text
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT and application.received_on is None


def test_association_declared_less_than_three_years_ago_cannot_apply(manager):
    application = h.fill(manager, h.draft(manager), declared_on=today() - timedelta(days=365 * 2))
    with pytest.raises(ValidationError, match="au moins 3 ans"):
        approvals.submit_application(actor=manager, application=application)


def test_declaration_date_in_the_future_is_refused(manager):
    application = h.draft(manager)
    with pytest.raises(ValidationError, match="futur"):
        approvals.update_application(
            actor=manager,
            application=application,
            declared_on=today() + timedelta(days=1),
            staff_count=3,
            qualifications="x",
            premises="y",
        )


def test_no_change_to_a_submitted_file(manager):
    application = h.submitted(manager)
    with pytest.raises(ValidationError, match="déposée"):
        h.fill(manager, application, documents=[rules.DOC_OTHER])


# --- instruction ---


def test_submission_starts_the_completeness_clock(manager):
    application = h.submitted(manager)
    assert application.received_on == today()
    assert application.completeness_deadline == rules.completeness_deadline(today())
    assert application.tacit_approval_on(today()) is None


def test_incomplete_then_resubmitted_restarts_the_clock(manager, secretariat):
    application = h.back_date(h.submitted(manager), 20)
    first_receipt = application.received_on
    approvals.return_incomplete(
        actor=secretariat,
        application=application,
        missing=["Derniers comptes approuvés"],
        comment="Comptes 2025",
    )
    assert application.state == ApplicationState.INCOMPLETE
    assert application.missing_items == ["Derniers comptes approuvés"]
    assert "Derniers comptes approuvés" in application.events.last().motive
    approvals.submit_application(actor=manager, application=application)
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_on == first_receipt
    assert application.received_on == today()
    assert application.missing_items == []


def test_return_incomplete_needs_an_item(manager, secretariat):
    application = h.submitted(manager)
    with pytest.raises(ValidationError):
        approvals.return_incomplete(actor=secretariat, application=application, missing=[" "])


def test_no_missing_document_can_be_asked_after_two_months(manager, secretariat):
    application = h.back_date(h.submitted(manager), 70)
    deadline = application.completeness_deadline
    assert deadline <= today()
    with pytest.raises(ValidationError, match=f"réputé complet depuis le {deadline:%d/%m/%Y}"):
        approvals.return_incomplete(actor=secretariat, application=application, missing=["Statuts"])
    # The file counts as complete from the deadline: the 4 months run from there.
    assert application.effective_complete_on(today()) == deadline
    assert application.tacit_approval_on(today()) == rules.tacit_approval_date(deadline)


def test_marked_complete_late_counts_from_the_deemed_date(manager, secretariat):
    application = h.back_date(h.submitted(manager), 90)
    approvals.mark_complete(actor=secretariat, application=application)
    assert application.complete_on == rules.completeness_deadline(application.received_on)


def test_complete_file_goes_to_the_commission_by_default(manager, secretariat):
    application = h.awaiting_opinion(manager, secretariat)
    assert application.state == ApplicationState.AWAITING_OPINION
    assert application.complete_on == today()
    assert application.tacit_approval_on(today()) == rules.tacit_approval_date(today())
    names = list(application.events.values_list("name", flat=True))
    assert names[-2:] == ["mark_complete", "send_to_commission"]
    assert list(applications_awaiting_opinion(application.departement)) == [application]


def test_commission_opinion_setting_can_be_switched_off(manager, secretariat, prefect):
    RuleSetting.objects.create(
        key=rules.COMMISSION_OPINION_SETTING,
        effective_from=today() - timedelta(days=1),
        value={"required": False},
        source="test",
    )
    application = h.submitted(manager)
    approvals.mark_complete(actor=secretariat, application=application)
    assert application.state == ApplicationState.COMPLETE
    approvals.decide(actor=prefect, application=application, decision="granted", day=today(), reference="A-1")
    assert application.state == ApplicationState.GRANTED


def test_secretariat_cannot_check_a_draft(manager, secretariat):
    application = h.ready_draft(manager)
    with pytest.raises(ValidationError, match="n'est pas permis"):
        approvals.mark_complete(actor=secretariat, application=application)


# --- commission opinion ---


def test_postponed_opinion_keeps_the_file_waiting(manager, secretariat):
    application = h.awaiting_opinion(manager, secretariat)
    approvals.record_commission_opinion(
        actor=secretariat,
        application=application,
        opinion="postponed",
        day=today(),
        motive="Projet à préciser",
    )
    assert application.state == ApplicationState.AWAITING_OPINION
    assert application.events.last().label == "Avis de la commission : ajourné"
    approvals.record_commission_opinion(
        actor=secretariat,
        application=application,
        opinion="unfavourable",
        day=today(),
        motive="Locaux inadaptés",
    )
    assert application.state == ApplicationState.REVIEWED and application.opinion == "unfavourable"


@pytest.mark.parametrize(
    ("opinion", "delta", "motive", "message"),
    [
        ("favourable", 1, "ok", "futur"),
        ("favourable", -10, "ok", "ne peut pas précéder"),
        ("favourable", 0, "  ", "motif"),
        ("excellent", 0, "ok", "Avis inconnu"),
    ],
)
def test_bad_opinions_are_refused(manager, secretariat, opinion, delta, motive, message):
    application = h.awaiting_opinion(manager, secretariat)
    with pytest.raises(ValidationError, match=message):
        approvals.record_commission_opinion(
            actor=secretariat,
            application=application,
            opinion=opinion,
            day=today() + timedelta(days=delta),
            motive=motive,
        )
    application.refresh_from_db()
    assert application.state == ApplicationState.AWAITING_OPINION and not application.opinion


def test_opinion_only_when_awaited(manager, secretariat):
    application = h.submitted(manager)
    with pytest.raises(ValidationError, match="n'attend pas"):
        approvals.record_commission_opinion(
            actor=secretariat, application=application, opinion="favourable", day=today(), motive="ok"
        )


# --- decision ---


def test_first_agrement_granted_for_three_years(newcomer, secretariat, prefect):
    application = h.reviewed(newcomer, secretariat)
    day = today()
    approvals.decide(actor=prefect, application=application, decision="granted", day=day, reference="ARR-1")
    agrement = application.agrement
    assert application.state == ApplicationState.GRANTED
    assert (agrement.valid_from, agrement.valid_until) == (day, rules.agrement_end(day))
    assert agrement.reference == "ARR-1"
    assert has_valid_agrement(newcomer.organisation, day)
    assert not has_valid_agrement(newcomer.organisation, day - timedelta(days=1))


def test_refusal_needs_a_motive_and_grants_nothing(newcomer, secretariat, prefect):
    application = h.reviewed(newcomer, secretariat, opinion="unfavourable")
    with pytest.raises(ValidationError, match="motif du refus"):
        approvals.decide(actor=prefect, application=application, decision="refused", day=today())
    approvals.decide(
        actor=prefect,
        application=application,
        decision="refused",
        day=today(),
        motive="Aucun personnel formé",
    )
    assert application.state == ApplicationState.REFUSED
    assert not Agrement.objects.filter(organisation=newcomer.organisation).exists()


def test_grant_needs_the_reference(newcomer, secretariat, prefect):
    application = h.reviewed(newcomer, secretariat)
    with pytest.raises(ValidationError, match="référence"):
        approvals.decide(actor=prefect, application=application, decision="granted", day=today())
    application.refresh_from_db()
    assert application.state == ApplicationState.REVIEWED


def test_decision_before_submission_is_refused(newcomer, secretariat, prefect):
    application = h.back_date(h.reviewed(newcomer, secretariat), 0)
    with pytest.raises(ValidationError, match="ne peut pas précéder le dépôt"):
        approvals.decide(
            actor=prefect,
            application=application,
            decision="granted",
            day=application.received_on - timedelta(days=1),
            reference="A",
        )


def test_decision_on_a_file_not_sent_or_not_reviewed_is_refused(newcomer, secretariat, prefect):
    application = h.ready_draft(newcomer)
    with pytest.raises(ValidationError, match="pas été déposée"):
        approvals.decide(
            actor=prefect, application=application, decision="granted", day=today(), reference="A"
        )
    approvals.submit_application(actor=newcomer, application=application)
    with pytest.raises(ValidationError, match="pas prêt pour la décision"):
        approvals.decide(
            actor=prefect, application=application, decision="granted", day=today(), reference="A"
        )


def test_commission_member_cannot_decide(newcomer, secretariat, actors):
    application = h.reviewed(newcomer, secretariat)
    with pytest.raises(PermissionDenied):
        approvals.decide(
            actor=actors[Role.COMMISSION_MEMBER], application=application, decision="granted", day=today()
        )


def test_renewal_follows_the_previous_agrement_without_gap(manager, secretariat, prefect, association):
    previous = association.agrements.get()
    application = h.reviewed(manager, secretariat)
    approvals.decide(actor=prefect, application=application, decision="granted", day=today(), reference="R-2")
    new = application.agrement
    assert new.valid_from == previous.valid_until + timedelta(days=1)
    assert new.valid_until == rules.agrement_end(new.valid_from)
    for day in (previous.valid_until, new.valid_from, new.valid_until):
        assert has_valid_agrement(association, day)


def test_renewal_after_expiry_starts_on_the_decision(manager, secretariat, prefect, association):
    Agrement.objects.filter(organisation=association).update(
        valid_from=today() - timedelta(days=1200), valid_until=today() - timedelta(days=10)
    )
    application = h.reviewed(manager, secretariat)
    assert application.kind == ApplicationKind.RENEWAL
    approvals.decide(actor=prefect, application=application, decision="granted", day=today(), reference="R-3")
    assert application.agrement.valid_from == today()


# --- tacit approval ---


def test_tacit_approval_only_after_four_months(newcomer, secretariat):
    application = h.awaiting_opinion(newcomer, secretariat)
    with pytest.raises(ValidationError, match="pas acquis"):
        approvals.record_tacit_approval(actor=secretariat, application=application)
    application = h.back_date(application, 130)
    tacit_on = rules.tacit_approval_date(application.complete_on)
    approvals.record_tacit_approval(actor=secretariat, application=application)
    assert application.state == ApplicationState.GRANTED
    assert application.agrement.tacit and application.agrement.valid_from == tacit_on
    assert application.decided_on == tacit_on


def test_refusal_after_the_tacit_date_is_refused(newcomer, secretariat, prefect):
    application = h.back_date(h.reviewed(newcomer, secretariat), 130)
    with pytest.raises(ValidationError, match="agrément tacite est acquis"):
        approvals.decide(
            actor=prefect, application=application, decision="refused", day=today(), motive="Non"
        )


# --- withdrawal ---
# The direct withdrawal records one decided outside Parcours after a hearing held outside it: the notice of
# intent's date (not in the future, not before the agrément's start, before the notification), the decision's
# notification, the effect no earlier than it (rules.earliest_withdrawal_effect, shared with the procedure).


def withdraw(secretariat, agrement, day, motive="Plus de personnel qualifié", notice_days=20, **dates):
    dates.setdefault("notified_on", day)
    if "hearing_notice_on" not in dates:
        dates["hearing_notice_on"] = dates["notified_on"] - timedelta(days=notice_days)
    return approvals.withdraw_agrement(actor=secretariat, agrement=agrement, day=day, motive=motive, **dates)


def test_withdrawal_blocks_psp_submission_from_its_date(association, secretariat, worker, person):
    agrement = association.agrements.get()
    day = today() - timedelta(days=3)
    withdraw(secretariat, agrement, day)
    assert has_valid_agrement(association, day - timedelta(days=1))
    assert not has_valid_agrement(association, day)
    pathway = psp.start_pathway(
        actor=worker, person=PersonFactory(organisation=association, created_by=worker.user)
    )
    complete_request(worker, pathway)
    with pytest.raises(ValidationError, match="agrément valide"):
        psp.submit_request(actor=worker, request=pathway.requests.get())


def test_withdrawal_of_a_granted_application_is_on_its_timeline(newcomer, secretariat, prefect):
    application = h.reviewed(newcomer, secretariat)
    approvals.decide(actor=prefect, application=application, decision="granted", day=today(), reference="A")
    # Granted some days ago: the notice of intent came after its start.
    Agrement.objects.filter(pk=application.agrement.pk).update(valid_from=today() - timedelta(days=10))
    withdraw(secretariat, application.agrement, today(), motive="Dissolution", notice_days=4)
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN
    event = application.events.last()
    assert event.motive == "Dissolution"
    assert f"préavis remis le {today() - timedelta(days=4):%d/%m/%Y}" in event.label
    assert "hors Parcours" in event.label and f"notifiée à l'association le {today():%d/%m/%Y}" in event.label
    agrement = application.agrement
    agrement.refresh_from_db()
    assert (agrement.withdrawn_on, agrement.withdrawal_notified_on, agrement.hearing_notice_on) == (
        today(),
        today(),
        today() - timedelta(days=4),
    )


@pytest.mark.parametrize(
    ("delta", "motive", "message"),
    [(1, "m", "futur"), (0, "", "motif"), (-5000, "m", "précéder le début")],
)
def test_bad_withdrawals_change_nothing(association, secretariat, delta, motive, message):
    agrement = association.agrements.get()
    day = today() + timedelta(days=delta)
    with pytest.raises(ValidationError, match=message):
        withdraw(secretariat, agrement, day, motive=motive, notified_on=min(day, today()), notice_days=1)
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None


def test_no_withdrawal_without_a_hearing(association, secretariat):
    """Without the notice's date, the service refuses and points to the prior adversarial procedure."""
    agrement = association.agrements.get()
    with pytest.raises(ValidationError, match="Engagez la procédure contradictoire") as refused:
        withdraw(secretariat, agrement, today(), hearing_notice_on=None)
    assert "hearing_notice_on" in refused.value.message_dict
    agrement.refresh_from_db()
    assert (agrement.withdrawn_on, agrement.hearing_notice_on) == (None, None)
    assert not AgrementEvent.objects.filter(name="withdraw").exists()


def test_the_notice_precedes_the_notification_of_the_withdrawal(association, secretariat):
    agrement = association.agrements.get()
    day = today()
    for hearing in (day, day + timedelta(days=1)):  # on the withdrawal (and notification) day, or later
        with pytest.raises(ValidationError) as refused:
            withdraw(secretariat, agrement, day, hearing_notice_on=hearing)
        assert "hearing_notice_on" in refused.value.message_dict
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None
    # The day before: accepted.
    withdraw(secretariat, agrement, day, hearing_notice_on=day - timedelta(days=1))
    agrement.refresh_from_db()
    assert (agrement.withdrawn_on, agrement.hearing_notice_on) == (day, day - timedelta(days=1))


def test_the_notice_is_not_before_the_agrements_start(association, secretariat):
    agrement = association.agrements.get()
    start = agrement.valid_from
    with pytest.raises(ValidationError, match="précéder le début de l'agrément") as refused:
        withdraw(secretariat, agrement, today(), hearing_notice_on=start - timedelta(days=1))
    assert "hearing_notice_on" in refused.value.message_dict
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None
    withdraw(secretariat, agrement, today(), hearing_notice_on=start)  # on the start day: accepted
    agrement.refresh_from_db()
    assert agrement.hearing_notice_on == start


def test_a_notice_or_notification_in_the_future_is_refused(association, secretariat):
    agrement = association.agrements.get()
    with pytest.raises(ValidationError, match="préavis ne peut pas être dans le futur"):
        withdraw(secretariat, agrement, today(), hearing_notice_on=today() + timedelta(days=1))
    with pytest.raises(ValidationError, match="notification ne peut pas être dans le futur"):
        withdraw(secretariat, agrement, today(), notified_on=today() + timedelta(days=1))
    with pytest.raises(ValidationError, match="date de notification"):
        withdraw(secretariat, agrement, today(), notified_on=None, hearing_notice_on=today() - timedelta(1))
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None


def test_the_withdrawal_takes_effect_no_earlier_than_its_notification(association, secretariat):
    """rules.earliest_withdrawal_effect: on the notification day or after, never before (CRPA L. 221-8)."""
    agrement = association.agrements.get()
    notified = today() - timedelta(days=5)
    assert rules.earliest_withdrawal_effect(notified) == notified
    with pytest.raises(ValidationError, match="qu'à sa notification") as refused:
        withdraw(secretariat, agrement, notified - timedelta(days=1), notified_on=notified)
    assert "day" in refused.value.message_dict
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None
    withdraw(secretariat, agrement, notified + timedelta(days=2), notified_on=notified)  # after: accepted
    agrement.refresh_from_db()
    later = notified + timedelta(days=2)
    assert (agrement.withdrawal_notified_on, agrement.withdrawn_on) == (notified, later)


def test_a_withdrawal_on_its_notification_day(association, secretariat):
    agrement = association.agrements.get()
    notified = today() - timedelta(days=5)
    withdraw(secretariat, agrement, notified, notified_on=notified)
    agrement.refresh_from_db()
    assert agrement.withdrawn_on == agrement.withdrawal_notified_on == notified


def test_no_double_withdrawal(association, secretariat):
    agrement = association.agrements.get()
    withdraw(secretariat, agrement, today(), motive="m")
    with pytest.raises(ValidationError, match="déjà été retiré"):
        withdraw(secretariat, agrement, today(), motive="m")


def test_only_the_secretariat_of_the_agrements_departement_withdraws(association, secretariat, manager):
    agrement = association.agrements.get()
    with pytest.raises(PermissionDenied):
        withdraw(manager, agrement, today())
    elsewhere = make_actor(Role.SECRETARIAT, departement=DepartementFactory(code="2A", name="Ailleurs"))
    with pytest.raises(PermissionDenied):
        withdraw(elsewhere, agrement, today())
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None


# --- selectors ---


def test_get_application_scoped(manager, secretariat, other_association):
    application = h.submitted(manager)
    assert get_application_or_404(secretariat, application.public_id) == application
    for outsider in (
        make_actor(Role.ASSOCIATION_MANAGER, other_association),
        make_actor(Role.COMMISSION_MEMBER),
    ):
        with pytest.raises(Http404):
            get_application_or_404(outsider, application.public_id)
    for tampered in ("not-a-uuid", "1", "\x00", None):
        with pytest.raises(Http404):
            get_application_or_404(secretariat, tampered)


# --- the data migration ---


def test_data_migration_turns_agrements_into_granted_applications(departement):
    migration = importlib.import_module(
        "parcours.approvals.migrations.0004_applications_for_existing_agrements"
    )
    current = AgrementFactory(organisation__departement=departement, reference="ARR-OLD-1")
    withdrawn = AgrementFactory(
        organisation__departement=departement,
        reference="ARR-OLD-2",
        withdrawn_on=today() - timedelta(days=10),
    )
    migration.forwards(global_apps, None)
    migration.forwards(global_apps, None)  # idempotent: an agrément gets one application
    a1 = AgrementApplication.objects.get(agrement=current)
    assert (a1.state, a1.decision, a1.decided_on, a1.decision_reference) == (
        "granted",
        "granted",
        current.valid_from,
        "ARR-OLD-1",
    )
    assert a1.organisation == current.organisation and a1.departement == departement
    assert a1.events.get().name == "grant"
    a2 = AgrementApplication.objects.get(agrement=withdrawn)
    assert a2.state == "withdrawn"
    assert list(a2.events.values_list("name", flat=True)) == ["grant", "withdraw"]
    assert AgrementApplication.objects.count() == 2
    assert a1.kind == a2.kind == "first"


def test_data_migration_links_successive_agrements_as_renewals(association):
    migration = importlib.import_module(
        "parcours.approvals.migrations.0004_applications_for_existing_agrements"
    )
    first = association.agrements.get()
    second = AgrementFactory(
        organisation=association,
        reference="ARR-NEXT",
        valid_from=first.valid_until + timedelta(days=1),
        valid_until=first.valid_until + timedelta(days=1000),
    )
    migration.forwards(global_apps, None)
    renewal = AgrementApplication.objects.get(agrement=second)
    assert renewal.kind == "renewal" and renewal.previous == first
    assert AgrementApplication.objects.get(agrement=first).kind == "first"
