# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the end of a pathway reported by the association and confirmed by the secretariat."""

from __future__ import annotations

from parcours.pathways import services as psp
from tests.matrix_rows.base import POST, Row

_D = "{:%Y-%m-%d}"


def _reported(w):
    """A pending report on the active pathway (built once per world)."""
    if not hasattr(w, "_end_report"):
        w._end_report = psp.report_end(
            actor=w.worker, pathway=w.active_pathway, reason="withdrawn", day=w.today, motive=""
        )
    return w._end_report


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "pathways:end_report": Row(POST, lambda w: (
        {"pk": w.active_pathway.public_id}, {"reason": "withdrawn", "day": _D.format(w.today), "outcome": "", "motive": ""}),
                                                                        (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
    "pathways:end_report_confirm": Row(POST, lambda w: (
        {"pk": w.active_pathway.public_id, "report": _reported(w).public_id}, {}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "pathways:end_report_refuse": Row(POST, lambda w: (
        {"pk": w.active_pathway.public_id, "report": _reported(w).public_id}, {"motive": "La personne est toujours suivie"}),
                                                                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
