"""Rights opened by the PSP: AFIS (dated scale, adults, within a period), APS for foreign nationals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.approvals.models import Agrement
from parcours.core import dates
from parcours.core.models import RuleSetting
from parcours.pathways import rules
from parcours.pathways import services as psp
from parcours.pathways.models import Afis, PathwayState, ResidencePermit, RightKind, RightStep
from tests.conftest import complete_request
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate()


def authorise(actors, person, *, day: date, rights: list[str]):
    """Drive a first request asking for `rights` to an authorisation dated `day`."""
    asso, sec = actors["association_worker"], actors["secretariat"]
    Agrement.objects.filter(organisation=asso.organisation).update(valid_from=day - timedelta(days=30))
    pathway = psp.start_pathway(actor=asso, person=person)
    request = complete_request(asso, pathway, day=day)
    request.rights_requested = rights
    request.save()
    psp.submit_request(actor=asso, request=request, today=day)
    psp.mark_ready(actor=sec, request=request)
    psp.record_opinion(actor=sec, request=request, opinion="favourable", day=day, motive="Projet cohérent")
    psp.record_decision(actor=actors["signatory"], request=request, decision="authorised", day=day)
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ACTIVE
    return pathway


def make_person(actors, association, **kwargs):
    return PersonFactory(organisation=association, created_by=actors["association_worker"].user, **kwargs)


# --- AFIS ---


def test_afis_is_opened_on_authorisation_with_the_person_s_children(active_pathway):
    afis = active_pathway.afis
    assert afis.status == Afis.Status.REQUESTED
    assert afis.dependent_children == active_pathway.person.children
    assert afis.monthly_amount is None


@pytest.mark.parametrize(
    ("start", "children", "amount"),
    [
        (date(2022, 6, 25), 0, "330.00"),
        (date(2022, 6, 30), 2, "534.00"),
        (date(2022, 7, 1), 2, "555.36"),
        (date(2022, 9, 1), 1, "449.28"),
    ],
)
def test_afis_grant_computes_the_amount_from_the_scale_in_force_at_the_start(
    actors, association, start, children, amount
):
    pathway = authorise(
        actors, make_person(actors, association), day=date(2022, 6, 20), rights=[RightKind.AFIS]
    )
    afis = psp.grant_afis(
        actor=actors["secretariat"],
        afis=pathway.afis,
        granted_on=start,
        start=start,
        paying_body="MSA fictive",
        dependent_children=children,
    )
    afis.refresh_from_db()
    assert afis.status == Afis.Status.GRANTED
    assert afis.monthly_amount == Decimal(amount)
    assert afis.end == pathway.periods.get().end
    event = pathway.events.get(name="afis_granted")
    assert (
        f"{Decimal(amount)} €".replace(".", ",") in event.label and event.user == actors["secretariat"].user
    )


def test_afis_grant_uses_a_newer_dated_setting(actors, active_pathway):
    start = active_pathway.periods.get().start
    RuleSetting.objects.create(
        key=rules.AFIS_SCALE_SETTING,
        effective_from=start,
        value={"base": "600.00", "per_child": "100.00"},
        source="Décret fictif (test)",
    )
    afis = psp.grant_afis(
        actor=actors["association_worker"],
        afis=active_pathway.afis,
        granted_on=today(),
        start=start,
        paying_body="MSA fictive",
        dependent_children=1,
    )
    assert afis.monthly_amount == Decimal("700.00")


def test_afis_refused_to_a_minor(actors, association):
    start = today() - timedelta(days=5)
    minor = make_person(actors, association, birth_date=dates.add_months(start, -12 * 18) + timedelta(days=1))
    assert dates.age_on(minor.birth_date, start) == 17
    pathway = authorise(actors, minor, day=start, rights=[RightKind.AFIS])
    with pytest.raises(ValidationError) as excinfo:
        psp.grant_afis(
            actor=actors["secretariat"],
            afis=pathway.afis,
            granted_on=start,
            start=start,
            paying_body="MSA fictive",
            dependent_children=0,
        )
    assert "18 ans" in str(excinfo.value.message_dict["start"])
    pathway.afis.refresh_from_db()
    assert pathway.afis.status == Afis.Status.REQUESTED and pathway.afis.monthly_amount is None


def test_afis_granted_from_the_eighteenth_birthday(actors, association):
    start = today() - timedelta(days=5)
    adult = make_person(actors, association, birth_date=dates.add_months(start, -12 * 18))
    pathway = authorise(actors, adult, day=start, rights=[RightKind.AFIS])
    afis = psp.grant_afis(
        actor=actors["secretariat"],
        afis=pathway.afis,
        granted_on=start,
        start=start,
        paying_body="MSA fictive",
        dependent_children=0,
    )
    assert afis.status == Afis.Status.GRANTED


@pytest.mark.parametrize("offset", ["before", "after"])
def test_afis_start_outside_any_period_is_refused(actors, active_pathway, offset):
    period = active_pathway.periods.get()
    start = period.start - timedelta(days=1) if offset == "before" else period.end + timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        psp.grant_afis(
            actor=actors["secretariat"],
            afis=active_pathway.afis,
            granted_on=today(),
            start=start,
            paying_body="MSA fictive",
            dependent_children=0,
        )
    assert "période d'autorisation" in str(excinfo.value.message_dict["start"])


def test_afis_grant_is_refused_to_roles_outside_the_matrix(actors, active_pathway):
    with pytest.raises(PermissionDenied):
        psp.grant_afis(
            actor=actors["signatory"],
            afis=active_pathway.afis,
            granted_on=today(),
            start=today(),
            paying_body="MSA fictive",
            dependent_children=0,
        )


def test_stop_afis(actors, active_pathway):
    start = active_pathway.periods.get().start
    afis = psp.grant_afis(
        actor=actors["secretariat"],
        afis=active_pathway.afis,
        granted_on=start,
        start=start,
        paying_body="MSA fictive",
        dependent_children=1,
    )
    with pytest.raises(ValidationError, match="précéder le début"):
        psp.stop_afis(actor=actors["secretariat"], afis=afis, day=start - timedelta(days=1), motive="x")

    psp.stop_afis(actor=actors["secretariat"], afis=afis, day=today(), motive="Demande écrite de la personne")
    afis.refresh_from_db()
    assert (afis.status, afis.end) == (Afis.Status.STOPPED, today())
    event = active_pathway.events.get(name="afis_stopped")
    assert event.motive == "Demande écrite de la personne" and "à la demande écrite" in event.label

    with pytest.raises(ValidationError, match="Seule une AFIS accordée"):
        psp.stop_afis(actor=actors["secretariat"], afis=afis, day=today(), motive="x")


def test_a_direct_stop_is_only_at_the_persons_request_at_her_death_or_after_a_hearing_held_outside(
    actors, active_pathway
):
    """Any other stop is an unfavourable decision: it goes through the prior adversarial procedure
    (parcours.appeals), and the direct form says so."""
    start = active_pathway.periods.get().start
    afis = psp.grant_afis(
        actor=actors["secretariat"],
        afis=active_pathway.afis,
        granted_on=start,
        start=start,
        paying_body="MSA fictive",
        dependent_children=0,
    )
    sec = actors["secretariat"]
    with pytest.raises(ValidationError, match="décision défavorable : engagez la procédure contradictoire"):
        psp.stop_afis(actor=sec, afis=afis, day=today(), motive="Engagements non tenus", cause="sanction")
    with pytest.raises(ValidationError, match="date de remise du préavis"):
        psp.stop_afis(actor=sec, afis=afis, day=today(), motive="Engagements non tenus", cause="outside")
    with pytest.raises(ValidationError, match="Le préavis précède"):
        psp.stop_afis(
            actor=sec,
            afis=afis,
            day=today(),
            motive="m",
            cause="outside",
            notice_given_on=today() + timedelta(1),
        )
    afis.refresh_from_db()
    assert afis.status == Afis.Status.GRANTED  # nothing changed
    psp.stop_afis(
        actor=sec,
        afis=afis,
        day=today(),
        motive="Engagements non tenus",
        cause="outside",
        notice_given_on=today() - timedelta(days=20),
    )
    event = active_pathway.events.get(name="afis_stopped")
    assert "procédure contradictoire" in event.label and "préavis remis le" in event.label


def test_a_requested_afis_cannot_be_stopped(actors, active_pathway):
    with pytest.raises(ValidationError):
        psp.stop_afis(actor=actors["secretariat"], afis=active_pathway.afis, day=today(), motive="x")


# --- Residence permit (APS) and other rights ---


def test_permit_created_on_authorisation_for_a_foreign_national_who_asked(actors, association):
    person = make_person(actors, association)
    assert person.is_foreign_national
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    assert not ResidencePermit.objects.filter(pathway=pathway).exists()  # nothing before the decision
    pathway = authorise_existing(actors, pathway, rights=[RightKind.RESIDENCE_PERMIT, RightKind.HOUSING])
    permit = ResidencePermit.objects.get(pathway=pathway)
    assert permit.status == ResidencePermit.Status.REQUESTED
    assert permit.requested_on == pathway.periods.get().start
    assert not Afis.objects.filter(pathway=pathway).exists()  # not asked for
    assert RightStep.objects.get(pathway=pathway).domain == "housing"


def authorise_existing(actors, pathway, *, rights):
    asso, sec, day = actors["association_worker"], actors["secretariat"], today()
    request = complete_request(asso, pathway, day=day)
    request.rights_requested = rights
    request.save()
    psp.submit_request(actor=asso, request=request, today=day)
    psp.mark_ready(actor=sec, request=request)
    psp.record_opinion(actor=sec, request=request, opinion="favourable", day=day, motive="ok")
    psp.record_decision(actor=actors["signatory"], request=request, decision="authorised", day=day)
    pathway.refresh_from_db()
    return pathway


def test_no_permit_for_a_french_national_even_if_asked(actors, association):
    pathway = authorise(
        actors,
        make_person(actors, association, french=True),
        day=today(),
        rights=[RightKind.RESIDENCE_PERMIT, RightKind.AFIS],
    )
    assert not ResidencePermit.objects.filter(pathway=pathway).exists()
    assert Afis.objects.filter(pathway=pathway).exists()


def test_no_permit_for_an_eu_national(actors, association):
    person = make_person(actors, association, nationality_group="eu", administrative_status="french_eu")
    pathway = authorise(actors, person, day=today(), rights=[RightKind.RESIDENCE_PERMIT])
    assert not ResidencePermit.objects.filter(pathway=pathway).exists()


def test_no_permit_for_a_foreign_national_who_did_not_ask(actors, association):
    pathway = authorise(actors, make_person(actors, association), day=today(), rights=[RightKind.AFIS])
    assert not ResidencePermit.objects.filter(pathway=pathway).exists()


def test_no_permit_when_the_request_is_refused(actors, association):
    from tests.conftest import drive_to_decision

    pathway = psp.start_pathway(actor=actors["association_worker"], person=make_person(actors, association))
    drive_to_decision(actors, pathway, decision="refused")
    assert not ResidencePermit.objects.filter(pathway=pathway).exists()
    assert not Afis.objects.filter(pathway=pathway).exists()


def test_a_renewal_does_not_duplicate_the_rights(actors, active_pathway):
    from tests.pathways.test_services import renew

    renew(actors, active_pathway, day=today())
    assert Afis.objects.filter(pathway=active_pathway).count() == 1
    assert ResidencePermit.objects.filter(pathway=active_pathway).count() == 1
    assert active_pathway.right_steps.filter(domain="housing").count() == 1
