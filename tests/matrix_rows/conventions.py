# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of conventions and the departmental strategy (parcours/conventions).

A convention is read by the secretariat and by the partners whose organisation is a party (here the association
L'Escale and the partner advisor's organisation); everything else is the secretariat's.
"""

from __future__ import annotations

from decimal import Decimal

from parcours.conventions import services
from tests.factories import (
    CommitmentFactory,
    ConventionFactory,
    PartyFactory,
    StrategyActionFactory,
    StrategyFactory,
)
from tests.matrix_rows.base import GET, PA, POST, Row, S, _date, _none


def _convention(w):
    convention = ConventionFactory(departement=w.departement, created_by=w.actors[S].user)
    PartyFactory(convention=convention, organisation=w.association)
    PartyFactory(convention=convention, organisation=w.actors[PA].organisation)
    return convention


def _conv(w, data=None):
    return {"pk": _convention(w).public_id}, data


def _commitment(w):
    convention = _convention(w)
    return CommitmentFactory(convention=convention, party=convention.parties.first())


def _party_remove(w):
    convention = _convention(w)
    party = PartyFactory(convention=convention, organisation=None, name="Union fictive", kind="other")
    return {"pk": convention.public_id, "party": party.public_id}, {"confirmation": "oui"}


def _commitment_add(w):
    convention = _convention(w)
    return {"pk": convention.public_id}, {"party": convention.parties.first().public_id, "text": "Repérer"}


def _commitment_remove(w):
    c = _commitment(w)
    return {"pk": c.convention.public_id, "commitment": c.public_id}, {"confirmation": "oui"}


def _indicator_add(w):
    c = _commitment(w)
    return {"pk": c.convention.public_id}, {
        "owner": c.public_id,
        "kind": "measure",
        "measure_code": "pathways.authorisations",
        "target": "5",
        "target_basis": "year",
    }


def _manual(w):
    c = _commitment(w)
    return c, services.add_indicator(
        actor=w.actors[S], commitment=c, kind="manual", label="Jeunes sensibilisés"
    )


def _indicator_remove(w):
    c, indicator = _manual(w)
    return {"pk": c.convention.public_id, "indicator": indicator.public_id}, {"confirmation": "oui"}


def _value_add(w):
    c, indicator = _manual(w)
    start = c.convention.start
    return {"pk": c.convention.public_id}, {
        "indicator": indicator.public_id,
        "period_start": _date(start),
        "period_end": _date(start),
        "value": "12",
    }


def _axis(w):
    convention = _convention(w)
    axis = services.add_axis(actor=w.actors[S], convention=convention, title="Mutualiser les réseaux")
    return {"pk": convention.public_id, "axis": axis.public_id}


def _axis_remove(w):
    return _axis(w), {"confirmation": "oui"}


def _strategy(w, data=None):
    strategy = StrategyFactory(departement=w.departement, created_by=w.actors[S].user)
    return {"pk": strategy.public_id}, data


def _action(w):
    return StrategyActionFactory(
        objective__strategy__departement=w.departement, objective__strategy__created_by=w.actors[S].user
    )


def _action_add(w):
    action = _action(w)
    strategy = action.objective.strategy
    return {"pk": strategy.public_id}, {
        "objective": action.objective.public_id,
        "title": "Former les conseillers",
        "owner": w.association.public_id,
        "deadline": _date(action.deadline),
        "status": "planned",
    }


def _action_update(w):
    action = _action(w)
    return {"pk": action.objective.strategy.public_id, "action": action.public_id}, {
        "status": "in_progress",
        "deadline": _date(action.deadline),
    }


def _strategy_indicator_add(w):
    action = _action(w)
    return {"pk": action.objective.strategy.public_id}, {
        "owner": action.objective.public_id,
        "kind": "manual",
        "label": "Collèges couverts",
        "target": "",
        "target_basis": "total",
    }


def _objective_remove(w):
    action = _action(w)
    strategy = action.objective.strategy
    objective = services.add_objective(actor=w.actors[S], strategy=strategy, title="Objectif sans action")
    return {"pk": strategy.public_id, "objective": objective.public_id}, {"confirmation": "oui"}


def _action_remove(w):
    action = _action(w)
    return {"pk": action.objective.strategy.public_id, "action": action.public_id}, {"confirmation": "oui"}


def _strategy_indicator_remove(w):
    action = _action(w)
    indicator = services.add_indicator(
        actor=w.actors[S], objective=action.objective, kind="manual", label="Collèges"
    )
    return {"pk": action.objective.strategy.public_id, "indicator": indicator.public_id}, {
        "confirmation": "oui"
    }


def _strategy_value_add(w):
    action = _action(w)
    strategy = action.objective.strategy
    indicator = services.add_indicator(
        actor=w.actors[S], objective=action.objective, kind="manual", label="Collèges"
    )
    return {"pk": strategy.public_id}, {
        "indicator": indicator.public_id,
        "period_start": f"{strategy.first_year}-01-01",
        "period_end": f"{strategy.first_year}-12-31",
        "value": str(Decimal(3)),
    }


def _strategy_review_add(w):
    action = _action(w)
    strategy = action.objective.strategy
    return {"pk": strategy.public_id}, {
        "year": strategy.first_year,
        "held_on": _date(w.today),
        "text": "Bilan de l'année",
        f"action_{action.public_id.hex}": "in_progress",
    }


# fmt: off
#                                                                                   S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "conventions:list": Row(GET, _none,                                           (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "conventions:create": Row(GET, _none,                                         (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:detail": Row(GET, _conv,                                         (200, 403, 200, 200, 403, 200, 403, 403, 403), 302),
    "conventions:edit": Row(GET, _conv,                                           (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:axis_edit": Row(GET, lambda w: (_axis(w), None),                 (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:axis_remove": Row(POST, _axis_remove,                            (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:axis_add": Row(POST, lambda w: _conv(w, {"title": "Repérer et accompagner"}),
                                                                                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:party_add": Row(POST, lambda w: _conv(w, {"name": "Union départementale fictive", "kind": "other",
                                                          "signatory_name": "Dominique Président", "signatory_capacity": "Président"}),
                                                                                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:party_remove": Row(POST, _party_remove,                          (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:commitment_add": Row(POST, _commitment_add,                      (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:commitment_remove": Row(POST, _commitment_remove,                (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:indicator_add": Row(POST, _indicator_add,                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:indicator_remove": Row(POST, _indicator_remove,                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:value_add": Row(POST, _value_add,                                (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:review_add": Row(POST, lambda w: _conv(w, {"held_on": _date(w.today), "participants": "Préfecture, Missions locales",
                                                           "minutes": "Point d'étape", "decisions": ""}),
                                                                                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:close": Row(POST, lambda w: _conv(w, {"day": _date(w.today), "reason": "Terme atteint", "confirmation": "oui"}),
                                                                                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:strategy_list": Row(GET, _none,                                  (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:strategy_create": Row(GET, _none,                                (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:strategy_detail": Row(GET, _strategy,                            (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:strategy_edit": Row(GET, _strategy,                              (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:objective_remove": Row(POST, _objective_remove,                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:objective_add": Row(POST, lambda w: _strategy(w, {"title": "Repérer les mineurs"}),
                                                                                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:action_add": Row(POST, _action_add,                              (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:action_update": Row(POST, _action_update,                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:action_remove": Row(POST, _action_remove,                        (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:strategy_indicator_remove": Row(POST, _strategy_indicator_remove,
                                                                                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:strategy_indicator_add": Row(POST, _strategy_indicator_add,      (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:strategy_value_add": Row(POST, _strategy_value_add,              (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "conventions:strategy_review_add": Row(POST, _strategy_review_add,            (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
