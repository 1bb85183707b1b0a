"""Hand-written national exports (the JSON of `manage.py indicators --audience national`), for the import,
the pages and the API. Indicators are real codes of the registry: « pathways.active_at_end » counts
people (a count from 1 to 10 must be secret), « commission.meetings_held » does not."""

from __future__ import annotations

import copy
import json

from django.utils import timezone

from parcours.national import services
from parcours.national.models import Origin

PEOPLE = "pathways.active_at_end"
MEETINGS = "commission.meetings_held"
DELAY = "pathways.delay_request_decision"


def cell(value, secret=False):
    return {"value": None if secret else value, "secret": secret}


def payload(code="69", name="Rhône", year=None, active=40, meetings=6, delay=35.5, sex=None) -> dict:
    """A valid export: `active` (None: secret) pathways under way, with a breakdown by sex."""
    year = year or timezone.localdate().year - 1
    sex = (
        sex
        if sex is not None
        else [
            {"label": "Femme", **cell(active)},
            {"label": "Homme", **cell(0)},
            {"label": "Autre / non précisé", **cell(0)},
        ]
    )
    return {
        "format": "parcours.indicateurs/1",
        "departement": {"code": code, "name": name},
        "year": year,
        "period": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "audience": "national",
        "secrecy_threshold": 11,
        "indicators": [
            {
                "code": PEOPLE,
                "label": "Parcours en cours en fin de période",
                "unit": "count",
                "definition": "…",
                "source": "…",
                "available": True,
                "total": cell(active, secret=active is None),
                "breakdowns": {"sex": sex},
            },
            {
                "code": MEETINGS,
                "label": "Séances de la commission tenues",
                "unit": "count",
                "definition": "…",
                "source": "…",
                "available": True,
                "total": cell(meetings, secret=meetings is None),
                "breakdowns": {},
            },
            {
                "code": DELAY,
                "label": "Délai médian de la transmission à la décision",
                "unit": "days",
                "definition": "…",
                "source": "…",
                "available": delay is not False,
                "total": cell(None if delay is False else delay),
                "breakdowns": {},
            },
        ],
    }


def raw(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def store(document: dict | None = None, **kwargs):
    """Ingest a document (default: payload(**kwargs)) as a departmental instance's import."""
    document = document if document is not None else payload(**kwargs)
    return services.ingest(raw=raw(document), origin=Origin.IMPORT, today=timezone.localdate()).release


def altered(document: dict, change) -> dict:
    copied = copy.deepcopy(document)
    change(copied)
    return copied
