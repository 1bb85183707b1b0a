"""A request carries its pathway's département (copied, for the (département, état) index): every way of
creating a request sets it, the data migration fills it for existing requests, and a département's reads of
requests go through it."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

import parcours
from parcours.core.models import OrganisationKind
from parcours.pathways import services as psp
from parcours.pathways.models import Request
from parcours.pathways.selectors import requests_visible_to
from tests.conftest import client_for, drive_to_decision
from tests.factories import (
    AgrementFactory,
    DepartementFactory,
    OrganisationFactory,
    PersonFactory,
    make_actor,
)
from tests.pathways.test_services import extend_agrement, renew

pytestmark = pytest.mark.django_db


def test_every_request_created_by_the_services_carries_its_pathways_departement(actors, association, pathway):
    day = timezone.localdate() - timedelta(days=170)
    extend_agrement(association, day - timedelta(days=30))
    drive_to_decision(actors, pathway, day=day)
    renew(actors, pathway, day=timezone.localdate())
    requests = list(Request.objects.filter(pathway=pathway).order_by("created_at"))
    assert [r.kind for r in requests] == ["initial", "renewal"]
    assert {r.departement_id for r in requests} == {pathway.departement_id}


def _creations_of_requests(tree: ast.AST):
    """Calls that create a Request: Request(...), Request.objects.create(...), bulk_create of Request(...)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "Request":
            yield node
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("create", "get_or_create", "update_or_create")
            and isinstance(func.value, ast.Attribute)
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "Request"
        ):
            yield node


def test_every_place_that_creates_a_request_sets_its_departement():
    """The column cannot be checked against the pathway's by a database constraint (two tables): every
    creation in the code names it (and NOT NULL refuses a request without one)."""
    root = Path(parcours.__file__).parent
    creations = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for call in _creations_of_requests(ast.parse(path.read_text())):
            keywords = {k.arg for k in call.keywords}
            creations.append(
                (path.relative_to(root), call.lineno, bool(keywords & {"departement", "departement_id"}))
            )
    assert len(creations) >= 2  # the first request and the renewal
    assert [c for c in creations if not c[2]] == []


def test_a_departements_lists_ignore_the_requests_of_another(actors, association, pathway):
    other = OrganisationFactory(
        departement=DepartementFactory(code="98", name="Autre"), kind=OrganisationKind.ASSOCIATION
    )
    AgrementFactory(organisation=other)
    worker = make_actor("association_worker", other)
    foreign = psp.start_pathway(
        actor=worker, person=PersonFactory(organisation=other, created_by=worker.user)
    )
    assert foreign.requests.get().departement_id == other.departement_id
    assert list(requests_visible_to(actors["secretariat"])) == [pathway.requests.get()]
    listed = client_for(actors["secretariat"]).get(reverse("pathways:list") + "?demande=draft")
    assert [p.pk for p in listed.context["page"]] == [pathway.pk]


BEFORE = [("pathways", "0006_request_agrement_from_register")]
AFTER = [("pathways", "0007_request_departement")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_each_pathways_departement_to_its_requests():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        departements = [
            old.get_model("core", "Departement").objects.create(code=code, name=f"Test migration {code}")
            for code in ("96", "97")
        ]
        user = old.get_model("core", "User").objects.create(username="migration-test")
        pathway_ids = []
        for n, departement in enumerate(departements):
            org = old.get_model("core", "Organisation").objects.create(
                departement=departement, name=f"Association migrée {n}", kind="association"
            )
            person = old.get_model("people", "Person").objects.create(
                departement=departement,
                organisation=org,
                pseudonym=f"MIG{n}",
                birth_date=date(1990, 1, 1),
                birth_year=1990,
                created_by=user,
            )
            pathway = old.get_model("pathways", "Pathway").objects.create(
                departement=departement, person=person, association=org, created_by=user
            )
            old.get_model("pathways", "Request").objects.create(pathway=pathway)
            pathway_ids.append(pathway.pk)
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        rows = new.get_model("pathways", "Request").objects.filter(pathway_id__in=pathway_ids)
        assert sorted(rows.values_list("departement__code", flat=True)) == ["96", "97"]
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
        # What `migrate` does after its migrations: SQLite's triggers lost with a rebuilt table put back.
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
        from parcours.core.models import Departement, Organisation, User
        from parcours.pathways.models import Pathway
        from parcours.people.models import Person

        Request.objects.filter(pathway__departement__code__in=["96", "97"]).delete()
        Pathway.objects.filter(departement__code__in=["96", "97"]).delete()
        Person.objects.filter(departement__code__in=["96", "97"]).delete()
        Organisation.objects.filter(departement__code__in=["96", "97"]).delete()
        Departement.objects.filter(code__in=["96", "97"]).delete()
        User.objects.filter(username="migration-test").delete()
