"""Transfers (issue 14, item 5): a person moves to another département or changes association; the file
follows with consent; months already used count towards the cap, counted per person across départements by
blind index, without revealing the file to a département that has no part in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.pathways import rules
from parcours.pathways import services as psp
from parcours.pathways.models import Afis, EndReason, Notice, Pathway, PathwayState, Transfer
from parcours.pathways.selectors import (
    months_used_by_person,
    pathways_visible_to,
    read_periods_and_months_elsewhere,
)
from parcours.people.selectors import people_visible_to
from tests.conftest import client_for, drive_to_decision
from tests.factories import (
    AgrementFactory,
    DepartementFactory,
    OrganisationFactory,
    PersonFactory,
    make_actor,
)


def _departement(code):
    dep = DepartementFactory(code=code, name=f"Département fictif {code}")
    asso = OrganisationFactory(
        departement=dep, kind=OrganisationKind.ASSOCIATION, name=f"Asso fictive {code}"
    )
    AgrementFactory(organisation=asso)
    prefecture = OrganisationFactory(departement=dep, kind=OrganisationKind.PREFECTURE)
    actors = {
        Role.SECRETARIAT: make_actor(Role.SECRETARIAT, prefecture),
        Role.SIGNATORY: make_actor(Role.SIGNATORY, prefecture),
        Role.ASSOCIATION_WORKER: make_actor(Role.ASSOCIATION_WORKER, asso),
    }
    return dep, asso, actors


@pytest.fixture
def elsewhere(db):
    return _departement("98")


@pytest.fixture
def bystander(db):
    """A département with no part in the file."""
    return _departement("97")


@pytest.fixture
def with_afis_and_permit(actors, active_pathway):
    afis = Afis.objects.get(pathway=active_pathway)
    start = active_pathway.periods.get().start
    psp.grant_afis(
        actor=actors["secretariat"],
        afis=afis,
        granted_on=start,
        start=start,
        paying_body="MSA",
        dependent_children=0,
    )
    return active_pathway


def _months_both_ways(pathway) -> int:
    """The months used elsewhere as the services read them (`months_used_by_person`), checked against the
    one statement of the request's page (`read_periods_and_months_elsewhere`), which also gives the
    pathway's own periods in number order, each with its pathway."""
    months = months_used_by_person(Pathway.objects.get(pk=pathway.pk))
    fresh = Pathway.objects.get(pk=pathway.pk)
    read_periods_and_months_elsewhere(fresh)
    assert fresh._months_used_elsewhere == months
    own = list(fresh.periods.all())
    assert [p.pk for p in own] == list(pathway.periods.order_by("number").values_list("pk", flat=True))
    assert all(p.pathway is fresh for p in own)
    return months


def _request(actors, pathway, asso, day=None):
    return psp.request_departement_transfer(
        actor=actors["association_worker"],
        pathway=pathway,
        to_association=asso,
        day=day or timezone.localdate(),
        consent_given_on=timezone.localdate(),
    )


def test_transfer_to_another_departement_carries_the_months(actors, with_afis_and_permit, elsewhere):
    dep, asso, their = elsewhere
    pathway = with_afis_and_permit
    transfer = _request(actors, pathway, asso)
    assert transfer.months_carried == rules.PERIOD_MONTHS
    # On the file's decisions tab, the transfer and its state.
    tab = client_for(actors["secretariat"]).get(
        reverse("pathways:detail_decisions", args=[pathway.public_id])
    )
    assert 'data-testid="transfer-state"' in tab.content.decode()
    # Before acceptance, the receiving secretariat sees the transfer, not the file.
    assert not pathways_visible_to(their[Role.SECRETARIAT]).filter(pk=pathway.pk).exists()
    new = psp.accept_departement_transfer(actor=their[Role.SECRETARIAT], transfer=transfer)
    assert new.departement == dep and new.association == asso and new.state == PathwayState.IN_INSTRUCTION
    assert new.person.pk != pathway.person.pk and new.person.departement == dep
    assert new.person.last_name == pathway.person.last_name  # the file follows
    assert _months_both_ways(new) == rules.PERIOD_MONTHS
    tab = client_for(their[Role.SECRETARIAT]).get(reverse("pathways:detail_decisions", args=[new.public_id]))
    assert 'data-testid="transferred-from"' in tab.content.decode()
    # The origin's secretariat closes its pathway: the AFIS payer and the foreigners' service are told.
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.ACCEPTED
    psp.close_transferred_pathway(actor=actors["secretariat"], transfer=transfer)
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ENDED and pathway.end_reason == EndReason.TRANSFERRED
    events = set(pathway.notices.values_list("addressee", "event"))
    assert (Notice.Addressee.AFIS_PAYER, Notice.Event.TRANSFER) in events
    assert (Notice.Addressee.IMMIGRATION, Notice.Event.TRANSFER) in events
    immigration = pathway.notices.get(addressee=Notice.Addressee.IMMIGRATION)
    assert "L. 425-4" in immigration.document.html and str(dep) in immigration.document.html


