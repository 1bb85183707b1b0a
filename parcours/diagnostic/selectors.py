"""Reads of the diagnostic territorial: campaigns in scope, survey totals, linkage and estimate.

`linkage_summary` and `estimate` give exact figures (the secretariat's working screens); the report applies
statistical secrecy on top (`report.py`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404

from parcours.core.access import Actor
from parcours.estimation import AnalysisResult, EstimationError

from . import linkage, questionnaire, rules
from .linkage import estimate_memberships
from .models import AgeBand, Campaign, CampaignState, LinkageRecord, LinkageSnapshot, Participant, Sex


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
    duplicates: int = 0
    rows_set_aside: int = 0  # rows of the structure's list that gave no key (counted on its computer)
    set_aside_reasons: dict[str, int] = field(default_factory=dict, compare=False)


Pattern = tuple[bool, ...]
Cell = tuple[Pattern, str, str, bool]  # (capture pattern, age band code, sex code, online)


@dataclass
class LinkageSummary:
    lists: list[ListInfo]
    distinct: int  # people on at least one list, counted once
    records: int  # rows across all lists
    histories: list[tuple[Pattern, int]]  # capture history -> people, most frequent first
    pairs: list[tuple[ListInfo, ListInfo, int]]  # people shared by each pair of lists
    on_several: int  # people known to two structures or more
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)  # attribute -> label -> people
    memberships: list[Pattern] = field(default_factory=list, repr=False)
    rows_set_aside: int = 0  # sum over the lists
    # (age band code, sex code) -> capture histories of that stratum, most frequent first
    strata: dict[tuple[str, str], list[tuple[Pattern, int]]] = field(default_factory=dict, repr=False)
    # (pattern, age band code, sex code, online) -> people: the per-person attributes, aggregated
    cells: dict[Cell, int] = field(default_factory=dict, repr=False)
    frozen: bool = False  # read from the snapshot taken at closure (the keys are deleted)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(info.code for info in self.lists)


BREAKDOWN_TITLES = {"age_band": "Tranche d'âge", "sex": "Sexe", "online": "Repérage en ligne"}


def linkage_summary(campaign: Campaign) -> LinkageSummary:
    """The campaign's linkage: live from the stored keys (LK2 agreement rules, `linkage.link`) while it is
    open, from its `LinkageSnapshot` once it is closed (same figures, no key left)."""
    snapshot = LinkageSnapshot.objects.filter(campaign=campaign).first()
    if snapshot is not None:
        return _from_snapshot(snapshot)
    participants = list(
        Participant.objects.filter(campaign=campaign, key_list__isnull=False)
        .select_related("key_list")
        .order_by("name")
    )
    lists = [
        ListInfo(
            f"L{i}",
            p,
            p.key_list.row_count,
            p.key_list.duplicate_count,
            p.key_list.rows_set_aside,
            dict(p.key_list.set_aside_reasons or {}),
        )
        for i, p in enumerate(participants, start=1)
    ]
    position = {info.participant.pk: i for i, info in enumerate(lists)}
    stored = LinkageRecord.objects.filter(campaign=campaign)
    # The linkage takes seconds on large lists and every page of an open campaign reads it: its cells (counts
    # per capture history × age band × sex × online, never a key) are kept in the cache under a fingerprint
    # of what they are computed from. A list sent again is a new KeyList (deleted and created, a new random
    # public id) and a withdrawn one is gone, so the fingerprint changes with any change of the input.
    fingerprint = (
        "diagnostic-linkage:"
        + hashlib.sha256(
            repr(
                (
                    str(campaign.public_id),
                    [
                        (str(info.participant.public_id), str(info.participant.key_list.public_id))
                        for info in lists
                    ],
                    stored.count(),
                )
            ).encode()
        ).hexdigest()
    )
    cells = cache.get(fingerprint)
    if cells is None:
        rows = stored.values_list("keys", "key_list__participant_id", "age_band", "sex", "online")
        records = []
        for keys, participant_id, band, sex, online in rows.iterator(chunk_size=2000):
            keys = frozenset(keys.split())
            # A row with a birth year only has one key (« LK2|Y| »); a full date gives three or more.
            records.append(linkage.Record(position[participant_id], keys, sex, band, online, len(keys) > 1))
        cells = Counter(_clusters(records, len(lists)))
        cache.set(fingerprint, cells, timeout=rules.LINKAGE_CACHE_SECONDS)
    return _summary(lists, cells)


def _summary(lists: list[ListInfo], cells: Counter) -> LinkageSummary:
    memberships = [
        pattern for (pattern, _, _, _), n in sorted(cells.items(), key=_cell_order) for _ in range(n)
    ]
    histories: Counter[Pattern] = Counter()
    strata: dict[tuple[str, str], Counter] = {}
    breakdowns = {
        "age_band": {label: 0 for label in AgeBand.labels},
        "sex": {label: 0 for label in Sex.labels},
        "online": {"Repérée en ligne": 0, "Non repérée en ligne": 0},
    }
    band_label, sex_label = dict(AgeBand.choices), dict(Sex.choices)
    for (pattern, band, sex, online), n in cells.items():
        histories[pattern] += n
        strata.setdefault((band, sex), Counter())[pattern] += n
        breakdowns["age_band"][band_label[band]] += n
        breakdowns["sex"][sex_label[sex]] += n
        breakdowns["online"]["Repérée en ligne" if online else "Non repérée en ligne"] += n
    pairs = [
        (lists[i], lists[j], sum(n for pattern, n in histories.items() if pattern[i] and pattern[j]))
        for i, j in combinations(range(len(lists)), 2)
    ]
    return LinkageSummary(
        lists=lists,
        distinct=sum(histories.values()),
        records=sum(info.rows for info in lists),
        histories=histories.most_common(),
        pairs=pairs,
        on_several=sum(n for pattern, n in histories.items() if sum(pattern) >= 2),
        breakdowns=breakdowns,
        memberships=memberships,
        rows_set_aside=sum(info.rows_set_aside for info in lists),
        strata={stratum: counts.most_common() for stratum, counts in sorted(strata.items())},
        cells=dict(cells),
    )


def _cell_order(item):
    (pattern, band, sex, online), _ = item
    return (pattern, band, sex, online)


def _clusters(records: list[linkage.Record], n_lists: int) -> list[Cell]:
    """One cell per person found by `linkage.link` (union-find under the LK2 agreement rules)."""
    return [
        (cluster.membership, cluster.age_band, cluster.sex, cluster.online)
        for cluster in linkage.link(records, n_lists).clusters
    ]


SNAPSHOT_VERSION = 1


def _pattern_text(pattern: Pattern) -> str:
    return "".join("1" if on else "0" for on in pattern)


def snapshot_data(summary: LinkageSummary) -> dict:
    """The JSON of a `LinkageSnapshot`: the lists' figures and the cells' counts, never a key."""
    return {
        "version": SNAPSHOT_VERSION,
        "lists": [
            {
                "code": info.code,
                "participant": info.participant.pk,
                "rows": info.rows,
                "duplicates": info.duplicates,
                "rows_set_aside": info.rows_set_aside,
                "reasons": info.set_aside_reasons,
            }
            for info in summary.lists
        ],
        "cells": [
            [_pattern_text(pattern), band, sex, online, n]
            for (pattern, band, sex, online), n in sorted(summary.cells.items(), key=_cell_order)
        ],
    }


def _from_snapshot(snapshot: LinkageSnapshot) -> LinkageSummary:
    data = snapshot.data
    participants = Participant.objects.in_bulk([entry["participant"] for entry in data["lists"]])
    lists = [
        ListInfo(
            entry["code"],
            participants[entry["participant"]],
            entry["rows"],
            entry.get("duplicates", 0),
            entry.get("rows_set_aside", 0),
            dict(entry.get("reasons") or {}),
        )
        for entry in data["lists"]
    ]
    cells = Counter(
        {
            (tuple(c == "1" for c in pattern), band, sex, online): n
            for pattern, band, sex, online, n in data["cells"]
        }
    )
    summary = _summary(lists, cells)
    summary.frozen = True
    return summary


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
    # The model selection fits about a thousand log-linear models (seconds): its outcome is a function of the
    # lists' codes and the capture histories alone, cached under their digest (counts, never a key).
    digest = (
        "diagnostic-estimate:"
        + hashlib.sha256(
            repr((summary.codes, sorted(Counter(summary.memberships).items()))).encode()
        ).hexdigest()
    )
    cached = cache.get(digest)
    if cached is not None:
        return cached
    try:
        outcome = EstimateOutcome(estimate_memberships(summary.codes, summary.memberships), None)
    except EstimationError as error:
        outcome = EstimateOutcome(None, error.message)
    cache.set(digest, outcome, timeout=rules.LINKAGE_CACHE_SECONDS)
    return outcome


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
