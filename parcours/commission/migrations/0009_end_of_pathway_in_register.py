"""The end of a pathway decided by the prefect enters the one register (issue 11, item 5): a decision may
be about a pathway without a request; every decision names its pathway (filled from its request)."""

import django.db.models.deletion
import parcours.core.crypto
from django.conf import settings
from django.db import migrations, models


def fill_pathway(apps, schema_editor):
    Decision = apps.get_model("commission", "PrefectDecision")
    Request = apps.get_model("pathways", "Request")
    pathway_of = dict(Request.objects.values_list("pk", "pathway_id"))
    for decision in Decision.objects.filter(pathway__isnull=True).only("pk", "request_id"):
        Decision.objects.filter(pk=decision.pk).update(pathway_id=pathway_of[decision.request_id])


class Migration(migrations.Migration):

    dependencies = [
        ('commission', '0008_hand_recorded_decisions_into_register'),
        ('core', '0005_account_and_refusal_actions'),
        ('documents', '0005_letterhead'),
        ('pathways', '0006_request_agrement_from_register'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='prefectdecision',
            name='meeting_decision_has_its_item',
        ),
        migrations.AddField(
            model_name='prefectdecision',
            name='pathway',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='prefect_decisions', to='pathways.pathway', verbose_name='parcours'),
        ),
        migrations.RunPython(fill_pathway, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='prefectdecision',
            name='pathway',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='prefect_decisions', to='pathways.pathway', verbose_name='parcours'),
        ),
        migrations.AlterField(
            model_name='prefectdecision',
            name='motive',
            field=parcours.core.crypto.EncryptedTextField(blank=True, verbose_name='motifs (refus, fin du parcours)'),
        ),
        migrations.AlterField(
            model_name='prefectdecision',
            name='origin',
            field=models.CharField(choices=[('meeting', 'Après avis en séance, signée dans Parcours'), ('outside', 'Prise hors Parcours, enregistrée au registre'), ('secretariat', 'Préparée par le secrétariat, signée dans Parcours')], default='meeting', max_length=12, verbose_name='origine'),
        ),
        migrations.AlterField(
            model_name='prefectdecision',
            name='outcome',
            field=models.CharField(choices=[('authorised', 'Autorisation'), ('refused', 'Refus'), ('ended', 'Fin du parcours')], max_length=12, verbose_name='décision'),
        ),
        migrations.AlterField(
            model_name='prefectdecision',
            name='request',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='prefect_decision', to='pathways.request'),
        ),
        migrations.AddConstraint(
            model_name='prefectdecision',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('origin', 'meeting'), _negated=True), ('item__isnull', False), _connector='OR'), name='meeting_decision_has_its_item'),
        ),
        migrations.AddConstraint(
            model_name='prefectdecision',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('outcome', 'ended'), ('request__isnull', True)), models.Q(models.Q(('outcome', 'ended'), _negated=True), ('request__isnull', False)), _connector='OR'), name='decision_on_a_request_or_an_end'),
        ),
    ]
