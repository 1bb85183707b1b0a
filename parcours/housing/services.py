"""Writes on a person's housing route: atomic, audited, by the accompanying association only."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.policies import can
from parcours.people.models import Person

from .models import DaloDecision, HousingRequest, PlaceKind, Priority, SiaoRequest
from .policies import is_own

CLOSED_REQUEST = (
    "Cette demande de logement est close (entrée dans le logement ou abandon) : elle ne change plus."
)
FUTURE = "La date ne peut pas être dans le futur."


def _require_own(actor: Actor, person: Person) -> None:
    if not (can(actor, "housing.edit") and is_own(actor, person)):
        raise PermissionDenied


def _not_future(field: str, value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: FUTURE})


@transaction.atomic
def record_siao_request(
    *, actor: Actor, person: Person, requested_on: date, orientation: str, number: str = ""
) -> SiaoRequest:
    _require_own(actor, person)
    _not_future("requested_on", requested_on)
    if orientation not in PlaceKind.values:
        raise ValidationError({"orientation": "Choisissez une orientation de la liste."})
    siao = SiaoRequest.objects.create(
        departement=person.departement,
        person=person,
        organisation=actor.organisation,
        number=number.strip(),
        requested_on=requested_on,
        orientation=orientation,
        recorded_by=actor.user,
    )
    audit.record(actor, "create", siao, detail="demande au SIAO")
    return siao


@transaction.atomic
def record_siao_outcome(
    *, actor: Actor, siao: SiaoRequest, status: str, day: date, placement: str = ""
) -> SiaoRequest:
    """A place obtained (its kind), or the request refused or withdrawn: the SIAO request is then closed."""
    siao = SiaoRequest.objects.select_for_update().select_related("person").get(pk=siao.pk)
    _require_own(actor, siao.person)
    if siao.status != SiaoRequest.Status.PENDING:
        raise ValidationError("Cette demande au SIAO a déjà une issue.")
    if status not in (SiaoRequest.Status.PLACED, SiaoRequest.Status.REFUSED, SiaoRequest.Status.WITHDRAWN):
        raise ValidationError({"status": "Choisissez l'issue de la demande."})
    _not_future("day", day)
    if day < siao.requested_on:
        raise ValidationError({"day": "L'issue ne peut pas précéder la demande au SIAO."})
    if status == SiaoRequest.Status.PLACED and placement not in PlaceKind.values:
        raise ValidationError({"placement": "Précisez la place obtenue."})
    siao.status = status
    siao.placement = placement if status == SiaoRequest.Status.PLACED else ""
    siao.outcome_on = day
    siao.save(update_fields=["status", "placement", "outcome_on", "updated_at"])
    audit.record(actor, "update", siao, detail=f"issue de la demande au SIAO : {status}")
    return siao


@transaction.atomic
def record_housing_request(
    *,
    actor: Actor,
    person: Person,
    filed_on: date,
    registration_number: str = "",
    priority: str = Priority.NONE,
    prefect_quota: bool = False,
) -> HousingRequest:
    _require_own(actor, person)
    _not_future("filed_on", filed_on)
    if priority not in Priority.values:
        raise ValidationError({"priority": "Choisissez une priorité de la liste."})
    if HousingRequest.objects.open().filter(person=person).exists():
        raise ValidationError(
            "Une demande de logement social est déjà en cours pour cette personne : mettez-la à jour."
        )
    housing = HousingRequest.objects.create(
        departement=person.departement,
        person=person,
        organisation=actor.organisation,
        registration_number=registration_number.strip(),
        filed_on=filed_on,
        priority=priority,
        prefect_quota=prefect_quota,
        recorded_by=actor.user,
    )
    audit.record(actor, "create", housing, detail="demande de logement social")
    return housing


def check_housing_update(housing: HousingRequest, data: dict) -> None:
    """What makes an update impossible (checked before the confirmation is asked, and again when done).
    `data`: the UPDATE_FIELDS (priority, quota, DALO recourse and decision, housed or cancelled on)."""
    if not housing.is_open:
        raise ValidationError(CLOSED_REQUEST)
    for name in ("dalo_filed_on", "dalo_decided_on", "housed_on", "cancelled_on"):
        _not_future(name, data.get(name))
    if data.get("priority") not in Priority.values:
        raise ValidationError({"priority": "Choisissez une priorité de la liste."})
    dalo_filed, decided = data.get("dalo_filed_on"), data.get("dalo_decided_on")
    decision = data.get("dalo_decision") or ""
    if decision not in DaloDecision.values:
        raise ValidationError({"dalo_decision": "Choisissez une décision de la liste."})
    if dalo_filed and dalo_filed < housing.filed_on:
        raise ValidationError(
            {"dalo_filed_on": "Le recours DALO ne peut pas précéder la demande de logement social."}
        )
    if (decision or decided) and not dalo_filed:
        raise ValidationError({"dalo_filed_on": "Indiquez d'abord la date du recours DALO."})
    if bool(decision) != bool(decided):
        raise ValidationError(
            {"dalo_decided_on": "Une décision de la commission de médiation a un sens et une date."}
        )
    if decided and dalo_filed and decided < dalo_filed:
        raise ValidationError({"dalo_decided_on": "La décision ne peut pas précéder le recours."})
    housed, cancelled = data.get("housed_on"), data.get("cancelled_on")
    if housed and cancelled:
        raise ValidationError(
            {"cancelled_on": "Une demande aboutie n'est pas abandonnée : choisissez l'une des deux dates."}
        )
    if housed and housed < housing.filed_on:
        raise ValidationError({"housed_on": "L'entrée dans le logement ne peut pas précéder la demande."})
    if cancelled and cancelled < housing.filed_on:
        raise ValidationError({"cancelled_on": "L'abandon ne peut pas précéder la demande."})


UPDATE_FIELDS = (
    "priority",
    "prefect_quota",
    "dalo_filed_on",
    "dalo_decision",
    "dalo_decided_on",
    "housed_on",
    "cancelled_on",
)


@transaction.atomic
def update_housing_request(*, actor: Actor, housing: HousingRequest, data: dict) -> HousingRequest:
    """Priority, quota, DALO recourse and decision, and the end: entry into the housing or abandonment (the
    request is then closed)."""
    housing = HousingRequest.objects.select_for_update().select_related("person").get(pk=housing.pk)
    _require_own(actor, housing.person)
    check_housing_update(housing, data)
    for name in UPDATE_FIELDS:
        value = data.get(name)
        if name == "dalo_decision":
            value = value or ""
        if name == "prefect_quota":
            value = bool(value)
        setattr(housing, name, value)
    housing.save(update_fields=[*UPDATE_FIELDS, "updated_at"])
    detail = "demande de logement social mise à jour"
    if housing.housed_on:
        detail = "entrée dans le logement enregistrée"
    elif housing.cancelled_on:
        detail = "demande de logement social abandonnée"
    audit.record(actor, "update", housing, detail=detail)
    return housing


def move_on_merge(*, kept: Person, other: Person) -> None:
    """A merge of two records of one person (people.merge): the other record's housing route moves to the
    kept one. Two open social-housing requests cannot both stay open: the other record's is closed as
    abandoned on the day of the merge (it is the same person's, and the kept one goes on)."""
    SiaoRequest.objects.filter(person=other).update(person=kept)
    if HousingRequest.objects.open().filter(person=kept).exists():
        HousingRequest.objects.open().filter(person=other).update(cancelled_on=timezone.localdate())
    HousingRequest.objects.filter(person=other).update(person=kept)