def test_the_cap_counts_months_used_in_another_departement(actors, active_pathway, elsewhere):
    dep, asso, their = elsewhere
    # Three more periods in the origin département: 24 months in all.
    for _ in range(3):
        request = psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
        drive_to_decision(actors, active_pathway, day=timezone.localdate())
    assert _months_both_ways(active_pathway) == 0
    transfer = _request(actors, active_pathway, asso)
    assert transfer.months_carried == rules.MAX_PATHWAY_MONTHS
    new = psp.accept_departement_transfer(actor=their[Role.SECRETARIAT], transfer=transfer)
    request = new.requests.get()
    assert psp.proposed_period(request, timezone.localdate()) is None  # past the cap: no period to open


def test_a_departement_with_no_part_learns_only_a_number(actors, active_pathway, bystander):
    dep, asso, their = bystander
    source = active_pathway.person
    # The same person is met in a third département and entered again there (same identity).
    again = PersonFactory(
        organisation=asso,
        created_by=their[Role.ASSOCIATION_WORKER].user,
        last_name=source.last_name,
        first_name=source.first_name,
        birth_date=source.birth_date,
    )
    pathway = psp.start_pathway(actor=their[Role.ASSOCIATION_WORKER], person=again)
    assert _months_both_ways(pathway) == rules.PERIOD_MONTHS
    # Nothing of the other file is in its reach.
    for role in (Role.SECRETARIAT, Role.ASSOCIATION_WORKER):
        assert not pathways_visible_to(their[role]).filter(pk=active_pathway.pk).exists()
        assert not people_visible_to(their[role]).filter(pk=source.pk).exists()
    page = client_for(their[Role.ASSOCIATION_WORKER]).get(f"/parcours/{pathway.public_id}/").content.decode()
    assert f"{rules.PERIOD_MONTHS} mois dans un parcours antérieur" in page
    for secret in (
        source.pseudonym,
        str(active_pathway.departement),  # « 99 — Département … » (a code alone may end an account's name)
        "L'Escale",
        str(active_pathway.public_id),
    ):
        assert secret not in page
    # And the other file still answers 404 to it.
    response = client_for(their[Role.SECRETARIAT]).get(f"/parcours/{active_pathway.public_id}/")
    assert response.status_code == 404


def test_another_person_is_not_counted(actors, active_pathway, bystander):
    dep, asso, their = bystander
    source = active_pathway.person
    other = PersonFactory(
        organisation=asso,
        created_by=their[Role.ASSOCIATION_WORKER].user,
        last_name=source.last_name,
        first_name=source.first_name,
        birth_date=source.birth_date + timedelta(days=1),
    )  # born another day
    pathway = psp.start_pathway(actor=their[Role.ASSOCIATION_WORKER], person=other)
    assert _months_both_ways(pathway) == 0


