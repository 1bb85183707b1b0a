# ruff: noqa: E501 (one aligned column per role)
"""Matrix rows of the plan's objectives edited in place (a renewal starts from the previous plan)."""

from __future__ import annotations

from parcours.pathways.views import objective_prefix
from tests.matrix_rows.base import POST, Row


def _edit(w):
    objective = w.draft_request.objectives.first()
    p = objective_prefix(objective)
    data = {
        f"{p}-domain": "health",
        f"{p}-objective": "Ouvrir les droits à l'assurance maladie",
        f"{p}-actions": "",
        f"{p}-target_date": "",
    }
    return {"pk": w.draft_pathway.public_id, "objective": objective.public_id}, data


# fmt: off
#                                                                         S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "pathways:objective_edit": Row(POST, _edit,                         (403, 403, 302, 302, 403, 403, 403, 403, 403), 302),
}
# fmt: on
