"""Synthetic appeals and hearings of the demo département (issue 14): a refusal of the register under a
recours gracieux, an AFIS stop whose notice was handed over (observations running), an end of pathway
considered (notice to hand over). Built through the services, like a user would."""

from __future__ import annotations

from datetime import timedelta

from parcours.appeals import services as appeals
from parcours.appeals.models import ProcedureKind
from parcours.commission.models import Letter, PrefectDecision
from parcours.core.roles import Role
from parcours.pathways.models import Afis, Pathway, PathwayState


def _worker_of(builder, organisation):
    for actor in builder.actors.values():
        if actor.organisation == organisation and actor.role in (
            Role.ASSOCIATION_WORKER,
            Role.ASSOCIATION_MANAGER,
        ):
            return actor
    return None


def build(builder) -> None:
    sec, today = builder.secretariat, builder.today
    refusal = (
        PrefectDecision.objects.filter(
            departement=sec.departement,
            state=PrefectDecision.State.SIGNED,
            outcome=PrefectDecision.Outcome.REFUSED,
        )
        .order_by("signed_on")
        .first()
    )
    if refusal is not None:
        letter = refusal.letters.filter(addressee=Letter.Addressee.PERSON, notified_on__isnull=True).first()
        worker = _worker_of(builder, refusal.pathway.association)
        if letter is not None and worker is not None:
            from parcours.commission import services as cs

            cs.record_letter_handover(
                actor=worker,
                letter=letter,
                day=max(refusal.signed_on, today - timedelta(days=3)),
                acknowledgement=Letter.Acknowledgement.SIGNED_RECEIPT,
            )
        appeals.record_appeal(
            actor=sec,
            obj=refusal,
            kind="gracieux",
            author="person",
            lodged_on=today,
            grounds="La personne demande que sa situation soit réexaminée : elle a trouvé un "
            "hébergement stable.",
        )
    active = Pathway.objects.filter(departement=sec.departement, state=PathwayState.ACTIVE).order_by(
        "created_at"
    )
    with_afis = active.filter(afis__status=Afis.Status.GRANTED).first()
    if with_afis is not None:
        worker = _worker_of(builder, with_afis.association)
        procedure = appeals.start_procedure(
            actor=sec,
            kind=ProcedureKind.AFIS_STOP,
            pathway=with_afis,
            grounds="la personne n'a plus participé aux actions d'insertion prévues depuis trois mois",
        )
        if worker is not None:
            appeals.record_notice_handover(
                actor=worker, procedure=procedure, day=today, acknowledgement="signed_receipt"
            )
    other = active.exclude(pk=getattr(with_afis, "pk", None)).first()
    if other is not None:
        appeals.start_procedure(
            actor=sec,
            kind=ProcedureKind.END,
            pathway=other,
            grounds="les engagements du document de suivi ne sont plus tenus malgré plusieurs relances",
        )
