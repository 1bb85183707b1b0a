"""The read-only REST API, version 1 (docs/national.md): the registry, a département's stored release, one
indicator ranked across départements, and, on a departmental instance, its own national-audience export for
the national instance to pull. Every figure comes from the store of published figures (selectors), except the
export, which is built by the one publication module (parcours.stats.indicator_export, audience national).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from parcours.diagnostic.rules import secrecy_threshold
from parcours.stats import indicator_export
from parcours.stats import rules as stats_rules
from parcours.stats.publication import Audience

from . import selectors
from .api_auth import ExportReader
from .regions import DEPARTEMENTS

YEAR = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="Année (AAAA).")
ERRORS = {
    400: OpenApiResponse(description="Paramètre invalide (message en français dans « detail »)."),
    401: OpenApiResponse(description="Pas de jeton, ou jeton inconnu ou révoqué."),
    403: OpenApiResponse(description="Jeton valide, mais qui ne donne pas accès à cette ressource."),
    404: OpenApiResponse(description="Ressource inconnue (message en français dans « detail »)."),
}


def parse_year(value: str) -> int:
    today = timezone.localdate()
    if not value.isdigit() or len(value) != 4:
        # Not a year at all: the URL names nothing (404); a year out of range is a bad question (400).
        raise NotFound(f"Année invalide : « {value[:10]} » (attendu : quatre chiffres).")
    year = int(value)
    if not stats_rules.FIRST_YEAR <= year <= today.year:
        raise ParseError(f"L'année doit être comprise entre {stats_rules.FIRST_YEAR} et {today.year}.")
    return year


class IndicatorsView(APIView):
    @extend_schema(
        summary="Le référentiel des indicateurs",
        description="Chaque indicateur publié au niveau national : code, libellé, définition, unité, "
        "ventilations permises et source.",
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request):
        return Response(
            {
                "indicators": [
                    {
                        "code": m.code,
                        "label": m.label,
                        "definition": m.definition,
                        "unit": m.unit,
                        "breakdowns": list(m.breakdowns),
                        "source": m.source,
                        "about_people": m.about_people,
                    }
                    for m in selectors.national_measures()
                ]
            }
        )


class ReleaseView(APIView):
    @extend_schema(
        summary="La publication d'un département pour une année",
        description="Les chiffres reçus de ce département, tels quels (format « parcours.indicateurs/1 », "
        "celui de « manage.py indicators --audience national --format json »), avec la date de réception, "
        "l'origine et l'empreinte SHA-256 du JSON reçu.",
        parameters=[
            OpenApiParameter(
                "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Code (69, 2A, 974)."
            ),
            YEAR,
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request, code: str, year: str):
        year_value = parse_year(year)
        code = code.upper()
        if code not in DEPARTEMENTS and not selectors.release(code, year_value):
            raise NotFound(f"Département inconnu : « {code[:5]} ».")
        release = selectors.release(code, year_value)
        if release is None:
            raise NotFound(f"Aucun chiffre reçu du département {code} pour {year_value}.")
        return Response(selectors.release_payload(release))


class RankingView(APIView):
    @extend_schema(
        summary="Un indicateur, département par département",
        description="Le total publié de chaque département ayant transmis ses chiffres, classé (valeurs "
        "décroissantes, puis « secret », puis « donnée non disponible »), et la somme des chiffres publiés "
        "(les cases secrètes n'y sont pas ; null pour un indicateur qui ne s'additionne pas).",
        parameters=[
            YEAR,
            OpenApiParameter(
                "indicator", OpenApiTypes.STR, OpenApiParameter.PATH, description="Code de l'indicateur."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request, year: str, indicator: str):
        year_value = parse_year(year)
        if selectors.measure_or_none(indicator) is None:
            raise NotFound(f"Indicateur inconnu : « {indicator[:100]} ».")
        ranked = selectors.ranking(year_value, indicator)
        total = ranked.total
        return Response(
            {
                "year": ranked.year,
                "indicator": {"code": ranked.code, "label": ranked.label, "unit": ranked.unit},
                "departements_sent": ranked.sent,
                "departements_total": ranked.departement_count,
                "sum_of_published": (
                    {
                        "value": total.cell.published,
                        "cells_added": total.published,
                        "secret_cells_not_included": total.secret,
                        "unavailable_not_included": total.unavailable,
                    }
                    if ranked.summable
                    else None
                ),
                "ranking": [
                    {
                        "rank": row.rank,
                        "departement": {"code": row.code, "name": row.name},
                        "region": {"code": row.region.code, "name": row.region.name} if row.region else None,
                        "value": row.cell.published,
                        "secret": row.cell.secret,
                        "available": row.cell.available,
                    }
                    for row in ranked.rows
                ],
            }
        )


class ExportView(APIView):
    """On a departmental instance: its national-audience export, for the national instance to pull."""

    permission_classes = [ExportReader]

    @extend_schema(
        summary="L'export national d'un département (instance départementale)",
        description="Sur une instance départementale : l'ensemble de ses indicateurs pour l'année, tel que "
        "le reçoit le public national (secret statistique appliqué), pour le jeton d'export qu'elle a "
        "délivré à l'instance nationale (« manage.py import_national --url … --token … »).",
        parameters=[YEAR],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
    )
    def get(self, request, year: str):
        year_value = parse_year(year)
        today = timezone.localdate()
        result = indicator_export.build(
            departement=request.auth.departement,
            year=year_value,
            audience=Audience.NATIONAL,
            today=today,
            threshold=secrecy_threshold(today),
        )
        # The bytes of `manage.py indicators --audience national --format json`: the same file, the same
        # SHA-256, whichever way it reaches the national instance.
        return HttpResponse(indicator_export.as_json(result) + "\n", content_type="application/json")
