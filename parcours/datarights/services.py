"""Writes of the data subjects' rights: atomic, audited, by the association following the person or the
secretariat (policies.may_act). Nothing here logs, prints or puts in a URL a person's identity."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.people.models import DocumentLanguage, Person

from . import export, rules
from .models import AccessExport, Answer, NoticeDelivery, Rectification, RequestKind, RightsRequest
from .policies import may_act

FUTURE = "La date ne peut pas être dans le futur."


def _require(actor: Actor, person: Person, permission: str) -> None:
    if not may_act(actor, person, permission):
        raise PermissionDenied


def _not_future(name: str, value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({name: FUTURE})


@transaction.atomic
def record_request(
    *, actor: Actor, person: Person, kind: str, received_on: date, details: str = ""
) -> RightsRequest:
    """A request to exercise a right, received on `received_on`: in the register with its deadline."""
    _require(actor, person, "datarights.edit")
    if kind not in RequestKind.values:
        raise ValidationError({"kind": "Choisissez le droit exercé dans la liste."})
    _not_future("received_on", received_on)
    request = RightsRequest.objects.create(
        departement=person.departement,
        person=person,
        organisation=actor.organisation,
        kind=kind,
        received_on=received_on,
        due_on=rules.answer_due(received_on),
        details=details.strip(),
        recorded_by=actor.user,
    )
    audit.record(actor, "create", request, detail=f"demande d'exercice d'un droit ({kind})")
    return request


@transaction.atomic
def extend_request(*, actor: Actor, rights_request: RightsRequest) -> RightsRequest:
    """The deadline extended by two months (art. 12.3: complexity or number of requests, the person told)."""
    rights_request = (
        RightsRequest.objects.select_for_update().select_related("person").get(pk=rights_request.pk)
    )
    _require(actor, rights_request.person, "datarights.edit")
    if rights_request.answered_on:
        raise ValidationError("Cette demande a déjà reçu sa réponse.")
    if rights_request.extended:
        raise ValidationError(
            "Le délai de cette demande a déjà été prolongé : il ne peut l'être qu'une fois."
        )
    rights_request.extended = True
    rights_request.due_on = rules.answer_due(rights_request.received_on, extended=True)
    rights_request.save(update_fields=["extended", "due_on", "updated_at"])
    audit.record(actor, "update", rights_request, detail="délai de réponse prolongé de deux mois")
    return rights_request


@transaction.atomic
def answer_request(
    *, actor: Actor, rights_request: RightsRequest, answered_on: date, answer: str, note: str = ""
) -> RightsRequest:
    rights_request = (
        RightsRequest.objects.select_for_update().select_related("person").get(pk=rights_request.pk)
    )
    _require(actor, rights_request.person, "datarights.edit")
    if rights_request.answered_on:
        raise ValidationError("Cette demande a déjà reçu sa réponse.")
    if answer not in Answer.values:
        raise ValidationError({"answer": "Choisissez la réponse donnée dans la liste."})
    _not_future("answered_on", answered_on)
    if answered_on < rights_request.received_on:
        raise ValidationError({"answered_on": "La réponse ne peut pas précéder la demande."})
    if answer != Answer.GRANTED and not note.strip():
        raise ValidationError(
            {
                "note": "Un refus, même partiel, est motivé (RGPD, art. 12.4) : "
                "écrivez le motif donné à la personne."
            }
        )
    rights_request.answered_on = answered_on
    rights_request.answer = answer
    rights_request.answer_note = note.strip()
    rights_request.answered_by = actor.user
    rights_request.save(update_fields=["answered_on", "answer", "answer_note", "answered_by", "updated_at"])
    audit.record(actor, "update", rights_request, detail=f"réponse à la demande : {answer}")
    return rights_request


# The fields of a person whose correction is a rectification of her identity or contact data (art. 16).
IDENTITY_CORRECTION_FIELDS = (
    "last_name",
    "first_name",
    "usual_name",
    "birth_date",
    "sex",
    "nationality",
    "phone",
    "email",
    "address",
)


def log_identity_correction(*, actor: Actor, person: Person, fields: list[str]) -> list[Rectification]:
    """Receiver of people.services.update_person (registered at start-up): one line per identity field
    corrected, linked to the oldest open rectification request of the person if there is one. The values are
    never logged: the record itself holds the new ones, the old ones are gone."""
    corrected = [name for name in fields if name in IDENTITY_CORRECTION_FIELDS]
    if not corrected:
        return []
    request = (
        RightsRequest.objects.open()
        .filter(person=person, kind=RequestKind.RECTIFICATION)
        .order_by("received_on", "pk")
        .first()
    )
    labels = {f.name: str(f.verbose_name) for f in Person._meta.concrete_fields}
    lines = Rectification.objects.bulk_create(
        Rectification(
            person=person,
            request=request,
            field=name,
            field_label=labels[name],
            corrected_by=actor.user,
            organisation=actor.organisation,
        )
        for name in corrected
    )
    audit.record(actor, "update", person, detail=f"rectification : {', '.join(corrected)}"[:200])
    return lines


@transaction.atomic
def record_notice_delivery(
    *,
    actor: Actor,
    person: Person,
    given_on: date,
    language: str,
    with_interpreter: bool,
    interpreter: str = "",
) -> NoticeDelivery:
    _require(actor, person, "datarights.notice")
    _not_future("given_on", given_on)
    if language not in DocumentLanguage.values or language == DocumentLanguage.OTHER:
        raise ValidationError({"language": "Choisissez la langue de la notice remise."})
    if interpreter.strip() and not with_interpreter:
        raise ValidationError(
            {"interpreter": "Cochez « en présence d'un interprète » ou laissez ce champ vide."}
        )
    delivery = NoticeDelivery.objects.create(
        person=person,
        organisation=actor.organisation,
        given_on=given_on,
        language=language,
        with_interpreter=with_interpreter,
        interpreter=interpreter.strip() if with_interpreter else "",
        recorded_by=actor.user,
    )
    audit.record(actor, "create", delivery, detail=f"notice d'information remise ({language})")
    audit.record(actor, "update", person, detail="notice d'information remise")
    return delivery


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_export(
    *, actor: Actor, person: Person, rights_request: RightsRequest | None = None
) -> tuple[AccessExport, str, str]:
    """Build the person's access export now (measured: tens of milliseconds for a full record, docs) and
    return it with its password and its download token, both shown once to the actor and never stored."""
    _require(actor, person, "datarights.export")
    if rights_request is not None and rights_request.person_id != person.pk:
        raise PermissionDenied
    started = time.perf_counter()
    now = timezone.now()
    password = export.new_password()
    collected = export.collect(actor, person)
    built = export.build_archive(
        actor=actor, person=person, password=password, collected=collected, generated_at=now
    )
    token = secrets.token_urlsafe(32)
    record = AccessExport(
        departement=person.departement,
        person=person,
        organisation=actor.organisation,
        requested_by=actor.user,
        rights_request=rights_request,
        size=len(built.content),
        file_count=built.file_count,
        token_hash=_token_hash(token),
        expires_at=now + timedelta(minutes=rules.EXPORT_LINK_MINUTES),
    )
    record.file.save("export.zip", ContentFile(built.content), save=False)  # sealed by the storage
    record.build_ms = round((time.perf_counter() - started) * 1000)
    record.save()
    audit.record(actor, "share", person, detail="export des données de la personne (droit d'accès)")
    return record, password, token


class ExportUnavailable(Exception):
    """The link was used already, has expired, or does not exist: a French page, no byte of anything."""


@transaction.atomic
def take_export(*, actor: Actor, token: str) -> tuple[AccessExport, bytes]:
    """The archive's bytes, once: the row is marked downloaded and the stored file deleted in the same
    transaction (the file after commit). Only the actor who built it may take it."""
    record = (
        AccessExport.objects.select_for_update()
        .select_related("person__departement")
        .filter(token_hash=_token_hash(token), requested_by=actor.user, departement=actor.departement)
        .first()
    )
    if record is None or record.downloaded_at or not record.file or record.expires_at <= timezone.now():
        raise ExportUnavailable
    with record.file.open("rb") as handle:
        content = handle.read()
    name = record.file.name
    storage = record.file.storage
    record.downloaded_at = timezone.now()
    record.file = ""
    record.save(update_fields=["downloaded_at", "file", "updated_at"])
    audit.record(actor, "download", record.person, detail="export des données de la personne téléchargé")
    transaction.on_commit(lambda: storage.delete(name))
    return record, content


def purge_expired_exports(*, now=None) -> int:
    """Delete the stored archives whose link has expired without being used (the row stays, as a record of
    the export). Called by `manage.py purge_access_exports` (every minute with the other sweeps)."""
    now = now or timezone.now()
    count = 0
    for record in AccessExport.objects.filter(expires_at__lte=now).exclude(file=""):
        name, storage = record.file.name, record.file.storage
        AccessExport.objects.filter(pk=record.pk).update(file="")
        storage.delete(name)
        count += 1
    return count
