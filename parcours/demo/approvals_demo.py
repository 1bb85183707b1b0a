"""Demo histories of agréments (synthetic associations only).

- L'Escale: a first agrément, renewed last year without a gap (the renewal went through the commission);
- Horizons Solidaires: an older agrément, then one granted about 2 years and 9 months ago that expires within
  6 months (on the boards: "préparez le renouvellement");
- Nouvelle Rive: its agrément expired a month ago; its renewal, sent 20 days ago, is in instruction with the
  completeness clock running;
- Le Fil d'Ariane (new): a first application returned as incomplete;
- Entr'aide du Val (new): a complete first application sent for the commission's (optional) opinion;
- La Passerelle (new): an agrément withdrawn in the past.

The agréments in force on every day since the demo's start are kept: the PSP requests of L'Escale and Horizons
were sent while they held a valid agrément.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
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
from parcours.core import dates
from parcours.core.access import Actor
from parcours.core.models import Membership, Organisation, OrganisationKind, User
from parcours.core.roles import Role
from parcours.demo.files import blank_pdf


@contextmanager
def dated(day: date):
    """Give the agrément events written inside the block the simulated date."""
    # By primary key, not by a clock window (which caught a load-dependent share of earlier rows).
    last_event = AgrementEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    last_application = AgrementApplication.objects.aggregate(last=Max("pk"))["last"] or 0
    yield
    moment = timezone.make_aware(datetime.combine(day, time(11, 0)))
    AgrementEvent.objects.filter(pk__gt=last_event).update(at=moment)
    AgrementApplication.objects.filter(pk__gt=last_application).update(created_at=moment)


def _manager(builder, organisation: Organisation, username: str, first: str, last: str) -> Actor:
    from parcours.demo.generator import DEMO_PASSWORD

    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username=username,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.invalid",
    )
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=Role.ASSOCIATION_MANAGER
        )
    return Actor(user, membership)


def _historic(builder, organisation, *, start: date, reference: str, decided_on: date, kind, previous=None):
    """A past agrément and its granted application, written directly (dates long gone)."""
    agrement = Agrement.objects.create(
        organisation=organisation,
        reference=reference,
        valid_from=start,
        valid_until=rules.agrement_end(start),
    )
    application = AgrementApplication.objects.create(
        departement=organisation.departement,
        organisation=organisation,
        kind=kind,
        state=ApplicationState.GRANTED,
        created_by=builder.secretariat.user,
        declared_on=date(2008, 9, 15),
        staff_count=8,
        qualifications="Éducatrices spécialisées, conseillère en économie sociale et familiale, psychologue.",
        premises="Accueil de jour et bureaux d'entretien en centre-ville.",
        submitted_on=decided_on - timedelta(days=120),
        received_on=decided_on - timedelta(days=120),
        complete_on=decided_on - timedelta(days=100),
        opinion="favourable",
        opinion_date=decided_on - timedelta(days=30),
        opinion_motive="Association expérimentée, équipe qualifiée.",
        decision="granted",
        decided_on=decided_on,
        decision_reference=reference,
        agrement=agrement,
        previous=previous,
    )
    for day, name, label in (
        (application.submitted_on, "submit", "Dossier déposé à la préfecture"),
        (application.complete_on, "mark_complete", "Dossier déclaré complet"),
        (application.opinion_date, "review", "Avis de la commission : favorable"),
        (decided_on, "grant", f"Agrément accordé — arrêté {reference}"),
    ):
        AgrementEvent.objects.create(
            organisation=organisation,
            application=application,
            agrement=agrement if name == "grant" else None,
            at=timezone.make_aware(datetime.combine(day, time(10, 0))),
            day=day,
            name=name,
            label=label,
            user=builder.secretariat.user,
            role=builder.secretariat.role,
        )
    return agrement


def _file(actor: Actor, day: date, *, declared_on=date(2010, 3, 2), skip=()) -> AgrementApplication:
    with dated(day):
        application = approvals.start_application(actor=actor, today=day)
        approvals.update_application(
            actor=actor,
            application=application,
            declared_on=declared_on,
            staff_count=6,
            qualifications="Deux éducatrices spécialisées, une assistante sociale, bénévoles formés.",
            premises="Local d'accueil avec deux bureaux d'entretien confidentiels.",
            rna=f"W99{application.organisation_id:07d}",  # synthetic RNA number
            today=day,
        )
        for kind in rules.REQUIRED_DOCUMENTS:
            if kind in skip:
                continue
            upload = SimpleUploadedFile(f"{kind}.pdf", blank_pdf(), content_type="application/pdf")
            approvals.add_document(actor=actor, application=application, kind=kind, uploaded=upload)
    return application


def build(builder) -> None:
    today, orgs, secretariat = builder.today, builder.orgs, builder.secretariat
    departement = orgs[0].departement
    escale, horizons, nouvelle_rive = orgs[3], orgs[4], orgs[5]

    # L'Escale: first agrément (kept from the generator), renewed without a gap.
    first = Agrement.objects.get(organisation=escale)
    first.valid_until = rules.agrement_end(first.valid_from)
    first.save()
    AgrementApplication.objects.create(
        departement=departement,
        organisation=escale,
        kind=ApplicationKind.FIRST,
        state=ApplicationState.GRANTED,
        created_by=secretariat.user,
        decision="granted",
        decided_on=first.valid_from,
        decision_reference=first.reference,
        agrement=first,
    )
    manager = builder.actors["escale.resp"]
    submitted_on = first.valid_until - timedelta(days=150)
    renewal = _file(manager, submitted_on)
    with dated(submitted_on):
        approvals.submit_application(actor=manager, application=renewal, today=submitted_on)
    with dated(submitted_on + timedelta(days=20)):
        approvals.mark_complete(
            actor=secretariat, application=renewal, today=submitted_on + timedelta(days=20)
        )
        # The commission's opinion is optional (R. 121-12-3 CASF): the secretariat asked for it on this file.
        approvals.ask_commission_opinion(
            actor=secretariat, application=renewal, today=submitted_on + timedelta(days=20)
        )
    with dated(submitted_on + timedelta(days=60)):
        approvals.record_commission_opinion(
            actor=secretariat,
            application=renewal,
            opinion="favourable",
            day=submitted_on + timedelta(days=60),
            motive="Actions menées conformes au projet ; équipe renforcée.",
        )
    with dated(submitted_on + timedelta(days=90)):
        approvals.decide(
            actor=builder.prefect,
            application=renewal,
            decision="granted",
            day=submitted_on + timedelta(days=90),
            reference=f"ARR-99-{(submitted_on + timedelta(days=90)).year}-077",
        )

    # The first agrément now ends at its legal term: the requests L'Escale sent after it were sent under the
    # renewed one (a request carries the agrément in force when it was sent, pathways.models.Request).
    _attach_agrement_in_force(escale, first)

    # Horizons Solidaires: an older agrément, then the current one, expiring within 6 months.
    Agrement.objects.filter(organisation=horizons).delete()
    current_start = today - timedelta(days=1000)
    older_start = dates.add_months(current_start, -rules.AGREMENT_VALIDITY_MONTHS)
    older = _historic(
        builder,
        horizons,
        start=older_start,
        reference=f"ARR-99-{older_start.year}-009",
        decided_on=older_start,
        kind=ApplicationKind.FIRST,
    )
    current_start = older.valid_until + timedelta(days=1)
    _historic(
        builder,
        horizons,
        start=current_start,
        reference=f"ARR-99-{current_start.year}-031",
        decided_on=current_start - timedelta(days=25),
        kind=ApplicationKind.RENEWAL,
        previous=older,
    )

    # Nouvelle Rive: expired a month ago; its renewal is in instruction, completeness clock running.
    expired = Agrement.objects.get(organisation=nouvelle_rive)
    expired.valid_until = today - timedelta(days=30)
    expired.valid_from = dates.add_months(
        expired.valid_until + timedelta(days=1), -rules.AGREMENT_VALIDITY_MONTHS
    )
    expired.save()
    rive = _manager(builder, nouvelle_rive, "rive.resp", "Nora", "Responsable-Rive")
    day = today - timedelta(days=20)
    application = _file(rive, day)
    with dated(day):
        approvals.submit_application(actor=rive, application=application, today=day)

    # Le Fil d'Ariane: a first application returned as incomplete.
    ariane = Organisation.objects.create(
        departement=departement,
        name="Association Le Fil d'Ariane",
        kind=OrganisationKind.ASSOCIATION,
        email="contact-ariane@demo.invalid",
    )
    ariane_manager = _manager(builder, ariane, "ariane.resp", "Rémi", "Responsable-Ariane")
    day = today - timedelta(days=45)
    application = _file(ariane_manager, day, declared_on=date(2019, 6, 1))
    with dated(day):
        approvals.submit_application(actor=ariane_manager, application=application, today=day)
    with dated(today - timedelta(days=25)):
        approvals.return_incomplete(
            actor=secretariat,
            application=application,
            missing=[
                rules.DOCUMENT_LABELS[rules.DOC_ACCOUNTS],
                "Qualifications des intervenants à détailler",
            ],
            comment="Merci de joindre les comptes approuvés par l'assemblée générale.",
            today=today - timedelta(days=25),
        )

    # Entr'aide du Val: complete, awaiting the commission's opinion (tacit approval clock running).
    val = Organisation.objects.create(
        departement=departement,
        name="Association Entr'aide du Val",
        kind=OrganisationKind.ASSOCIATION,
        email="contact-val@demo.invalid",
    )
    val_manager = _manager(builder, val, "val.resp", "Jade", "Responsable-Val")
    day = today - timedelta(days=75)
    application = _file(val_manager, day, declared_on=date(2012, 1, 20))
    with dated(day):
        approvals.submit_application(actor=val_manager, application=application, today=day)
    with dated(today - timedelta(days=50)):
        approvals.mark_complete(actor=secretariat, application=application, today=today - timedelta(days=50))
        approvals.ask_commission_opinion(
            actor=secretariat, application=application, today=today - timedelta(days=50)
        )

    # La Passerelle: granted long ago, withdrawn when its accompaniment service closed.
    passerelle = Organisation.objects.create(
        departement=departement,
        name="Association La Passerelle (agrément retiré)",
        kind=OrganisationKind.ASSOCIATION,
        email="contact-passerelle@demo.invalid",
    )
    start = today - timedelta(days=1400)
    agrement = _historic(
        builder,
        passerelle,
        start=start,
        reference=f"ARR-99-{start.year}-012",
        decided_on=start,
        kind=ApplicationKind.FIRST,
    )
    # Decided on paper before Parcours (a withdrawal considered now goes through the prior adversarial
    # procedure): the notice of intent received a month before, the decision notified and in effect that day.
    day = today - timedelta(days=500)
    with dated(day):
        approvals.withdraw_agrement(
            actor=secretariat,
            agrement=agrement,
            day=day,
            motive="Fermeture du service d'accompagnement : plus aucun personnel qualifié.",
            hearing_notice_on=day - timedelta(days=30),
            notified_on=day,
        )


def _attach_agrement_in_force(organisation, shortened) -> None:
    """Each request filed under `shortened` but sent after its end points at the agrément in force on the day
    it was sent (started, when not sent yet)."""
    from parcours.approvals.selectors import agrement_in_force
    from parcours.pathways.models import Request

    for request in Request.objects.filter(agrement=shortened):
        sent = request.submitted_on or timezone.localtime(request.created_at).date()
        if sent > shortened.valid_until:
            request.agrement = agrement_in_force(organisation, sent)
            request.save(update_fields=["agrement"])
