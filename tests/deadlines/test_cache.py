"""The « À traiter » board cached until the records it reads change (parcours.deadlines.cache): a version
the database (PostgreSQL or SQLite) increases in the same transaction as any write to those tables; the
names an association's worker reads are looked up (and journaled) at every request."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.core.data_version import sqlite_trigger_name
from parcours.core.models import AuditEvent
from parcours.deadlines.cache import SOURCE_TABLES, TRIGGER_FUNCTION, board_version
from parcours.deadlines.selectors import board_for
from parcours.pathways import services as psp
from parcours.pathways.models import Request, RequestState
from tests.conftest import client_for, drive_to_decision
from tests.data_version_triggers import watched_tables
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_every_table_the_board_reads_is_watched(actors):
    """Every role's board, every provider: the tables read are all in SOURCE_TABLES (a new source without
    its trigger would leave a cached board stale)."""
    with CaptureQueriesContext(connection) as captured:
        for actor in actors.values():
            board_for(actor, date(2026, 6, 1))
    read = {t for q in captured for t in re.findall(r'(?:FROM|JOIN) "([a-z_0-9]+)"', q["sql"])}
    assert read, "no query captured"
    assert read <= set(SOURCE_TABLES), sorted(read - set(SOURCE_TABLES))


def test_each_watched_table_has_its_trigger():
    assert watched_tables(TRIGGER_FUNCTION) == set(SOURCE_TABLES)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds a table to alter it")
def test_triggers_lost_with_a_rebuilt_table_come_back_after_migrate():
    """Django alters a SQLite table by copying it into a new one: its triggers are gone until the next
    `migrate`, which puts back every missing one (post_migrate)."""
    table = SOURCE_TABLES[0]
    with connection.cursor() as cursor:
        name = sqlite_trigger_name(TRIGGER_FUNCTION, table, "UPDATE")
        cursor.execute(f"DROP TRIGGER {name}")
    assert table not in watched_tables(TRIGGER_FUNCTION)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert watched_tables(TRIGGER_FUNCTION) == set(SOURCE_TABLES)


def test_any_write_to_a_watched_table_changes_the_version(settings, actors, association):
    settings.PARCOURS_BOARD_CACHE_SECONDS = 3600
    worker = actors["association_worker"]
    versions = [board_version()]
    person = PersonFactory(organisation=association, created_by=worker.user)  # INSERT
    versions.append(board_version())
    pathway = psp.start_pathway(actor=worker, person=person)
    versions.append(board_version())
    Request.objects.filter(pathway=pathway).update(state=RequestState.SUBMITTED)  # bulk UPDATE
    versions.append(board_version())
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute("UPDATE pathways_request SET kind = kind WHERE pathway_id = %s", [pathway.pk])
    versions.append(board_version())
    assert versions == sorted(set(versions)), versions  # strictly increasing


def _submitted(actors, association, n: int, today: date) -> list:
    worker = actors["association_worker"]
    pathways = [
        psp.start_pathway(
            actor=worker, person=PersonFactory(organisation=association, created_by=worker.user)
        )
        for _ in range(n)
    ]
    Request.objects.filter(pathway__in=pathways).update(
        state=RequestState.SUBMITTED, submitted_on=today - timedelta(days=3)
    )
    return pathways


def test_the_board_is_served_from_the_cache_until_a_request_is_transmitted(settings, actors, association):
    settings.PARCOURS_BOARD_CACHE_SECONDS = 3600
    today = timezone.localdate()
    _submitted(actors, association, 2, today)
    client = client_for(actors["secretariat"])

    def read() -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            page = html.unescape(client.get(reverse("home")).content.decode())
        return page, [q["sql"] for q in captured]

    count = re.compile(r'id="groupe-to_check".*?data-testid="board-count">(\d+)<', re.S)
    first, first_sql = read()
    again, again_sql = read()
    assert any("pathways_request" in sql for sql in first_sql)
    assert not any("pathways_request" in sql for sql in again_sql)  # from the cache
    assert len(again_sql) < len(first_sql) // 3
    assert count.search(first).group(1) == count.search(again).group(1) == "2"
    _submitted(actors, association, 1, today)
    after, after_sql = read()
    assert any("pathways_request" in sql for sql in after_sql)  # computed again
    assert count.search(after).group(1) == "3"


def test_a_cached_board_still_names_and_journals_the_workers_people_at_each_request(
    settings, actors, association
):
    settings.PARCOURS_BOARD_CACHE_SECONDS = 3600
    worker = actors["association_worker"]
    person = PersonFactory(organisation=association, created_by=worker.user, last_name="Pervenche")
    psp.start_pathway(actor=worker, person=person)
    client = client_for(worker)
    for _ in range(2):  # computed, then from the cache
        before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        page = html.unescape(client.get(reverse("home")).content.decode())
        assert f"PERVENCHE {person.first_name} ({person.pseudonym})" in page
        events = AuditEvent.objects.filter(pk__gt=before, action="view", object_type="people.person")
        assert [e.object_id for e in events] == [str(person.public_id)]


def test_the_cache_is_per_membership_and_per_day(settings, actors, association):
    """Another role never reads the secretariat's cached board, and another day is computed for that day
    (a period that ends in between moves from « se terminant » to « échues »), nothing written between."""
    settings.PARCOURS_BOARD_CACHE_SECONDS = 3600
    today = timezone.localdate()
    _submitted(actors, association, 1, today)
    worker = actors["association_worker"]
    pathway = psp.start_pathway(
        actor=worker, person=PersonFactory(organisation=association, created_by=worker.user)
    )
    drive_to_decision(actors, pathway, day=today - timedelta(days=150))  # its period ends in about a month

    def keys(actor, day):
        return [s.key for s in board_for(actor, day) if s.items]

    version = board_version()
    assert "to_check" in keys(actors["secretariat"], today)
    assert "to_check" not in keys(worker, today)
    assert "periods_ending" in keys(actors["secretariat"], today)
    later = keys(actors["secretariat"], today + timedelta(days=45))
    assert "periods_over" in later and "periods_ending" not in later
    assert board_version() == version


def test_nothing_is_cached_with_a_cache_time_of_zero(settings):
    settings.PARCOURS_BOARD_CACHE_SECONDS = 3600
    assert board_version() is not None
    settings.PARCOURS_BOARD_CACHE_SECONDS = 0
    assert board_version() is None
