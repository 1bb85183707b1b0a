# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of the exports of indicators and of the commission's annual report
(parcours/stats). An export is reached by the membership that asked for it only: the other roles that may
export get 404, as for any object out of their scope."""

from __future__ import annotations

from parcours.core.roles import Role
from parcours.stats import services
from parcours.stats.models import IndicatorExport
from tests.matrix_rows.base import GET, POST, Row, _none


def _export(w, *, ready=False):
    actor = w.actors[Role.SECRETARIAT]
    export = IndicatorExport.objects.create(
        departement=actor.departement,
        requested_by=actor.membership,
        audience="secretariat",
        codes=["actions.trainings"],
        first_year=w.today.year,
        last_year=w.today.year,
        format="csv",
    )
    if ready:
        services.run_export(str(export.public_id))
    return {"pk": export.public_id}, None


def _year(w):
    return {}, {"annee": str(w.today.year)}


# fmt: off
#                                                                                  S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    # The export form (a small export is sent at once; its POST prepares a large one in the background).
    "stats:export": Row(GET, _none,                                              (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "stats:export_status": Row(GET, _export,                                     (200, 403, 404, 404, 403, 404, 403, 403, 403), 302),
    "stats:export_download": Row(GET, lambda w: _export(w, ready=True),          (200, 403, 404, 404, 403, 404, 403, 403, 403), 302),
    # The commission's annual report: the secretariat prepares and generates it.
    "stats:annual_report": Row(GET, _none,                                       (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "stats:annual_report_generate": Row(POST, _year,                             (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