def test_transfer_requests_are_checked(actors, active_pathway, elsewhere, other_association):
    dep, asso, their = elsewhere
    with pytest.raises(ValidationError):  # same département
        _request(actors, active_pathway, other_association)
    unapproved = OrganisationFactory(departement=dep, kind=OrganisationKind.ASSOCIATION)
    with pytest.raises(ValidationError):
        _request(actors, active_pathway, unapproved)
    with pytest.raises(ValidationError):
        psp.request_departement_transfer(
            actor=actors["association_worker"],
            pathway=active_pathway,
            to_association=asso,
            day=timezone.localdate(),
            consent_given_on=timezone.localdate() + timedelta(days=1),
        )
    _request(actors, active_pathway, asso)
    with pytest.raises(ValidationError):  # one pending at a time
        _request(actors, active_pathway, asso)


def test_refused_transfer_leaves_the_pathway(actors, active_pathway, elsewhere):
    dep, asso, their = elsewhere
    transfer = _request(actors, active_pathway, asso)
    with pytest.raises(ValidationError):
        psp.refuse_departement_transfer(actor=their[Role.SECRETARIAT], transfer=transfer, motive=" ")
    psp.refuse_departement_transfer(actor=their[Role.SECRETARIAT], transfer=transfer, motive="Hors ressort")
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ACTIVE
    with pytest.raises(ValidationError):  # the origin cannot accept for the receiver
        psp.accept_departement_transfer(actor=actors["secretariat"], transfer=transfer)


def test_hand_over_an_associations_pathways_with_consent(actors, active_pathway, other_association):
    transfers = psp.hand_over_pathways(
        actor=actors["secretariat"],
        from_association=active_pathway.association,
        to_association=other_association,
        day=timezone.localdate(),
        motive="Retrait de l'agrément",
    )
    assert [t.pathway for t in transfers] == [active_pathway]
    receiver = make_actor(Role.ASSOCIATION_WORKER, other_association)
    assert not pathways_visible_to(receiver).filter(pk=active_pathway.pk).exists()  # not before consent
    with pytest.raises(ValidationError):
        psp.consent_transfer(
            actor=receiver, transfer=transfers[0], consent_given_on=timezone.localdate() + timedelta(days=1)
        )
    psp.consent_transfer(actor=receiver, transfer=transfers[0], consent_given_on=timezone.localdate())
    active_pathway.refresh_from_db()
    assert active_pathway.association == other_association
    assert active_pathway.person.organisation == other_association
    assert pathways_visible_to(receiver).filter(pk=active_pathway.pk).exists()
    assert active_pathway.periods.count() == 1  # the same pathway goes on


def test_hand_over_needs_an_approved_receiver_and_pathways(actors, active_pathway, departement):
    unapproved = OrganisationFactory(departement=departement, kind=OrganisationKind.ASSOCIATION)
    with pytest.raises(ValidationError):
        psp.hand_over_pathways(
            actor=actors["secretariat"],
            from_association=active_pathway.association,
            to_association=unapproved,
            day=timezone.localdate(),
            motive="Fermeture",
        )
    other_association = OrganisationFactory(departement=departement, kind=OrganisationKind.ASSOCIATION)
    AgrementFactory(organisation=other_association)
    with pytest.raises(ValidationError):
        psp.hand_over_pathways(
            actor=actors["secretariat"],
            from_association=other_association,
            to_association=active_pathway.association,
            day=timezone.localdate(),
            motive="Fermeture",
        )


def test_the_secretariat_finds_and_uses_the_handover_page(clients, actors, active_pathway, other_association):
    page = clients["secretariat"].get("/parcours/").content.decode()
    assert "/parcours/associations/transfert/" in page
    assert (
        "/parcours/associations/transfert/"
        not in clients["association_worker"].get("/parcours/").content.decode()
    )
    data = {
        "from_association": active_pathway.association.pk,
        "to_association": other_association.pk,
        "day": f"{timezone.localdate():%Y-%m-%d}",
        "motive": "Retrait de l'agrément",
    }
    confirm = clients["secretariat"].post("/parcours/associations/transfert/", data)
    assert "(1) sont confiés à" in confirm.content.decode()
    assert not Transfer.objects.exists()  # nothing before the confirmation
    done = clients["secretariat"].post("/parcours/associations/transfert/", {**data, "confirmation": "oui"})
    assert done.status_code == 302
    assert Transfer.objects.get().to_association == other_association
