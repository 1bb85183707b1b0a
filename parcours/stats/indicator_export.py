"""The whole indicator set of a département-year as an audience receives it, in JSON or CSV
(`manage.py indicators`, the national import, the exports). docs/indicateurs.md describes the format.

JSON: each indicator carries its `code`, `unit` (one of registry.UNITS), `label`, `definition`, `source`,
`available` (false: no source in Parcours for this scope, « donnée non disponible », never 0), its `total`
and its `breakdowns` (by name, a list of cells with their `label`); every cell is an object with `value` (a
number, or null when secret or not available) and `secret` (boolean).
CSV: one row per cell (the total first), RFC 4180, UTF-8, decimal point.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

from parcours.core.models import Departement, Organisation, OrganisationKind

from . import rules
from .publication import Audience, Published, indicator_set, measures_for, publish_set_across
from .registry import Scope

FORMAT = "parcours.indicateurs/1"
NOT_PARTNERS = (OrganisationKind.PREFECTURE, OrganisationKind.NATIONAL)
CSV_COLUMNS = (
    "departement",
    "annee",
    "audience",
    "organisation",
    "code",
    "libelle",
    "unite",
    "ventilation",
    "modalite",
    "valeur",
    "secret",
    "disponible",
)


class ExportError(ValueError):
    """Bad input, with its French message."""


@dataclass
class IndicatorSet:
    departement: Departement
    year: int
    start: date
    end: date
    audience: Audience
    threshold: int
    # (organisation or None for the whole département, its indicators)
    scopes: list[tuple[Organisation | None, list[Published]]]


def period_of(year: int, today: date) -> tuple[date, date]:
    """The year, up to today for the current year."""
    if not rules.FIRST_YEAR <= year <= today.year:
        raise ExportError(
            f"L'année doit être comprise entre {rules.FIRST_YEAR} et {today.year} (reçu : {year})."
        )
    return date(year, 1, 1), min(date(year, 12, 31), today)


def partners_of(departement: Departement):
    return Organisation.objects.in_departement(departement).exclude(kind__in=NOT_PARTNERS).order_by("name")


def build(
    *,
    departement: Departement,
    year: int,
    audience: Audience,
    today: date,
    threshold: int,
    organisation: Organisation | None = None,
) -> IndicatorSet:
    start, end = period_of(year, today)
    if audience is Audience.PARTNER:
        organisations = [organisation] if organisation is not None else list(partners_of(departement))
    else:
        organisations = [organisation]
    scopes = [
        (org, indicator_set(Scope(departement, start, end, org), audience=audience, threshold=threshold))
        for org in organisations
    ]
    return IndicatorSet(departement, year, start, end, audience, threshold, scopes)


def build_many(
    *, departements: list[Departement], year: int, audience: Audience, today: date, threshold: int
) -> list[IndicatorSet]:
    """`build` for each département (the secretariat's or the national audience: the whole département),
    each measure read once for them all (publication.publish_set_across): the national set in one pass.
    Each département's result is the one `build` gives it alone."""
    if audience is Audience.PARTNER:
        raise ExportError("Le public « partner » se calcule département par département.")
    start, end = period_of(year, today)
    measures = measures_for(audience)
    sets = publish_set_across(
        measures, Scope.across(departements, start, end), audience=audience, threshold=threshold
    )
    return [
        IndicatorSet(d, year, start, end, audience, threshold, [(None, list(sets[d.pk].values()))])
        for d in departements
    ]


def _organisation(org: Organisation | None):
    return None if org is None else {"id": str(org.public_id), "name": org.name}


def as_json(result: IndicatorSet) -> str:
    body = {
        "format": FORMAT,
        "departement": {"code": result.departement.code, "name": result.departement.name},
        "year": result.year,
        "period": {"start": result.start.isoformat(), "end": result.end.isoformat()},
        "audience": str(result.audience),
        "secrecy_threshold": None if result.audience is Audience.SECRETARIAT else result.threshold,
    }
    blocks = [
        {"organisation": _organisation(org), "indicators": [p.as_dict() for p in published]}
        for org, published in result.scopes
    ]
    if result.audience is Audience.PARTNER:
        body["partners"] = blocks
    else:
        body["indicators"] = blocks[0]["indicators"]
    return json.dumps(body, ensure_ascii=False, indent=2)


def _number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_csv(result: IndicatorSet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for org, published in result.scopes:
        prefix = [result.departement.code, result.year, str(result.audience), org.name if org else ""]
        for p in published:
            head = [*prefix, p.measure.code, p.measure.label, p.measure.unit]
            cells = [("", "Total", p.total)] + [(t.by, c.label, c) for t in p.tables for c in t.cells]
            for by, label, cell in cells:
                writer.writerow(
                    [
                        *head,
                        by,
                        label,
                        _number(cell.published),
                        "oui" if cell.secret else "non",
                        "oui" if cell.available else "non",
                    ]
                )
    return out.getvalue()
