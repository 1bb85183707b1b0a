"""A composed commission in département 99: seats, titular and substitute members."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.utils import timezone

from parcours.commission import services as cs
from parcours.commission.models import Mandate
from parcours.commission.rules import SeatCategory
from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from tests.conftest import client_for, drive_to_decision  # noqa: F401
from tests.factories import OrganisationFactory, make_actor


@dataclass
class Commission:
    arrete: object
    seats: dict = field(default_factory=dict)  # category -> Seat
    members: dict = field(default_factory=dict)  # name -> Actor
    mandates: dict = field(default_factory=dict)  # name -> Mandate


def member(departement, kind=OrganisationKind.OTHER, organisation=None, **user):
    organisation = organisation or OrganisationFactory(departement=departement, kind=kind)
    return make_actor(Role.COMMISSION_MEMBER, organisation)


@pytest.fixture
def commission(departement, association, actors) -> Commission:
    sec = actors["secretariat"]
    today = timezone.localdate()
    arrete = cs.create_arrete(
        actor=sec,
        reference="2025-DDFE-001",
        signed_on=today - timedelta(days=200),
        mandate_start=today - timedelta(days=200),
    )
    result = Commission(arrete=arrete)
    layout = [
        ("magistrate", SeatCategory.MAGISTRATE, "Magistrat du parquet", OrganisationKind.JUSTICE, None),
        ("police", SeatCategory.PUBLIC_SECURITY, "DDSP", OrganisationKind.POLICE, None),
        ("doctor", SeatCategory.DOCTOR, "Médecin", OrganisationKind.HEALTH, None),
        ("association", SeatCategory.ASSOCIATION, "Association L'Escale", None, association),
        (
            "president",
            SeatCategory.DEPARTMENT_PRESIDENT,
            "Président du conseil départemental",
            OrganisationKind.OTHER,
            None,
        ),
    ]
    for name, category, label, kind, organisation in layout:
        seat = cs.add_seat(
            actor=sec, arrete=arrete, category=category, label=label, organisation=organisation
        )
        result.seats[name] = seat
        titular = member(departement, kind or OrganisationKind.ASSOCIATION, organisation=organisation)
        substitute = member(departement, kind or OrganisationKind.ASSOCIATION, organisation=organisation)
        result.members[name] = titular
        result.members[f"{name}-sub"] = substitute
        result.mandates[name] = cs.appoint(
            actor=sec, seat=seat, member=titular.user, kind=Mandate.Kind.TITULAR
        )
        result.mandates[f"{name}-sub"] = cs.appoint(
            actor=sec, seat=seat, member=substitute.user, kind=Mandate.Kind.SUBSTITUTE
        )
    return result


def ready_request(actors, pathway):
    """Drive the open request of `pathway` to 'ready for the commission'."""
    from parcours.pathways import services as psp
    from tests.conftest import complete_request

    asso, sec = actors["association_worker"], actors["secretariat"]
    request = complete_request(asso, pathway)
    psp.submit_request(actor=asso, request=request)
    psp.mark_ready(actor=sec, request=request)
    request.refresh_from_db()
    return request


def in_days(days: int, hour: int = 14):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour, 0))


__all__ = ["Commission", "commission", "ready_request", "in_days", "date"]
