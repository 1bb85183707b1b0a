"""The data migration over the real migration history: 0003 (schema) then 0004 (existing agréments)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("approvals", "0003_agrement_procedure")]
AFTER = [("approvals", "0004_applications_for_existing_agrements")]


@pytest.mark.django_db(transaction=True)
def test_existing_agrements_become_granted_applications():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        departement = old.get_model("core", "Departement").objects.create(code="97", name="Test migration")
        org = old.get_model("core", "Organisation").objects.create(
            departement=departement, name="Association migrée", kind="association"
        )
        agrement_model = old.get_model("approvals", "Agrement")
        agrement_model.objects.create(
            organisation=org,
            reference="ARR-2019-1",
            valid_from=date(2019, 1, 10),
            valid_until=date(2022, 1, 9),
        )
        agrement_model.objects.create(
            organisation=org,
            reference="ARR-2022-7",
            valid_from=date(2022, 1, 10),
            valid_until=date(2025, 1, 9),
            withdrawn_on=date(2023, 6, 1),
        )
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        applications = new.get_model("approvals", "AgrementApplication").objects.filter(
            organisation_id=org.pk
        )
        rows = sorted(applications.values_list("decision_reference", "kind", "state", "decided_on"))
        assert rows == [
            ("ARR-2019-1", "first", "granted", date(2019, 1, 10)),
            ("ARR-2022-7", "renewal", "withdrawn", date(2022, 1, 10)),
        ]
        events = new.get_model("approvals", "AgrementEvent").objects.filter(organisation_id=org.pk)
        assert sorted(events.values_list("name", flat=True)) == ["grant", "grant", "withdraw"]
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        # What `migrate` does after its migrations: SQLite's triggers lost with a rebuilt table put back.
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        from parcours.approvals.models import AgrementApplication, AgrementEvent

        AgrementEvent.objects.filter(organisation__departement__code="97").delete()
        AgrementApplication.objects.filter(departement__code="97").delete()
