"""Fuzzing in the suite (bench/fuzz.py at a smaller scale, docs/exploitation.md « Fuzzing »): every POST form
as every role of a synthetic country's first département, with random, malformed and hostile input and
other départements' and associations' objects as targets, then the REST API against its OpenAPI schema —
no server error, no write or read of a foreign object."""

from __future__ import annotations

import importlib.util
import logging
import random
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core import signals
from django.db import close_old_connections, transaction

from parcours.core.models import Departement
from parcours.referrals.models import DetectionIndicator
from tests.demo.test_country import SMALL, build

FUZZ = Path(__file__).resolve().parents[1] / "bench" / "fuzz.py"
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def fuzz(django_db_setup, django_db_blocker):
    """The bench's module, on a small synthetic country built once, rolled back at the end."""
    spec = importlib.util.spec_from_file_location("parcours_fuzz", FUZZ)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with django_db_blocker.unblock(), transaction.atomic():
        if not DetectionIndicator.objects.filter(departement__isnull=True).exists():
            import_module("parcours.referrals.migrations.0002_national_indicators").seed(apps, None)
        build(*SMALL)
        logging.disable(logging.CRITICAL)
        try:
            yield module, Departement.objects.order_by("code").first()
        finally:
            logging.disable(logging.NOTSET)
            transaction.set_rollback(True)


def test_forms_fuzzed_as_every_role_answer_no_5xx_and_touch_no_foreign_object(fuzz):
    module, departement = fuzz
    # In a savepoint rolled back after: what the fuzzer wrote does not reach the next test (in production
    # each request is its own transaction).
    with transaction.atomic():
        result = module.fuzz_forms(600, random.Random(2026), departement)
        transaction.set_rollback(True)
    assert result["requests"] >= 500
    assert not result["errors"], result["errors"]
    assert not result["findings"], result["findings"]
    assert {200, 302} <= set(result["statuses"])  # the fuzzer reached forms and acts, not only refusals


def test_the_api_fuzzed_from_its_schema_answers_no_5xx(fuzz):
    module, departement = fuzz
    # schemathesis calls the WSGI application itself, whose request signals close the database connection
    # (CONN_MAX_AGE 0) — here, the test's own transaction: kept open as Django's test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = module.fuzz_api(150, departement)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert result["requests"] >= 100
    assert not result["errors"], result["errors"]
    assert 200 in result["statuses"] and 401 in result["statuses"]
