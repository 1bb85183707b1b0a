"""Measures registered for the dashboard tests only (the apps' own measures.py are written elsewhere)."""

from __future__ import annotations

import pytest
from django.db.models import Count

from parcours.referrals.models import AgeBand, Detection
from parcours.stats import registry
from parcours.stats.registry import Measure, Scope

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def _detections(scope: Scope):
    qs = Detection.objects.filter(departement=scope.departement, detected_on__range=(scope.start, scope.end))
    return qs.filter(organisation=scope.organisation) if scope.organisation is not None else qs


def detections(scope: Scope, by=None):
    qs = _detections(scope)
    if by is None:
        return qs.count()
    if by == "age_band":
        counts = dict(qs.values_list("age_band").annotate(n=Count("pk")))
        return {band.label: counts.get(band.value, 0) for band in AgeBand}
    counts = {}
    for day in qs.values_list("detected_on", flat=True):
        counts[day.month] = counts.get(day.month, 0) + 1
    return {MONTHS[m - 1]: counts.get(m, 0) for m in range(1, 13)}


TEST_MEASURES = (
    Measure(
        code="referrals.zz_detections",
        label="Repérages (test)",
        definition="Repérages enregistrés dans la période.",
        unit="count",
        compute=detections,
        breakdowns=("age_band", "month"),
    ),
    Measure(
        code="referrals.zz_unavailable",
        label="Retours de la CRIP (test)",
        definition="Sans source.",
        unit="count",
        compute=lambda scope, by=None: None,
    ),
    Measure(
        code="actions.zz_zero",
        label="Maraudes (test)",
        definition="Toujours zéro.",
        unit="count",
        compute=lambda scope, by=None: 0,
    ),
    Measure(
        code="referrals.zz_median_delay",
        label="Délai médian repérage → orientation (test)",
        definition="Médiane.",
        unit="days",
        compute=lambda scope, by=None: 12.5 if _detections(scope).exists() else None,
        population=lambda scope: _detections(scope).count(),
    ),
    Measure(
        code="pathways.zz_network_only",
        label="Parcours en cours (test)",
        definition="Réseau seulement.",
        unit="count",
        compute=lambda scope, by=None: 3,
    ),
)


@pytest.fixture
def test_measures():
    """Register the test measures for one test, and take them out afterwards."""
    registry.register(*TEST_MEASURES)
    yield {m.code: m for m in TEST_MEASURES}
    for measure in TEST_MEASURES:
        registry._REGISTRY.pop(measure.code, None)
