"""An agrément across départements (R. 121-12-3 CASF): the seat instructs and decides, the other
départements' secretariats give a reasoned opinion within a time limit, and the agrément is valid in each
listed département, where the association files PSP requests through its establishment. Synthetic names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.approvals import rules
from parcours.approvals import services as approvals
from parcours.approvals.board import approvals_board
from parcours.approvals.models import Agrement, ApplicationState, ListedDepartement
from parcours.approvals.selectors import (
    acting_associations,
    agrement_in_force,
    approved_in,
    get_application_or_404,
    has_valid_agrement,
)
from parcours.core import dates
from parcours.core.models import OrganisationKind, RuleSetting
from parcours.core.roles import Role
from parcours.directory.selectors import approved_associations as directory_associations
from parcours.pathways import services as psp
from parcours.referrals.selectors import approved_associations as referral_associations
from parcours.stats.registry import Scope, evaluate_across, get
from tests.approvals import helpers as h
from tests.conftest import complete_request
from tests.factories import DepartementFactory, OrganisationFactory, PersonFactory, make_actor

pytestmark = pytest.mark.django_db

S, SG, AM, AW = Role.SECRETARIAT, Role.SIGNATORY, Role.ASSOCIATION_MANAGER, Role.ASSOCIATION_WORKER


def today() -> date:
    return timezone.localdate()


class World:
    """A seat (99) where the association « Trait d'Union » applies for 69 too; 13 is a third département."""

    def __init__(self):
        self.seat = DepartementFactory(code="99", name="Département de démonstration")
        self.other = DepartementFactory(code="69", name="Rhône fictif")
        self.third = DepartementFactory(code="13", name="Bouches-du-Rhône fictives")
        self.association = OrganisationFactory(
            departement=self.seat, kind=OrganisationKind.ASSOCIATION, name="Association Trait d'Union fictive"
        )
        self.manager = make_actor(AM, self.association)
        self.secretariat = make_actor(S, departement=self.seat)
        self.prefect = make_actor(SG, departement=self.seat)
        self.other_secretariat = make_actor(S, departement=self.other)
        self.other_prefect = make_actor(SG, departement=self.other)
        self.third_secretariat = make_actor(S, departement=self.third)
        self.establishment = OrganisationFactory(
            departement=self.other,
            kind=OrganisationKind.ASSOCIATION,
            name="Association Trait d'Union fictive — antenne du Rhône",
        )
        self.establishment_worker = make_actor(AW, self.establishment)
        self.establishment_manager = make_actor(AM, self.establishment)

    def submitted(self):
        application = h.fill(self.manager, h.draft(self.manager), departements=[self.other])
        return approvals.submit_application(actor=self.manager, application=application)

    def listed(self, application) -> ListedDepartement:
        return application.listed_departements.get(departement=self.other)

    def opinion(self, application, opinion="favourable"):
        return approvals.give_other_opinion(
            actor=self.other_secretariat,
            listed=self.listed(application),
            opinion=opinion,
            day=today(),
            motive="Antenne implantée depuis 2019, équipe formée, partenaires locaux identifiés.",
        )

    def granted(self, *, establishment=True):
        application = self.submitted()
        if establishment:
            approvals.name_establishment(
                actor=self.other_secretariat,
                listed=self.listed(application),
                establishment=self.establishment,
            )
        self.opinion(application)
        approvals.mark_complete(actor=self.secretariat, application=application)
        approvals.decide(
            actor=self.prefect,
            application=application,
            decision="granted",
            day=today(),
            reference="ARR-99-2026-042",
        )
        application.refresh_from_db()
        return application


@pytest.fixture
def w(db):
    return World()


# --- The file names the départements ---


def test_the_file_names_other_departements_but_never_the_seat(w):
    application = h.draft(w.manager)
    with pytest.raises(ValidationError, match="siège est toujours compris"):
        h.fill(w.manager, application, departements=[w.seat, w.other])
    h.fill(w.manager, application, departements=[w.other, w.third])
    assert sorted(application.listed_departements.values_list("departement__code", flat=True)) == ["13", "69"]
    h.fill(w.manager, application, departements=[w.other])
    assert list(application.listed_departements.values_list("departement__code", flat=True)) == ["69"]


