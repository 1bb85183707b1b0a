"""Measures of the PSP (parcours.stats.registry): requests, opinions, the prefect's decisions, pathways under
way and ended, delays and durations, the rights (AFIS, residence permit).

Each reads the département's records over the scope's days; with `scope.organisation`, the pathways of that
association only (an organisation that accompanies no pathway gets 0: it is an association's own activity,
and « none » is the true answer for it). Flows are dated by the day of the act (transmission, opinion,
decision, end); stocks (pathways under way, AFIS paid) are read on the scope's last day or over its days.
Breakdowns shared by every measure (month, quarter, year, sex, age band, nationality group, association) are
those of parcours.stats.kit; the age is the person's at the date of the act.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, IntegerField, Min, Q, Value

from parcours.approvals.measures import approved as approved_associations
from parcours.core.models import Organisation
from parcours.stats import kit
from parcours.stats.kit import (
    age_axis,
    choices_axis,
    counted,
    distributed,
    nationality_axis,
    organisation_axis,
    sex_axis,
)
from parcours.stats.registry import Evaluation, Measure, Part, Scope, register

from .models import (
    Afis,
    Decision,
    EndReason,
    Opinion,
    Outcome,
    Pathway,
    PathwayState,
    Request,
    RequestKind,
    ResidencePermit,
)

SOURCE_REQUESTS = "Demandes de PSP (engagement et renouvellement) et leurs décisions, dans Parcours"
SOURCE_PATHWAYS = "Parcours de sortie de la prostitution et leurs périodes d'autorisation, dans Parcours"
SOURCE_RIGHTS = "Droits ouverts dans les parcours (AFIS, autorisation provisoire de séjour), dans Parcours"


def _requests(scope: Scope):
    qs = scope.within(Request.objects.all())
    if scope.organisation is not None:
        qs = qs.filter(pathway__association=scope.organisation)
    return qs


def _pathways(scope: Scope):
    qs = scope.within(Pathway.objects.all())
    if scope.organisation is not None:
        qs = qs.filter(association=scope.organisation)
    return qs


def _person_axes(prefix: str, date_path: str) -> dict[str, kit.Axis]:
    """Sex, age band at `date_path`, nationality group of the person, and the association."""
    return {
        "sex": sex_axis(f"{prefix}person__sex"),
        "age_band": age_axis(f"{prefix}person__birth_year", date_path),
        "nationality_group": nationality_axis(f"{prefix}person__nationality_group"),
        "organisation": organisation_axis(f"{prefix}association"),
    }


def _request_axes(date_path: str, **more) -> dict[str, kit.Axis]:
    return {"kind": choices_axis("kind", RequestKind.choices), **_person_axes("pathway__", date_path), **more}


def _of(records, **filters):
    return lambda scope: records(scope).filter(**filters)


# --- Flows -----------------------------------------------------------------------------------------------

requests_submitted = counted(_requests, date="submitted_on", axes=_request_axes("submitted_on"))
first_requests_submitted = counted(
    _of(_requests, kind=RequestKind.INITIAL), date="submitted_on", axes=_request_axes("submitted_on")
)
opinions = counted(
    _of(_requests, opinion__in=[o.value for o in Opinion]),
    date="opinion_date",
    axes=_request_axes("opinion_date", opinion=choices_axis("opinion", Opinion.choices)),
)


# The four outcomes of a decision on a request: a single breakdown, so that authorisations, refusals and
# renewals are cells of one table (published apart, each would give the others back by difference).
DECISION_LABELS = {
    (RequestKind.INITIAL, Decision.AUTHORISED): "Engagement autorisé",
    (RequestKind.INITIAL, Decision.REFUSED): "Engagement refusé",
    (RequestKind.RENEWAL, Decision.AUTHORISED): "Renouvellement autorisé",
    (RequestKind.RENEWAL, Decision.REFUSED): "Renouvellement refusé",
}
DECISION_AXIS = kit.Axis(
    "kind",
    lambda scope: list(DECISION_LABELS.items()),
    to_key=lambda kind, decision: (kind, decision),
    with_path="decision",
)


def _decided(decision: str | None = None, kind: str | None = None):
    filters = {"decision__in": [decision] if decision else [d.value for d in Decision]}
    if kind:
        filters["kind"] = kind
    axes = {**_person_axes("pathway__", "decision_date")}
    if decision is None and kind is None:
        axes = {"decision": DECISION_AXIS, **axes}
    return counted(_of(_requests, **filters), date="decision_date", axes=axes)


INITIAL_AUTHORISED = (RequestKind.INITIAL, Decision.AUTHORISED)
INITIAL_REFUSED = (RequestKind.INITIAL, Decision.REFUSED)
RENEWAL_AUTHORISED = (RequestKind.RENEWAL, Decision.AUTHORISED)
RENEWAL_REFUSED = (RequestKind.RENEWAL, Decision.REFUSED)


def _cells(*pairs) -> tuple[str, ...]:
    return tuple(DECISION_LABELS[p] for p in pairs)


REFUSAL_AXES = _person_axes("pathway__", "decision_date")


def _first_decisions(scope: Scope, bys) -> kit.Rows:
    decided = _of(_requests, kind=RequestKind.INITIAL, decision__in=[d.value for d in Decision])
    return kit.Rows.of(decided, "decision_date", scope, REFUSAL_AXES, bys, ["decision"])


def _refusal_rates(data: kit.Rows, scope: Scope, bys) -> dict:
    """Share of the first requests decided in the period that were refused; population: those decisions.
    One pass over the decisions for every breakdown."""

    def rate(rows):
        refused = sum(1 for r in rows if data.value(r, "decision") == Decision.REFUSED)
        return (round(100 * refused / len(rows), 1) if rows else None), len(rows)

    return kit.evaluations(data, scope, bys, REFUSAL_AXES, rate)


_refusal_rate = kit.batch_of(_first_decisions, _refusal_rates, "decision_date")


def _rate_compute(scope: Scope, by: str | None = None):
    return _refusal_rate(scope, [by] if by else [])[by].value


ends = counted(
    _of(_pathways, state=PathwayState.ENDED),
    date="ended_on",
    axes={
        "end_reason": choices_axis("end_reason", EndReason.choices),
        "outcome": choices_axis("outcome", [*Outcome.choices, ("", "Non renseignée")]),
        **_person_axes("", "ended_on"),
    },
)

# --- Delays and durations --------------------------------------------------------------------------------


def _decision_delay(statistic: str):
    return distributed(
        _of(_requests, decision__in=[d.value for d in Decision], submitted_on__isnull=False),
        date="decision_date",
        fields=("submitted_on", "decision_date"),
        value=kit.days_between(0, 1),
        statistic=statistic,
        axes=_request_axes("decision_date"),
        people="pathway__person_id",
    )


def _ended_with_start(scope: Scope):
    return (
        _of(_pathways, state=PathwayState.ENDED)(scope)
        .filter(periods__isnull=False)
        .annotate(first_start=Min("periods__start"))
    )


def _months_between(row, scope) -> float | None:
    start, end = row
    if start is None or end is None or end < start:
        return None
    return round((end - start).days / 30.4375, 1)  # an average Gregorian month (365.25 / 12 days)


cumulative_duration = distributed(
    _ended_with_start,
    date="ended_on",
    fields=("first_start", "ended_on"),
    value=_months_between,
    statistic="median",
    axes={"end_reason": choices_axis("end_reason", EndReason.choices), **_person_axes("", "ended_on")},
    people="person_id",
)

# --- Stocks ----------------------------------------------------------------------------------------------


def _active_on(scope: Scope, day: date):
    """Pathways with a period covering `day` and not ended on or before it."""
    return (
        _pathways(scope)
        .exclude(state=PathwayState.REFUSED)
        .filter(periods__start__lte=day, periods__end__gte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    )


def _active_at_end_rows(scope: Scope):
    """Pathways under way on the scope's last day, with that day's year (the age band is the person's age
    that year)."""
    return _active_on(scope, scope.end).annotate(_year=Value(scope.end.year, output_field=IntegerField()))


STOCK_AXES = {
    "sex": sex_axis("person__sex"),
    "age_band": age_axis("person__birth_year", year_path="_year"),
    "nationality_group": nationality_axis("person__nationality_group"),
    "organisation": organisation_axis("association"),
}
# Distinct pathways: a pathway appears once per period covering the day.
active_at_end = counted(_active_at_end_rows, date=None, axes=STOCK_AXES, distinct="pk")


def _afis_paid(scope: Scope):
    """AFIS whose payment covers at least one day of the scope."""
    qs = scope.within(Afis.objects.filter(start__isnull=False), "pathway__departement")
    if scope.organisation is not None:
        qs = qs.filter(pathway__association=scope.organisation)
    return qs.filter(start__lte=scope.end).filter(Q(end__isnull=True) | Q(end__gte=scope.start))


def _months_paid(start: date, end: date | None, scope: Scope) -> int:
    """Calendar months of the scope in which the AFIS was due (the AFIS is monthly: due for a month in which
    it was paid for at least one day)."""
    first = max(start, scope.start)
    last = min(end or scope.end, scope.end)
    if last < first:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


AFIS_AXES = {
    "sex": sex_axis("pathway__person__sex"),
    "nationality_group": nationality_axis("pathway__person__nationality_group"),
    "organisation": organisation_axis("pathway__association"),
}


AFIS_FIELDS = ["pathway__person_id", "monthly_amount", "start", "end"]


def _afis(statistic: str):
    """Beneficiaries (distinct people) or amounts (euros: monthly amount × months due in the scope), from one
    read of the AFIS paid in the scope."""

    def read(scope: Scope, bys) -> kit.Rows:
        return kit.Rows.of(_afis_paid, None, scope, AFIS_AXES, bys, AFIS_FIELDS)

    def summarise(data: kit.Rows, scope: Scope, bys) -> dict:
        def summary(rows):
            people = {data.value(r, "pathway__person_id") for r in rows}
            if statistic == "people":
                return len(people), None
            amount = sum(
                float(data.value(r, "monthly_amount") or 0)
                * _months_paid(data.value(r, "start"), data.value(r, "end"), scope)
                for r in rows
            )
            return round(amount, 2), len(people)

        return kit.evaluations(data, scope, bys, AFIS_AXES, summary)

    return kit.batch_of(read, summarise)


_afis_people = _afis("people")
_afis_amounts = _afis("amounts")

permits_issued = counted(
    lambda scope: scope.within(
        ResidencePermit.objects.filter(
            **({"pathway__association": scope.organisation} if scope.organisation is not None else {}),
            issued_on__isnull=False,
        ),
        "pathway__departement",
    ),
    date="issued_on",
    axes={
        "sex": sex_axis("pathway__person__sex"),
        "nationality_group": nationality_axis("pathway__person__nationality_group"),
        "organisation": organisation_axis("pathway__association"),
    },
)


def _caseload_read(scope: Scope) -> tuple[list, dict]:
    """The associations approved on the scope's last day, (pk, name, département) by name, and their
    pathways under way that day, {(département, association): n}: two queries, for one département or
    several."""
    approved = approved_associations(scope)
    associations = list(
        Organisation.objects.filter(pk__in=approved).order_by("name").values_list("pk", "name", "departement")
    )
    active = _active_on(scope, scope.end).filter(association__in=approved)
    return associations, kit.grouped(active, scope, "association", n=Count("pk", distinct=True))


def _caseload_of(departement, read: tuple[list, dict], bys) -> dict:
    """Pathways under way on the scope's last day per approved association (mean); per association with
    the breakdown "organisation". Population: the pathways."""
    associations, counts = read
    mine = [(pk, name) for pk, name, d in associations if d == departement]
    values = {name: counts.get((departement, pk), 0) for pk, name in mine}
    total = sum(values.values())
    out = {None: Evaluation(round(total / len(mine), 1), total) if mine else Evaluation(None, 0)}
    if "organisation" in bys:
        out["organisation"] = Evaluation({k: float(v) for k, v in values.items()}, dict(values))
    return out


_caseload = kit.per_departement(_caseload_read, _caseload_of)


def _no_source(scope: Scope, by: str | None = None):
    return None


def _m(code, label, definition, unit, built, source, part_of=None):
    return kit.measure(code, label, definition, unit, built, source=source, part_of=part_of)


register(
    _m(
        "pathways.requests_submitted",
        "Demandes de PSP transmises",
        "Nombre de demandes (engagement et renouvellement) transmises par les associations au secrétariat, "
        "datées du jour de leur transmission ; une demande renvoyée pour pièces manquantes puis transmise à "
        "nouveau compte une fois, à sa dernière transmission.",
        "count",
        requests_submitted,
        SOURCE_REQUESTS,
    ),
    _m(
        "pathways.first_requests_submitted",
        "Premières demandes de PSP transmises",
        "Nombre de demandes d'engagement dans un parcours (premières demandes, renouvellements exclus) "
        "transmises au secrétariat, datées du jour de leur (dernière) transmission.",
        "count",
        first_requests_submitted,
        SOURCE_REQUESTS,
        Part("pathways.requests_submitted", "kind", (str(RequestKind.INITIAL.label),)),
    ),
    _m(
        "pathways.opinions",
        "Avis de la commission",
        "Nombre d'avis rendus par la commission sur les demandes de PSP (favorables, défavorables, "
        "ajournements), datés du jour de l'avis ; une demande ajournée puis examinée à nouveau compte à son "
        "dernier avis.",
        "count",
        opinions,
        SOURCE_REQUESTS,
    ),
    _m(
        "pathways.decisions",
        "Décisions du préfet sur les demandes de PSP",
        "Nombre de demandes (engagement et renouvellement) sur lesquelles le préfet a décidé (autorisation "
        "ou refus), datées du jour de la décision.",
        "count",
        _decided(),
        SOURCE_REQUESTS,
    ),
    _m(
        "pathways.authorisations",
        "Entrées en parcours autorisées",
        "Nombre de demandes d'engagement dans un parcours de sortie de la prostitution autorisées par le "
        "préfet, datées du jour de la décision (renouvellements exclus).",
        "count",
        _decided(Decision.AUTHORISED, RequestKind.INITIAL),
        SOURCE_REQUESTS,
        Part("pathways.decisions", "decision", _cells(INITIAL_AUTHORISED)),
    ),
    _m(
        "pathways.refusals",
        "Demandes de PSP refusées",
        "Nombre de demandes (engagement et renouvellement) refusées par le préfet, datées du jour de la "
        "décision.",
        "count",
        _decided(Decision.REFUSED),
        SOURCE_REQUESTS,
        Part("pathways.decisions", "decision", _cells(INITIAL_REFUSED, RENEWAL_REFUSED)),
    ),
    _m(
        "pathways.renewals",
        "Renouvellements autorisés",
        "Nombre de demandes de renouvellement d'un parcours autorisées par le préfet, datées du jour de la "
        "décision.",
        "count",
        _decided(Decision.AUTHORISED, RequestKind.RENEWAL),
        SOURCE_REQUESTS,
        Part("pathways.decisions", "decision", _cells(RENEWAL_AUTHORISED)),
    ),
    Measure(
        "pathways.first_request_refusal_rate",
        "Part des premières demandes refusées",
        "Premières demandes refusées par le préfet, en pourcentage des premières demandes sur lesquelles "
        "il a décidé dans la période (à la date de la décision) ; calculée sur ces décisions.",
        "percent",
        _rate_compute,
        (*kit.TIME_AXES, *_person_axes("pathway__", "decision_date")),
        source=SOURCE_REQUESTS,
        batch=_refusal_rate,
        across=_refusal_rate.across,
        part_of=Part("pathways.decisions", "decision", _cells(INITIAL_AUTHORISED, INITIAL_REFUSED)),
    ),
    _m(
        "pathways.delay_request_decision",
        "Délai médian de la transmission à la décision",
        "Médiane, en jours, entre la (dernière) transmission d'une demande au secrétariat et la décision du "
        "préfet, sur les demandes décidées dans la période.",
        "days",
        _decision_delay("median"),
        SOURCE_REQUESTS,
    ),
    _m(
        "pathways.delay_request_decision_p90",
        "Délai de la transmission à la décision, 9e décile",
        "Délai, en jours, sous lequel 90 % des demandes décidées dans la période ont été décidées, depuis "
        "leur (dernière) transmission au secrétariat (quantile à interpolation linéaire).",
        "days",
        _decision_delay("p90"),
        SOURCE_REQUESTS,
    ),
    _m(
        "pathways.active_at_end",
        "Parcours en cours en fin de période",
        "Nombre de parcours dont une période d'autorisation couvre le dernier jour de la période observée et "
        "qui n'étaient pas terminés ce jour-là (l'indicateur budgétaire national : PSP en cours au "
        "31 décembre) ; l'âge est celui de la personne ce jour-là.",
        "count",
        active_at_end,
        SOURCE_PATHWAYS,
    ),
    _m(
        "pathways.ended",
        "Parcours terminés",
        "Nombre de parcours terminés, datés du jour de leur fin, par motif de fin et par situation à la "
        "sortie.",
        "count",
        ends,
        SOURCE_PATHWAYS,
    ),
    _m(
        "pathways.cumulative_duration",
        "Durée médiane des parcours terminés",
        "Médiane, en mois (de 30,44 jours), du début de la première période d'autorisation à la fin du "
        "parcours, sur les parcours autorisés terminés dans la période (le plafond légal est de 24 mois).",
        "months",
        cumulative_duration,
        SOURCE_PATHWAYS,
    ),
    Measure(
        "pathways.afis_beneficiaries",
        "Bénéficiaires de l'AFIS",
        "Nombre de personnes dont l'AFIS a été versée au moins un jour de la période (du début du versement "
        "à sa fin).",
        "count",
        kit.compute_of(_afis_people),
        tuple(AFIS_AXES),
        source=SOURCE_RIGHTS,
        batch=_afis_people,
        across=_afis_people.across,
    ),
    Measure(
        "pathways.afis_amounts",
        "Montants d'AFIS dus",
        "Somme, en euros, des montants mensuels d'AFIS dus pour les mois de la période (un mois compte dès "
        "qu'un jour en est couvert par le versement) ; calculée sur le montant enregistré, sans les "
        "revalorisations intervenues depuis l'octroi.",
        "euros",
        kit.compute_of(_afis_amounts),
        tuple(AFIS_AXES),
        source=SOURCE_RIGHTS,
        batch=_afis_amounts,
        across=_afis_amounts.across,
        additive=True,
    ),
    _m(
        "pathways.residence_permits_issued",
        "Autorisations provisoires de séjour délivrées",
        "Nombre d'autorisations provisoires de séjour (CESEDA L. 425-4) délivrées aux personnes en parcours, "
        "datées du jour de la délivrance.",
        "count",
        permits_issued,
        SOURCE_RIGHTS,
    ),
    Measure(
        "pathways.caseload",
        "Parcours en cours par association agréée",
        "Nombre moyen de parcours en cours au dernier jour de la période par association agréée ce jour-là ; "
        "par association, le nombre de ses parcours en cours.",
        "ratio",
        lambda scope, by=None: _caseload(scope, [by] if by else [])[by].value,
        ("organisation",),
        source=SOURCE_PATHWAYS,
        batch=_caseload,
        across=_caseload.across,
    ),
    Measure(
        "pathways.appeals",
        "Recours contre les décisions",
        "Recours gracieux, hiérarchiques et contentieux contre les refus et les fins de parcours, et leur "
        "issue. Parcours n'enregistre pas encore les recours : donnée non disponible.",
        "count",
        _no_source,
        source="Aucune dans Parcours à ce jour (l'enregistrement des recours est prévu)",
    ),
)
