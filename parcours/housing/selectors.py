"""Scoped, audited reads of the housing route: through the person's scope (parcours.people.selectors)."""

from __future__ import annotations

from datetime import date

from parcours.core.access import Actor
from parcours.core.sql_shapes import fixed_shape, known_empty
from parcours.people.selectors import people_visible_to, read_person_data

from .models import HousingRequest, SiaoRequest


def siao_requests_visible_to(actor: Actor | None):
    return SiaoRequest.objects.filter(person__in=people_visible_to(actor).values("pk"))


def housing_requests_visible_to(actor: Actor | None):
    return HousingRequest.objects.filter(person__in=people_visible_to(actor).values("pk"))


def get_siao_or_404(actor: Actor, public_id, *, detail: str) -> SiaoRequest:
    return read_person_data(
        actor,
        siao_requests_visible_to(actor).select_related("person__departement"),
        public_id,
        person_of=lambda siao: siao.person,
        detail=detail,
    )


def get_housing_request_or_404(actor: Actor, public_id, *, detail: str) -> HousingRequest:
    return read_person_data(
        actor,
        housing_requests_visible_to(actor).select_related("person__departement"),
        public_id,
        person_of=lambda housing: housing.person,
        detail=detail,
    )


def housing_summary(person, today: date) -> dict:
    """What the person's page says of housing: the current or last social-housing request, its delay to
    housing (or the days waited so far), and the current SIAO request. The caller has already read the
    person through the audited accessor."""
    # Read on every person's page and pathway's rights tab: their compiled SQL kept (core.sql_shapes).
    # A relation the page already knows empty (sql_shapes.related_exist, the pathway's rights tab) is not
    # asked again.
    last = siao = None
    if not known_empty(person, "housing_requests"):
        last = fixed_shape(person.housing_requests.order_by("-filed_on", "-created_at")).first()
    if not known_empty(person, "siao_requests"):
        siao = fixed_shape(person.siao_requests.order_by("-requested_on", "-created_at")).first()
    waited = (today - last.filed_on).days if last is not None and last.is_open else None
    return {"request": last, "siao": siao, "waited_days": waited}