def test_submission_asks_each_other_departement_with_a_time_limit(w):
    application = w.submitted()
    listed = w.listed(application)
    assert listed.requested_on == today()
    assert listed.due_on == dates.add_months(today(), rules.OTHER_OPINION_MONTHS)
    assert application.events.filter(name="other_opinion_asked").count() == 1


def test_the_time_limit_is_a_dated_setting(w):
    RuleSetting.objects.create(
        key=rules.OTHER_OPINION_SETTING,
        effective_from=today() - timedelta(days=1),
        value={"months": 1},
        source="Test : délai local",
    )
    assert w.listed(w.submitted()).due_on == dates.add_months(today(), 1)


@settings(max_examples=40, deadline=None)
@given(received=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_an_opinion_is_awaited_up_to_its_due_day_included(received):
    due = dates.add_months(received, rules.OTHER_OPINION_MONTHS)
    row = ListedDepartement(requested_on=received, due_on=due)
    assert row.opinion_pending(received)
    assert row.opinion_pending(due)
    assert not row.opinion_pending(due + timedelta(days=1))
    row.opinion = "favourable"
    assert not row.opinion_pending(received)


# --- Who sees the file and who gives which opinion ---


def test_the_other_departement_sees_the_file_but_a_third_one_does_not(w):
    application = w.submitted()
    assert get_application_or_404(w.other_secretariat, application.public_id) == application
    assert get_application_or_404(w.other_prefect, application.public_id) == application
    with pytest.raises(Http404):
        get_application_or_404(w.third_secretariat, application.public_id)


def test_a_draft_is_seen_by_no_prefecture(w):
    application = h.fill(w.manager, h.draft(w.manager), departements=[w.other])
    with pytest.raises(Http404):
        get_application_or_404(w.other_secretariat, application.public_id)


def test_the_other_departement_cannot_instruct_nor_decide(w):
    application = w.submitted()
    with pytest.raises(PermissionDenied):
        approvals.mark_complete(actor=w.other_secretariat, application=application)
    approvals.mark_complete(actor=w.secretariat, application=application)
    w.opinion(application)
    with pytest.raises(PermissionDenied):
        approvals.decide(
            actor=w.other_prefect, application=application, decision="granted", day=today(), reference="X"
        )


def test_only_the_listed_departements_secretariat_gives_its_opinion(w):
    application = w.submitted()
    for actor in (w.secretariat, w.third_secretariat):
        with pytest.raises(PermissionDenied):
            approvals.give_other_opinion(
                actor=actor, listed=w.listed(application), opinion="favourable", day=today(), motive="Motif"
            )


@pytest.mark.parametrize(
    ("opinion", "days", "motive", "message"),
    [
        ("favourable", 0, "  ", "motif"),
        ("excellent", 0, "Motif", "Avis inconnu"),
        ("favourable", 1, "Motif", "futur"),
        ("favourable", -3, "Motif", "ne peut pas précéder"),
    ],
)
def test_bad_opinions_are_refused_and_change_nothing(w, opinion, days, motive, message):
    application = w.submitted()
    with pytest.raises(ValidationError, match=message):
        approvals.give_other_opinion(
            actor=w.other_secretariat,
            listed=w.listed(application),
            opinion=opinion,
            day=today() + timedelta(days=days),
            motive=motive,
        )
    assert w.listed(application).opinion == ""


def test_an_opinion_is_given_once(w):
    application = w.submitted()
    w.opinion(application, "unfavourable")
    with pytest.raises(ValidationError, match="déjà été rendu"):
        w.opinion(application)
    listed = w.listed(application)
    assert listed.opinion == "unfavourable" and listed.opinion_by == w.other_secretariat.user
    assert application.events.filter(name="other_opinion", label__contains="défavorable").exists()


# --- The decision waits for the opinions, within their time limit ---


def test_the_seat_decides_after_the_opinion(w):
    application = w.submitted()
    approvals.mark_complete(actor=w.secretariat, application=application)
    assert application.state == ApplicationState.COMPLETE  # no commission by default
    with pytest.raises(ValidationError, match="l'avis du département 69"):
        approvals.decide(
            actor=w.prefect, application=application, decision="granted", day=today(), reference="A-1"
        )
    w.opinion(application, "unfavourable")
    approvals.decide(
        actor=w.prefect, application=application, decision="granted", day=today(), reference="A-1"
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.GRANTED
    # The seat's prefect decides: the agrément is valid in each listed département whatever its opinion.
    assert w.listed(application).agrement == application.agrement


def test_once_the_time_limit_passed_the_seat_decides_without_the_opinion(w):
    application = w.submitted()
    ListedDepartement.objects.filter(application=application).update(due_on=today() - timedelta(days=1))
    approvals.mark_complete(actor=w.secretariat, application=application)
    approvals.decide(
        actor=w.prefect, application=application, decision="granted", day=today(), reference="A-2"
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.GRANTED


def test_boards_show_the_opinion_asked_and_hold_back_the_decision(w):
    application = w.submitted()
    approvals.mark_complete(actor=w.secretariat, application=application)
    other = {s.key: s for s in approvals_board(w.other_secretariat, today())}
    items = other["approvals_other_opinions"].items
    assert len(items) == 1 and "siège : 99" in items[0].label
    assert items[0].due == w.listed(application).due_on
    seat = {s.key: s for s in approvals_board(w.secretariat, today())}
    assert not seat["approvals_to_decide"].items
    w.opinion(application)
    other = {s.key: s for s in approvals_board(w.other_secretariat, today())}
    assert not other["approvals_other_opinions"].items
    seat = {s.key: s for s in approvals_board(w.secretariat, today())}
    assert len(seat["approvals_to_decide"].items) == 1


# --- The establishment, and every reading of « approved here » ---


def test_the_establishment_must_be_an_active_association_of_that_departement(w):
    application = w.submitted()
    listed = w.listed(application)
    for wrong in (
        OrganisationFactory(departement=w.third, kind=OrganisationKind.ASSOCIATION),
        OrganisationFactory(departement=w.other, kind=OrganisationKind.MISSION_LOCALE),
        OrganisationFactory(departement=w.other, kind=OrganisationKind.ASSOCIATION, active=False),
    ):
        with pytest.raises(ValidationError, match="association active de votre département"):
            approvals.name_establishment(actor=w.other_secretariat, listed=listed, establishment=wrong)
    with pytest.raises(PermissionDenied):
        approvals.name_establishment(actor=w.secretariat, listed=listed, establishment=w.establishment)
    listed.refresh_from_db()
    assert listed.establishment is None


def test_the_agrement_is_valid_in_each_listed_departement_through_the_one_selector(w):
    application = w.granted()
    agrement = application.agrement
    assert agrement.organisation == w.association
    for org in (w.association, w.establishment):
        assert has_valid_agrement(org, today())
        assert agrement_in_force(org, today()) == agrement
    stranger = OrganisationFactory(departement=w.third, kind=OrganisationKind.ASSOCIATION)
    assert not has_valid_agrement(stranger, today())
    assert not has_valid_agrement(w.establishment, today() - timedelta(days=1))  # before the decision
    assert list(acting_associations(w.other, today())) == [w.establishment]
    assert [org for org, _ in approved_in(w.other, today())] == [w.establishment]
    assert [a.organisation for a in directory_associations(w.other_secretariat, today())] == [w.establishment]
    assert list(referral_associations(w.other, today())) == [w.establishment]
    assert not acting_associations(w.third, today()).exists()


def test_without_an_establishment_the_directory_shows_the_seat_association(w):
    w.granted(establishment=False)
    assert [org for org, _ in approved_in(w.other, today())] == [w.association]
    assert not acting_associations(w.other, today()).exists()


def test_a_withdrawn_agrement_is_valid_nowhere(w):
    application = w.granted()
    # Granted some weeks ago: the notice of intent came after its start, before the notification today.
    Agrement.objects.filter(pk=application.agrement.pk).update(valid_from=today() - timedelta(days=30))
    approvals.withdraw_agrement(
        actor=w.secretariat,
        agrement=application.agrement,
        day=today(),
        motive="Test",
        hearing_notice_on=today() - timedelta(days=20),
        notified_on=today(),
    )
    assert not has_valid_agrement(w.association, today())
    assert not has_valid_agrement(w.establishment, today())
    with pytest.raises(ValidationError, match="retiré"):
        approvals.name_establishment(
            actor=w.other_secretariat,
            listed=w.listed(application),
            establishment=OrganisationFactory(departement=w.other, kind=OrganisationKind.ASSOCIATION),
        )


def test_the_indicator_counts_the_association_in_each_listed_departement(w):
    measure = get("approvals.valid_agrements")
    scope = Scope.across([w.seat, w.other, w.third], today(), today())
    before = evaluate_across(measure, scope, [])
    assert [before[d.pk][None].value for d in (w.seat, w.other, w.third)] == [0, 0, 0]
    w.granted(establishment=False)
    after = evaluate_across(measure, scope, [])
    assert [after[d.pk][None].value for d in (w.seat, w.other, w.third)] == [1, 1, 0]
    assert measure.evaluate(Scope(w.other, today(), today())).value == 1
    # For one organisation: the establishment holds it once named.
    assert measure.evaluate(Scope(w.other, today(), today(), w.establishment)).value == 0
    approvals.name_establishment(
        actor=w.other_secretariat,
        listed=ListedDepartement.objects.get(departement=w.other),
        establishment=w.establishment,
    )
    assert measure.evaluate(Scope(w.other, today(), today(), w.establishment)).value == 1


def test_the_establishment_files_a_psp_request_in_its_departement(w):
    w.granted()
    person = PersonFactory(organisation=w.establishment, created_by=w.establishment_worker.user)
    assert person.departement == w.other
    pathway = psp.start_pathway(actor=w.establishment_worker, person=person)
    request = complete_request(w.establishment_worker, pathway)
    assert request.agrement.organisation == w.association  # the seat's agrément, attached from the register
    assert not [m for m in psp.missing_for_submission(request) if "agrément" in m]
    psp.submit_request(actor=w.establishment_manager, request=request)
    request.refresh_from_db()
    assert request.submitted_on == today() and request.departement == w.other


def test_a_renewal_names_the_same_departements_and_establishments(w):
    application = w.granted()
    renewal = approvals.start_application(actor=w.manager)
    assert renewal.previous == application.agrement
    row = renewal.listed_departements.get()
    assert row.departement == w.other and row.establishment == w.establishment and row.agrement is None


# --- The commission's opinion is optional by default ---


def test_the_commission_opinion_is_optional_and_can_be_asked(w):
    application = approvals.mark_complete(actor=w.secretariat, application=h.submitted(w.manager))
    assert application.state == ApplicationState.COMPLETE
    approvals.ask_commission_opinion(actor=w.secretariat, application=application)
    assert application.state == ApplicationState.AWAITING_OPINION
    with pytest.raises(ValidationError, match="n'est pas permis"):
        approvals.ask_commission_opinion(actor=w.secretariat, application=application)


# --- SIRET and RNA ---


def _with_check_digit(body: str) -> str:
    for digit in "0123456789":
        if rules.valid_siret(body + digit):
            return body + digit
    raise AssertionError(body)


@given(body=st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_every_siret_has_one_check_digit(body):
    valid = [d for d in "0123456789" if rules.valid_siret(body + d)]
    assert len(valid) == 1
    assert not rules.valid_siret(body)  # 13 digits
    assert not rules.valid_siret(body + "X")


@given(digits=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_rna_is_w_and_nine_digits(digits):
    assert rules.valid_rna("W" + digits)
    assert not rules.valid_rna("X" + digits)
    assert not rules.valid_rna("W" + digits[:-1])


@pytest.mark.parametrize(
    ("siret", "rna", "message"),
    [("73282932000075", "", "SIRET"), ("1234", "", "SIRET"), ("", "W12", "RNA"), ("", "751234567", "RNA")],
)
def test_bad_identifiers_are_refused_and_change_nothing(w, siret, rna, message):
    application = h.draft(w.manager)
    with pytest.raises(ValidationError, match=message):
        h.fill(w.manager, application, siret=siret, rna=rna, documents=())
    application.refresh_from_db()
    assert application.siret == "" and application.rna == ""


def test_without_siret_or_rna_the_receipt_of_declaration_is_required(w):
    application = h.fill(w.manager, h.draft(w.manager), siret="", rna="")
    with pytest.raises(ValidationError, match="Récépissé de déclaration"):
        approvals.submit_application(actor=w.manager, application=application)
    h.fill(w.manager, application, siret=_with_check_digit("4438801680001"), rna="", documents=())
    approvals.submit_application(actor=w.manager, application=application)
    assert application.state == ApplicationState.SUBMITTED
