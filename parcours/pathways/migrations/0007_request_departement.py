"""A request carries its pathway's département (copied), with (département, état) indexes on requests and
pathways: a département's requests in a state are read without joining every pathway of the country."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_departement(apps, schema_editor):
    Pathway = apps.get_model("pathways", "Pathway")
    Request = apps.get_model("pathways", "Request")
    Request.objects.update(
        departement=Subquery(Pathway.objects.filter(pk=OuterRef("pathway_id")).values("departement_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("pathways", "0006_request_agrement_from_register"),
    ]

    operations = [
        migrations.AddField(
            model_name="request",
            name="departement",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.departement",
            ),
        ),
        migrations.RunPython(copy_departement, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="request",
            name="departement",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.departement",
            ),
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(fields=["departement", "state"], name="request_departement_state"),
        ),
        migrations.AddIndex(
            model_name="pathway",
            index=models.Index(fields=["departement", "state"], name="pathway_departement_state"),
        ),
    ]
