"""Anonymisations and transfers to the archives (parcours.retention.models), and the retention regimes as
dated settings with their sources (parcours.retention.rules, docs/regles.md), to confirm."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

SETTINGS = [
    (
        "retention.follow_up_years",
        {"years": 2},
        "CNIL, référentiel « secteur social et médico-social » (délibération n° 2021-055 du 15 avril 2021) — "
        "2 ans après le dernier contact, à confirmer",
    ),
    (
        "retention.state_acts_dua_years",
        {"years": 5},
        "Code du patrimoine, art. L. 212-2 et L. 212-3 ; instruction DAF/DPACI/RES/2009/018 (archives des "
        "préfectures) — DUA 5 ans après l'année de l'acte, puis versement, à confirmer avec les Archives "
        "départementales",
    ),
    (
        "retention.audit_months",
        {"months": 12},
        "CNIL, recommandation relative à la journalisation (délibération n° 2021-122 du 14 octobre 2021) — "
        "6 mois à 1 an ; 12 mois retenus, à confirmer",
    ),
]


def seed(apps, schema_editor):
    from datetime import date

    RuleSetting = apps.get_model("core", "RuleSetting")
    for key, value, source in SETTINGS:
        RuleSetting.objects.get_or_create(
            key=key,
            effective_from=date(2021, 4, 15),
            defaults={"value": value, "source": source, "confirmed": False},
        )


def unseed(apps, schema_editor):
    RuleSetting = apps.get_model("core", "RuleSetting")
    RuleSetting.objects.filter(key__in=[key for key, _, _ in SETTINGS]).delete()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('core', '0008_audit_monthly_partitions_and_anchors'),
        ('people', '0006_identity_document'),
        ('referrals', '0004_retention_settings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Anonymisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                ('done_on', models.DateField(verbose_name='anonymisée le')),
                ('last_contact', models.DateField(verbose_name='dernier contact')),
                ('person', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='anonymisation', to='people.person')),
            ],
            options={
                'verbose_name': "anonymisation d'un dossier",
            },
        ),
        migrations.CreateModel(
            name='ArchiveTransfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                ('year', models.PositiveSmallIntegerField(verbose_name='année des actes')),
                ('state', models.CharField(choices=[('due', 'À verser'), ('exported', 'Exporté, à remettre aux archives'), ('transferred', 'Versé (bordereau enregistré)'), ('copy_removed', "Versé, copie de l'application retirée")], default='due', max_length=15, verbose_name='état')),
                ('acts', models.PositiveIntegerField(default=0, verbose_name='actes')),
                ('marked_on', models.DateField(verbose_name='à verser depuis le')),
                ('exported_at', models.DateTimeField(blank=True, null=True, verbose_name='exporté le')),
                ('archive_name', models.CharField(blank=True, max_length=200, verbose_name='archive')),
                ('archive_sha256', models.CharField(blank=True, max_length=64, verbose_name="empreinte SHA-256 de l'archive")),
                ('manifest', models.JSONField(blank=True, default=dict, verbose_name='manifeste')),
                ('transferred_on', models.DateField(blank=True, null=True, verbose_name='versé le')),
                ('archives_reference', models.CharField(blank=True, max_length=100, verbose_name='référence du bordereau aux archives')),
                ('copy_removed_at', models.DateTimeField(blank=True, null=True, verbose_name='copie retirée le')),
                ('departement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.departement')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'versement aux archives',
                'verbose_name_plural': 'versements aux archives',
                'ordering': ['departement', 'year'],
                'constraints': [models.UniqueConstraint(fields=('departement', 'year'), name='one_transfer_per_departement_year'), models.CheckConstraint(condition=models.Q(models.Q(('state__in', ['transferred', 'copy_removed']), _negated=True), models.Q(('transferred_on__isnull', False), models.Q(('archives_reference', ''), _negated=True), models.Q(('archive_sha256', ''), _negated=True)), _connector='OR'), name='transfer_recorded_with_its_bordereau')],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]

