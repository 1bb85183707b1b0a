"""Exports of indicator tables in CSV, XLSX and ODS (docs/indicateurs-exports.md).

Every figure comes from `parcours.stats.publication` with the reader's audience: the secretariat reads its
exact figures, a partner its own organisation's under statistical secrecy. This module never applies secrecy
itself; it writes what `publish_set` gives, « secret » in a secret cell, « donnée non disponible » where the
source does not exist.

A file: in XLSX and ODS, a sheet « Sommaire » (département, period, audience, the secrecy threshold, the list
of indicators) then one sheet per indicator (its label, code, definition, unit, source, period, then its
total and its breakdown tables); in CSV, one long table, one row per cell, with the same columns repeated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from parcours.core.models import Departement, Organisation

from . import rules
from .dashboards import BREAKDOWN_LABELS
from .publication import NOT_AVAILABLE, SECRET_LABEL, Audience, Cell, Published, breakdowns_for, measures_for
from .publication import publish_set as _publish_set
from .registry import Measure, Scope

UNIT_LABELS = {
    "count": "nombre",
    "euros": "euros",
    "days": "jours",
    "months": "mois",
    "percent": "pourcentage",
    "ratio": "ratio",
}
AUDIENCE_LABELS = {
    Audience.SECRETARIAT: "secrétariat de la commission (chiffres exacts, usage interne)",
    Audience.PARTNER: "partenaire (secret statistique appliqué)",
    Audience.NATIONAL: "ministère (secret statistique appliqué)",
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
FORMATS = tuple(CONTENT_TYPES)
CSV_COLUMNS = (
    "departement",
    "periode_debut",
    "periode_fin",
    "public",
    "seuil_secret",
    "organisation",
    "code",
    "indicateur",
    "definition",
    "unite",
    "source",
    "ventilation",
    "modalite",
    "valeur",
)
TABLE_COLUMNS = ("Ventilation", "Modalité", "Valeur")


class ExportError(ValueError):
    """Bad input, with its French message (shown in the form, never a 500)."""


@dataclass(frozen=True)
class ExportSpec:
    """What is exported, for whom: resolved and checked (`resolve`) before anything is computed."""

    departement: Departement
    organisation: Organisation | None
    audience: Audience
    codes: tuple[str, ...]  # empty: the whole indicator set of the audience
    breakdown: str  # empty: every breakdown the audience may read
    first_year: int
    last_year: int
    format: str
    start: date
    end: date

    @property
    def large(self) -> bool:
        """The whole set, or several years: built in the background."""
        return not self.codes or len(self.codes) > 1 or self.last_year > self.first_year


def period(first_year: int, last_year: int, today: date) -> tuple[date, date]:
    if not rules.FIRST_YEAR <= first_year <= today.year or not rules.FIRST_YEAR <= last_year <= today.year:
        raise ExportError(f"Les années doivent être comprises entre {rules.FIRST_YEAR} et {today.year}.")
    if first_year > last_year:
        raise ExportError(
            f"La période est inversée : l'année de début ({first_year}) est après l'année de fin "
            f"({last_year})."
        )
    if last_year - first_year + 1 > rules.MAX_EXPORT_YEARS:
        raise ExportError(f"Un export couvre au plus {rules.MAX_EXPORT_YEARS} années.")
    return date(first_year, 1, 1), min(date(last_year, 12, 31), today)


def available_measures(audience: Audience, organisation: Organisation | None) -> list[Measure]:
    """The indicators this audience may export (a partner: its own activity; never a secretariat-only
    figure outside the secretariat)."""
    return measures_for(audience, own_organisation=organisation is not None)


def resolve(
    *,
    departement: Departement,
    organisation: Organisation | None,
    audience: Audience,
    codes: tuple[str, ...],
    breakdown: str,
    first_year: int,
    last_year: int,
    format: str,
    today: date,
) -> ExportSpec:
    if format not in FORMATS:
        raise ExportError("Format inconnu : choisissez CSV, XLSX ou ODS.")
    start, end = period(first_year, last_year, today)
    allowed = {m.code: m for m in available_measures(audience, organisation)}
    for code in codes:
        if code not in allowed:
            raise ExportError("Indicateur inconnu : choisissez un indicateur de la liste.")
    if breakdown:
        if len(codes) != 1:
            raise ExportError("Une ventilation se choisit pour un seul indicateur.")
        measure = allowed[codes[0]]
        if breakdown not in breakdowns_for(measure, audience):
            raise ExportError(
                f"La ventilation demandée n'est pas prévue pour l'indicateur « {measure.label} »."
            )
    return ExportSpec(
        departement,
        organisation,
        audience,
        tuple(codes),
        breakdown,
        first_year,
        last_year,
        format,
        start,
        end,
    )


def _families(measures: list[Measure]) -> list[list[Measure]]:
    """Measures grouped with the measure they are part of (publish_set needs them together)."""
    groups: dict[str, list[Measure]] = {}
    for m in measures:
        root = m.part_of.code if m.part_of is not None else m.code
        groups.setdefault(root, []).append(m)
    return list(groups.values())


def compute(
    spec: ExportSpec, *, threshold: int, progress: Callable[[int, int], None] | None = None
) -> list[Published]:
    """The published indicators of `spec`, family by family (`progress(done, total)` after each)."""
    allowed = available_measures(spec.audience, spec.organisation)
    measures = [m for m in allowed if m.code in spec.codes] if spec.codes else allowed
    if spec.codes:
        # A measure that is part of another is published with its parent, as in the whole set.
        parents = {m.part_of.code for m in measures if m.part_of is not None}
        measures += [m for m in allowed if m.code in parents and m not in measures]
    scope = Scope(spec.departement, spec.start, spec.end, spec.organisation)

    def wanted(m: Measure) -> tuple[str, ...]:
        return (
            (spec.breakdown,) if spec.breakdown and m.code in spec.codes else breakdowns_for(m, spec.audience)
        )

    families = _families(measures)
    done: dict[str, Published] = {}
    for i, family in enumerate(families, start=1):
        done.update(
            _publish_set(family, scope, audience=spec.audience, threshold=threshold, breakdowns=wanted)
        )
        if progress is not None:
            progress(i, len(families))
    codes = spec.codes or tuple(m.code for m in allowed)
    return [done[c] for c in codes]


# --- Writing ---------------------------------------------------------------------------------------------


def cell_value(cell: Cell):
    """What a file holds in a cell: the number, « secret », or « donnée non disponible »."""
    if not cell.available:
        return NOT_AVAILABLE
    if cell.secret:
        return SECRET_LABEL
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def period_text(spec: ExportSpec) -> str:
    return f"du {spec.start:%d/%m/%Y} au {spec.end:%d/%m/%Y}"


def secrecy_text(spec: ExportSpec, threshold: int) -> str:
    if not spec.audience.suppressed:
        return "non appliqué : chiffres exacts, réservés au secrétariat de la commission"
    return (
        f"appliqué, seuil de {threshold} : un nombre de 1 à {threshold - 1} personnes, et tout chiffre qui "
        f"permettrait de le retrouver, est écrit « {SECRET_LABEL} » ; une statistique calculée sur moins de "
        f"{threshold} personnes aussi"
    )


def header(spec: ExportSpec, threshold: int, today: date) -> list[tuple[str, str]]:
    rows = [
        ("Département", f"{spec.departement.code} — {spec.departement.name}"),
        ("Période", period_text(spec)),
        ("Public", AUDIENCE_LABELS[spec.audience]),
        ("Organisation", spec.organisation.name if spec.organisation else "tout le département"),
        ("Secret statistique", secrecy_text(spec, threshold)),
        ("Produit le", f"{today:%d/%m/%Y} par Parcours"),
    ]
    return rows


def _breakdown_label(by: str) -> str:
    return BREAKDOWN_LABELS.get(by, f"Par {by}")


def indicator_rows(p: Published) -> list[tuple[str, str, object]]:
    """(breakdown, label, value) of one indicator: its total first, then each breakdown table."""
    rows = [("Total", "Total", cell_value(p.total))]
    for table in p.tables:
        rows += [(_breakdown_label(table.by), c.label, cell_value(c)) for c in table.cells]
    return rows


def indicator_header(p: Published, spec: ExportSpec) -> list[tuple[str, str]]:
    m = p.measure
    return [
        ("Indicateur", m.label),
        ("Code", m.code),
        ("Définition", m.definition),
        ("Unité", UNIT_LABELS.get(m.unit, m.unit)),
        ("Source", m.source or "Parcours"),
        ("Période", period_text(spec)),
    ]


def sheet_name(index: int, p: Published) -> str:
    """Unique, at most 31 characters, none of []:*?/\\ (XLSX's limits; a code has none of them)."""
    return f"{index:02d} {p.measure.code}"[:31]


def sheets(spec: ExportSpec, published: list[Published], threshold: int, today: date):
    """(name, rows) of each sheet: the summary, then one per indicator."""
    summary = [[k, v] for k, v in header(spec, threshold, today)]
    summary += [[], ["Feuille", "Code", "Indicateur", "Unité"]]
    summary += [
        [sheet_name(i, p), p.measure.code, p.measure.label, UNIT_LABELS.get(p.measure.unit, p.measure.unit)]
        for i, p in enumerate(published, start=1)
    ]
    result = [("Sommaire", summary)]
    for i, p in enumerate(published, start=1):
        rows = [[k, v] for k, v in indicator_header(p, spec)]
        rows.append(["Secret statistique", secrecy_text(spec, threshold)])
        rows += [[], list(TABLE_COLUMNS)]
        rows += [list(r) for r in indicator_rows(p)]
        if any(t.withheld_by_audit for t in p.tables):
            rows += [
                [],
                [
                    "Note",
                    "Certains nombres sont masqués alors que leur tableau seul permettrait de les "
                    "afficher : rapprochés des autres tableaux, ils permettraient de retrouver un petit "
                    "nombre de personnes.",
                ],
            ]
        result.append((sheet_name(i, p), rows))
    return result


def _csv_number(value) -> object:
    """A decimal comma for a French spreadsheet (the file is « ; »-separated)."""
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return value


def to_csv(spec: ExportSpec, published: list[Published], threshold: int, today: date) -> bytes:
    """One long table, « ; »-separated, UTF-8 with a byte-order mark (a French spreadsheet opens it as is)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    head = [
        spec.departement.code,
        spec.start.isoformat(),
        spec.end.isoformat(),
        str(spec.audience),
        threshold if spec.audience.suppressed else "",
        spec.organisation.name if spec.organisation else "",
    ]
    for p in published:
        m = p.measure
        about = [m.code, m.label, m.definition, UNIT_LABELS.get(m.unit, m.unit), m.source or "Parcours"]
        for by, label, value in indicator_rows(p):
            writer.writerow([*head, *about, by, label, _csv_number(value)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(spec: ExportSpec, published: list[Published], threshold: int, today: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, rows in sheets(spec, published, threshold, today):
        sheet = book.create_sheet(title=name)
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows(min_col=1, max_col=1):
            row[0].font = bold
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_ods(spec: ExportSpec, published: list[Published], threshold: int, today: date) -> bytes:
    from odfdo import Document, Table

    document = Document("spreadsheet")
    body = document.body
    body.clear()
    for name, rows in sheets(spec, published, threshold, today):
        table = Table(name)
        width = max((len(r) for r in rows), default=1)
        table.set_values([r + [None] * (width - len(r)) for r in rows])
        body.append(table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "ods": to_ods}


def filename(spec: ExportSpec) -> str:
    """A French file name: what, where, when; never a person, never an organisation's name."""
    what = spec.codes[0].replace(".", "-").replace("_", "-") if len(spec.codes) == 1 else "indicateurs"
    years = (
        str(spec.first_year) if spec.first_year == spec.last_year else f"{spec.first_year}-{spec.last_year}"
    )
    return f"{what}-{spec.departement.code}-{years}.{spec.format}"


def render(spec: ExportSpec, published: list[Published], *, threshold: int, today: date) -> bytes:
    return WRITERS[spec.format](spec, published, threshold, today)
