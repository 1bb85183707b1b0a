"""The data migration over the real migration history: a reason recorded before 0006 sets its flag."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("referrals", "0005_referral_withdrawal")]
AFTER = [("referrals", "0006_detection_no_transmission_justified")]


@pytest.mark.django_db(transaction=True)
def test_a_recorded_reason_marks_the_absence_of_transmission_justified():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        departement = old.get_model("core", "Departement").objects.create(code="97", name="Test migration")
        org = old.get_model("core", "Organisation").objects.create(
            departement=departement, name="Mission locale migrée", kind="mission_locale"
        )
        user = old.get_model("core", "User").objects.create(username="migration-referrals")
        detection = old.get_model("referrals", "Detection")
        common = {
            "departement": departement,
            "organisation": org,
            "created_by": user,
            "detected_on": date(2026, 1, 5),
            "sex": "F",
            "place_type": "hotel",
        }
        justified = detection.objects.create(
            pseudonym="R97-MIGR-0001",
            age_band="15_17",
            is_minor=True,
            no_transmission_reason="Déjà connue de la CRIP",
            **common,
        )
        waiting = detection.objects.create(
            pseudonym="R97-MIGR-0002", age_band="15_17", is_minor=True, **common
        )
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        flags = dict(
            new.get_model("referrals", "Detection")
            .objects.filter(departement_id=departement.pk)
            .values_list("pk", "no_transmission_justified")
        )
        assert flags == {justified.pk: True, waiting.pk: False}
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        # What `migrate` does after its migrations: SQLite's triggers lost with a rebuilt table put back.
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        from parcours.referrals.models import Detection

        Detection.objects.filter(departement__code="97").delete()
