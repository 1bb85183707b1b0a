"""The secretariat's linkage and estimate screen: exact figures (the secretariat's own working screen; the
report applies statistical secrecy)."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from parcours.core import audit
from parcours.core.views_base import ActorRequiredMixin
from parcours.secrecy import Cell

from .. import charts, selectors
from ..formats import fr_int
from ..linkage import REASONS
from ..report import exact_estimate


@dataclass(frozen=True)
class MatrixRow:
    code: str
    name: str
    cells: list[str]  # formatted; the diagonal is the list's own size


@dataclass(frozen=True)
class History:
    codes: str  # « L1, L3 »
    n_lists: int
    people: str


def set_aside_text(info: selectors.ListInfo) -> str:
    """« 3 (date de naissance absente : 2 ; écriture non prise en charge : 1) »: counts only, never a row."""
    reasons = " ; ".join(
        f"{REASONS.get(reason, reason.replace('_', ' '))} : {fr_int(n)}"
        for reason, n in sorted(info.set_aside_reasons.items())
        if n
    )
    return fr_int(info.rows_set_aside) + (f" ({reasons})" if reasons else "")


def overlap_matrix(summary: selectors.LinkageSummary) -> list[MatrixRow]:
    shared = {}
    for a, b, n in summary.pairs:
        shared[a.code, b.code] = shared[b.code, a.code] = n
    return [
        MatrixRow(
            row.code,
            row.participant.name,
            [
                fr_int(row.rows if row.code == col.code else shared[row.code, col.code])
                for col in summary.lists
            ],
        )
        for row in summary.lists
    ]


def histories(summary: selectors.LinkageSummary) -> list[History]:
    codes = summary.codes
    return [
        History(", ".join(c for c, on in zip(codes, pattern, strict=True) if on), sum(pattern), fr_int(n))
        for pattern, n in sorted(summary.histories, key=lambda h: (-sum(h[0]), -h[1]))
    ]


class LinkageView(ActorRequiredMixin, TemplateView):
    permission = "diagnostic.manage"
    template_name = "diagnostic/linkage.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(selectors.campaigns_for(self.actor), public_id=self.kwargs["pk"])
        summary = selectors.linkage_summary(campaign)
        outcome = selectors.estimate(summary)
        audit.record(self.actor, "view", campaign, detail="rapprochement et estimation (chiffres exacts)")
        with_list = {info.participant.pk for info in summary.lists}
        return {
            "nav": "diagnostic",
            "campaign": campaign,
            "summary": summary,
            "lists": [
                (
                    info.code,
                    info.participant.name,
                    fr_int(info.rows),
                    fr_int(info.duplicates),
                    set_aside_text(info),
                )
                for info in summary.lists
            ],
            "without_list": [p.name for p in campaign.participants.all() if p.pk not in with_list],
            "records": fr_int(summary.records),
            "rows_set_aside": fr_int(summary.rows_set_aside),
            "distinct": fr_int(summary.distinct),
            "on_several": fr_int(summary.on_several),
            "matrix": overlap_matrix(summary),
            "pairs": [(a, b, fr_int(n)) for a, b, n in summary.pairs],
            "histories": histories(summary),
            "chart": charts.overlap_chart([(f"{a.code} × {b.code}", n) for a, b, n in summary.pairs]),
            "breakdowns": [
                (selectors.BREAKDOWN_TITLES[key], [Cell(label, n) for label, n in counts.items()])
                for key, counts in summary.breakdowns.items()
            ],
            "est": exact_estimate(summary, outcome),
        }
