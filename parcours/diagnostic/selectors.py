"""Reads of the diagnostic territorial: campaigns in scope, survey totals, linkage and estimate.

`linkage_summary` and `estimate` give exact figures (the secretariat's working screens); the report applies
statistical secrecy on top (`report.py`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, Q
from django.http import Http404

from parcours.core.access import Actor
from parcours.estimation import AnalysisResult, EstimationError, analyse, table_from_memberships

from . import questionnaire, rules
from .models import AgeBand, Campaign, CampaignState, LinkageRecord, Participant, Sex


def campaigns_for(actor: Actor):
    return Campaign.objects.filter(departement=actor.departement).annotate(
        n_participants=Count("participants", distinct=True),
        n_answered=Count("participants", filter=Q(participants__answered_at__isnull=False), distinct=True),
    )


def report_campaigns_for(actor: Actor):
    """Campaigns whose report may be read outside the secretariat: open or closed ones."""
    return campaigns_for(actor).exclude(state=CampaignState.DRAFT)


# --- Survey -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyTotals:
    invited: int
    answered: int
    totals: dict[str, int]  # question key -> sum over the answers that gave it
    answered_per_question: dict[str, int]  # how many structures gave each figure

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def survey_totals(campaign: Campaign) -> SurveyTotals:
    participants = list(campaign.participants.all())
    answered = [p for p in participants if p.has_answered]
    totals: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for participant in answered:
        for key in questionnaire.KEYS:
            if key in participant.answers:
                totals[key] += participant.answers[key]
                given[key] += 1
    return SurveyTotals(
        invited=len(participants),
        answered=len(answered),
        totals={k: totals[k] for k in questionnaire.KEYS},
        answered_per_question={k: given[k] for k in questionnaire.KEYS},
    )


# --- Linkage ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListInfo:
    code: str  # "L1", "L2"... in the order of the structures' names; used by the estimation
    participant: Participant
    rows: int


@dataclass
class LinkageSummary:
    lists: list[ListInfo]
    distinct: int  # people on at least one list, counted once
    records: int  # rows across all lists
    histories: list[tuple[tuple[bool, ...], int]]  # capture history -> people, most frequent first
    pairs: list[tuple[ListInfo, ListInfo, int]]  # people shared by each pair of lists
    on_several: int  # people known to two structures or more
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)  # attribute -> label -> people
    memberships: list[tuple[bool, ...]] = field(default_factory=list, repr=False)
    # People per (capture history, age band code, sex code, online): what the report's secrecy audit reads.
    cells: dict[tuple[tuple[bool, ...], str, str, bool], int] = field(default_factory=dict, repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(info.code for info in self.lists)


BREAKDOWN_TITLES = {"age_band": "Tranche d'âge", "sex": "Sexe", "online": "Repérage en ligne"}


def linkage_summary(campaign: Campaign) -> LinkageSummary:
    participants = list(
        Participant.objects.filter(campaign=campaign, key_list__isnull=False)
        .select_related("key_list")
        .order_by("name")
    )
    lists = [ListInfo(f"L{i}", p, p.key_list.row_count) for i, p in enumerate(participants, start=1)]
    position = {info.participant.pk: i for i, info in enumerate(lists)}
    people: dict[str, list] = {}
    rows = LinkageRecord.objects.filter(campaign=campaign).values_list(
        "key", "key_list__participant_id", "age_band", "sex", "online"
    )
    for key, participant_id, band, sex, online in rows.iterator(chunk_size=2000):
        person = people.get(key)
        if person is None:
            person = people[key] = [[False] * len(lists), band, sex, online]
        person[0][position[participant_id]] = True
        person[3] = person[3] or online
    memberships = [tuple(p[0]) for p in people.values()]
    cells = Counter((tuple(p[0]), p[1], p[2], bool(p[3])) for p in people.values())
    histories = Counter(memberships).most_common()
    pairs = [
        (lists[i], lists[j], sum(1 for m in memberships if m[i] and m[j]))
        for i, j in combinations(range(len(lists)), 2)
    ]
    breakdowns = {
        "age_band": {label: 0 for label in AgeBand.labels},
        "sex": {label: 0 for label in Sex.labels},
        "online": {"Repérée en ligne": 0, "Non repérée en ligne": 0},
    }
    band_label, sex_label = dict(AgeBand.choices), dict(Sex.choices)
    for _, band, sex, online in people.values():
        breakdowns["age_band"][band_label[band]] += 1
        breakdowns["sex"][sex_label[sex]] += 1
        breakdowns["online"]["Repérée en ligne" if online else "Non repérée en ligne"] += 1
    return LinkageSummary(
        lists=lists,
        distinct=len(people),
        records=sum(info.rows for info in lists),
        histories=histories,
        pairs=pairs,
        on_several=sum(1 for m in memberships if sum(m) >= 2),
        breakdowns=breakdowns,
        memberships=memberships,
        cells=dict(cells),
    )


# --- Estimate ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EstimateOutcome:
    result: AnalysisResult | None
    error: str | None  # why no estimate can be made, in French

    @property
    def ok(self) -> bool:
        return self.result is not None


def estimate(summary: LinkageSummary) -> EstimateOutcome:
    """Multiple systems estimation on the linked lists (normal interval; see docs/estimation.md)."""
    if len(summary.lists) < rules.MIN_LISTS_FOR_ESTIMATE:
        return EstimateOutcome(
            None,
            f"Il faut au moins {rules.MIN_LISTS_FOR_ESTIMATE} listes de clés pour estimer le nombre de "
            f"personnes qu'aucune structure ne connaît ({len(summary.lists)} reçue(s)).",
        )
    try:
        table = table_from_memberships(summary.codes, summary.memberships)
        result = analyse(table, bootstrap=0, reference_models=False)
    except EstimationError as error:
        return EstimateOutcome(None, error.message)
    return EstimateOutcome(result, None)


def member_participant_or_404(actor: Actor, public_id) -> Participant:
    """A structure of a campaign that is the actor's own organisation (its members answer for it)."""
    participant = (
        Participant.objects.filter(public_id=public_id, organisation=actor.organisation)
        .select_related("campaign__departement", "organisation")
        .first()
    )
    if participant is None:
        raise Http404
    return participant
