"""Turn every agrément recorded before the procedure existed into a granted application with its dates."""

from datetime import datetime, time

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Agrement = apps.get_model("approvals", "Agrement")
    Application = apps.get_model("approvals", "AgrementApplication")
    Event = apps.get_model("approvals", "AgrementEvent")
    pending = Agrement.objects.filter(application__isnull=True).select_related("organisation")
    for agrement in pending.order_by("organisation_id", "valid_from", "pk"):
        organisation = agrement.organisation
        previous = (
            Agrement.objects.filter(organisation=organisation, valid_from__lt=agrement.valid_from)
            .order_by("-valid_from")
            .first()
        )
        withdrawn = agrement.withdrawn_on is not None
        application = Application.objects.create(
            departement_id=organisation.departement_id,
            organisation=organisation,
            kind="renewal" if previous else "first",
            previous=previous,
            state="withdrawn" if withdrawn else "granted",
            decision="granted",
            decided_on=agrement.valid_from,
            decision_reference=agrement.reference,
            decision_motive="Agrément enregistré avant la procédure en ligne (reprise des données).",
            agrement=agrement,
        )
        moment = timezone.make_aware(datetime.combine(agrement.valid_from, time(12)))
        Event.objects.create(
            organisation=organisation,
            application=application,
            agrement=agrement,
            at=moment,
            day=agrement.valid_from,
            name="grant",
            label=f"Agrément accordé (reprise des données) — arrêté {agrement.reference}",
            to_state="granted",
        )
        if withdrawn:
            Event.objects.create(
                organisation=organisation,
                application=application,
                agrement=agrement,
                at=timezone.make_aware(datetime.combine(agrement.withdrawn_on, time(12))),
                day=agrement.withdrawn_on,
                name="withdraw",
                label="Agrément retiré (reprise des données)",
                from_state="granted",
                to_state="withdrawn",
            )


def backwards(apps, schema_editor):
    Application = apps.get_model("approvals", "AgrementApplication")
    Application.objects.filter(decision_motive__startswith="Agrément enregistré avant la procédure").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0003_agrement_procedure"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
