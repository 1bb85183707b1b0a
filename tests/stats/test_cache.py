"""Dashboard pages cached until the data they are computed from change (parcours.stats.cache): a version
the database (PostgreSQL or SQLite) increases in the same transaction as any write to the tables the
indicators read."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.core.data_version import sqlite_trigger_name
from parcours.core.roles import Role
from parcours.referrals.models import AgeBand, Detection
from parcours.stats import kit
from parcours.stats.cache import SOURCE_TABLES, TRIGGER_FUNCTION, data_version
from parcours.stats.publication import Audience, measures_for
from parcours.stats.registry import Scope
from tests.conftest import client_for
from tests.data_version_triggers import watched_tables
from tests.factories import DetectionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
URL = reverse("stats:dashboard")


def test_every_table_the_indicators_read_is_watched(actors):
    """Every measure, every breakdown, for the département and for one organisation: the tables read are all
    in SOURCE_TABLES (a new source without its trigger would leave a cached page stale)."""
    departement = actors[Role.SECRETARIAT].departement
    organisation = OrganisationFactory(departement=departement, kind="association")
    with CaptureQueriesContext(connection) as captured, kit.labels_read_once():
        for scope_organisation in (None, organisation):
            scope = Scope(departement, date(2026, 1, 1), date(2026, 12, 31), scope_organisation)
            for measure in measures_for(Audience.SECRETARIAT):
                for by in (None, *measure.breakdowns):
                    measure.evaluate(scope, by)
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


def test_any_write_to_a_watched_table_changes_the_version(settings, actors):
    settings.PARCOURS_STATS_CACHE_SECONDS = 3600
    partner = actors[Role.PARTNER_ADVISOR].organisation
    versions = [data_version()]
    detection = DetectionFactory(organisation=partner, departement=partner.departement)  # INSERT
    versions.append(data_version())
    Detection.objects.filter(pk=detection.pk).update(age_band=AgeBand.FROM_18_TO_21)  # bulk UPDATE
    versions.append(data_version())
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute("UPDATE referrals_detection SET age_band = age_band WHERE id = %s", [detection.pk])
    versions.append(data_version())
    assert versions == sorted(set(versions)), versions  # strictly increasing


def test_the_dashboard_is_served_from_the_cache_until_a_detection_is_recorded(settings, actors):
    settings.PARCOURS_STATS_CACHE_SECONDS = 3600
    partner = actors[Role.PARTNER_ADVISOR].organisation
    params = {"domaine": "reperage", "annee": 2027}
    with time_machine.travel(date(2027, 6, 15), tick=False):
        client = client_for(actors[Role.SECRETARIAT])
        DetectionFactory.create_batch(
            12, organisation=partner, departement=partner.departement, detected_on=date(2027, 3, 1)
        )

        def read() -> tuple[str, list[str]]:
            with CaptureQueriesContext(connection) as captured:
                page = client.get(URL, params).content.decode()
            return page, [q["sql"] for q in captured]

        first, first_sql = read()
        again, again_sql = read()
        assert any("referrals_detection" in sql for sql in first_sql)
        assert not any("referrals_detection" in sql for sql in again_sql)  # from the cache
        assert len(again_sql) < len(first_sql) // 2
        section = 'data-code="referrals.detections"'
        total = re.compile(r'data-testid="value-current">([^<]+)<')

        def current(page):
            return total.search(page[page.index(section) :]).group(1)

        assert current(first) == current(again) == "12"
        DetectionFactory(organisation=partner, departement=partner.departement, detected_on=date(2027, 3, 2))
        after, after_sql = read()
        assert any("referrals_detection" in sql for sql in after_sql)  # computed again
        assert current(after) == "13"


def test_nothing_is_cached_with_a_cache_time_of_zero(settings):
    settings.PARCOURS_STATS_CACHE_SECONDS = 3600
    assert data_version() is not None
    settings.PARCOURS_STATS_CACHE_SECONDS = 0
    assert data_version() is None
