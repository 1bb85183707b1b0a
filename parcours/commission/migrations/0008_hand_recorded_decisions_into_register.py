"""Every decision recorded by hand on a pathway (before the register) becomes an entry of the one yearly
register of the prefect's decisions (ADR 0014): its register number follows the département's sequence
in the order of the decision dates, its old reference is kept as the external reference, and the
request's reference becomes the register number. The act and the letters are produced afterwards from
the decision's page (« Produire l'acte et les courriers »): a migration renders no document."""

from django.db import migrations


def into_register(apps, schema_editor):
    Request = apps.get_model("pathways", "Request")
    PrefectDecision = apps.get_model("commission", "PrefectDecision")
    DecisionSequence = apps.get_model("commission", "DecisionSequence")
    hand_recorded = (
        Request.objects.exclude(decision="")
        .filter(decision_date__isnull=False, prefect_decision__isnull=True)
        .select_related("pathway")
        .order_by("decision_date", "created_at")
    )
    for request in hand_recorded:
        departement_id = request.pathway.departement_id
        year = request.decision_date.year
        sequence, _ = DecisionSequence.objects.get_or_create(departement_id=departement_id, year=year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        reference = f"{year}-{sequence.last_number:04d}"
        PrefectDecision.objects.create(
            departement_id=departement_id,
            request=request,
            origin="outside",
            outcome=request.decision,
            external_reference=request.decision_reference,
            state="signed",
            year=year,
            number=sequence.last_number,
            reference=reference,
            signed_on=request.decision_date,
        )
        Request.objects.filter(pk=request.pk).update(decision_reference=reference)


class Migration(migrations.Migration):
    dependencies = [
        ("commission", "0007_decision_register"),
        ("pathways", "0004_encrypt_comments_and_motives"),
    ]

    operations = [migrations.RunPython(into_register, migrations.RunPython.noop)]
