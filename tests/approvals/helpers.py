"""Build agrément applications in every state, through the services (shared by tests and matrix rows)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from parcours.approvals import rules
from parcours.approvals import services as approvals
from tests.conftest import pdf_upload

# A synthetic SIRET (valid check digit) and RNA number.
SIRET = "73282932000074"
RNA = "W991000042"


def fill(
    actor,
    application,
    *,
    declared_on: date | None = None,
    documents=rules.REQUIRED_DOCUMENTS,
    departements=None,
    siret=SIRET,
    rna=RNA,
):
    today = timezone.localdate()
    approvals.update_application(
        actor=actor,
        application=application,
        declared_on=declared_on or today - timedelta(days=365 * 5),
        staff_count=12,
        qualifications="Deux éducatrices spécialisées, une conseillère en insertion.",
        premises="Local d'accueil de jour, deux bureaux d'entretien.",
        siret=siret,
        rna=rna,
        departements=departements,
    )
    for kind in documents:
        approvals.add_document(actor=actor, application=application, kind=kind, uploaded=pdf_upload())
    return application


def draft(manager):
    return approvals.start_application(actor=manager)


def ready_draft(manager):
    return fill(manager, draft(manager))


def submitted(manager):
    application = ready_draft(manager)
    return approvals.submit_application(actor=manager, application=application)


def complete(manager, secretariat):
    """Declared complete: ready for the decision (the commission's opinion is optional by default)."""
    return approvals.mark_complete(actor=secretariat, application=submitted(manager))


def awaiting_opinion(manager, secretariat):
    """Complete and sent for the commission's opinion (asked by the secretariat, unless a setting requires
    it)."""
    application = complete(manager, secretariat)
    if application.state == "complete":
        application = approvals.ask_commission_opinion(actor=secretariat, application=application)
    return application


def reviewed(manager, secretariat, opinion="favourable"):
    application = awaiting_opinion(manager, secretariat)
    return approvals.record_commission_opinion(
        actor=secretariat,
        application=application,
        opinion=opinion,
        day=timezone.localdate(),
        motive="Association reconnue, équipe qualifiée.",
    )


def back_date(application, days: int):
    """Move the file's receipt (and completeness) `days` into the past, to run the clocks."""
    fields = {}
    for name in ("submitted_on", "received_on", "complete_on"):
        if getattr(application, name):
            fields[name] = getattr(application, name) - timedelta(days=days)
    type(application).objects.filter(pk=application.pk).update(**fields)
    application.refresh_from_db()
    return application
