"""Correcting what was recorded: a convention's general information and its axes, a strategy's general
information, its objectives, actions and indicators. Same checks as at creation, French refusals, nothing
saved, every change journalised."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.conventions import services
from parcours.conventions.models import Axis, Convention, Indicator, ManualValue, Objective, StrategyAction
from parcours.core.models import AuditEvent
from tests.factories import CommitmentFactory, ConventionFactory, DepartementFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

GENERAL = {
    "title": "Convention Missions locales",
    "reference": "",
    "signed_on": date(2025, 6, 9),
    "start": date(2025, 6, 9),
    "duration_months": 36,
    "end": None,
    "renewal_terms": "",
}


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


@pytest.fixture
def convention(sec):
    return services.create_convention(actor=sec, **GENERAL)


def _update(sec, convention, **changes):
    return services.update_convention(actor=sec, convention=convention, **{**GENERAL, **changes})


def _stored(convention):
    return Convention.objects.values().get(pk=convention.pk)


def _events(obj, detail):
    return AuditEvent.objects.filter(object_id=str(obj.public_id), detail=detail).count()


def test_a_typo_in_the_title_and_new_dates_are_corrected_and_journalised(sec, convention):
    _update(
        sec,
        convention,
        title="  Convention Missions locales et associations  ",
        reference="PREF-2025-12",
        duration_months=None,
        end=date(2027, 12, 31),
        renewal_terms="Renouvelable une fois.",
    )
    convention.refresh_from_db()
    assert convention.title == "Convention Missions locales et associations"
    assert convention.reference == "PREF-2025-12"
    assert (convention.duration_months, convention.end) == (None, date(2027, 12, 31))
    assert convention.renewal_terms == "Renouvelable une fois."
    assert _events(convention, "informations générales modifiées") == 1
    _update(sec, convention, duration_months=12)
    convention.refresh_from_db()
    assert (convention.duration_months, convention.end) == (12, date(2026, 6, 8))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "L'intitulé de la convention est obligatoire."),
        ({"duration_months": None, "end": date(2025, 1, 1)}, "end", "La date de fin ne peut pas précéder"),
        ({"duration_months": None}, "duration_months", "Indiquez la durée de la convention"),
        ({"end": date(2026, 1, 1)}, "end", "pas les deux"),
        ({"duration_months": 500}, "duration_months", "ne peut pas dépasser 120 mois"),
        ({"start": date(2024, 1, 1)}, "start", "plus d'un an"),
    ],
)
def test_bad_general_information_is_refused_as_at_creation(sec, convention, changes, field, message):
    before = _stored(convention)
    with pytest.raises(ValidationError) as exc:
        _update(sec, convention, **changes)
    assert message in " ".join(exc.value.message_dict[field])
    assert _stored(convention) == before
    assert _events(convention, "informations générales modifiées") == 0


def test_the_reference_of_another_convention_is_refused_its_own_kept(sec, convention):
    services.create_convention(actor=sec, **{**GENERAL, "reference": "PREF-1"})
    with pytest.raises(ValidationError, match="porte déjà cette référence"):
        _update(sec, convention, reference="PREF-1")
    _update(sec, convention, reference="PREF-2")
    _update(sec, convention, reference="PREF-2", title="Autre intitulé")
    assert Convention.objects.get(pk=convention.pk).title == "Autre intitulé"


def test_new_dates_must_keep_the_values_and_reviews_already_recorded(sec, convention, departement):
    commitment = CommitmentFactory(party__convention=convention, convention=convention)
    indicator = services.add_indicator(actor=sec, commitment=commitment, kind="manual", label="Jeunes")
    services.add_manual_value(
        actor=sec,
        indicator=indicator,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
        value=Decimal(4),
    )
    with pytest.raises(ValidationError) as exc:
        _update(sec, convention, duration_months=12)
    assert "du 01/01/2027 au 31/03/2027" in exc.value.message_dict["duration_months"][0]
    services.record_review_meeting(
        actor=sec, convention=convention, held_on=date(2025, 7, 1), participants="Préfecture", minutes="Point"
    )
    with pytest.raises(ValidationError) as exc:
        _update(sec, convention, signed_on=date(2025, 8, 1), start=date(2025, 8, 1))
    assert "La réunion de suivi du 01/07/2025 précède" in exc.value.message_dict["signed_on"][0]
    assert Convention.objects.get(pk=convention.pk).end == date(2028, 6, 8)


def test_a_closed_convention_is_not_corrected(sec, convention):
    axis = services.add_axis(actor=sec, convention=convention, title="Repérer")
    services.close_convention(actor=sec, convention=convention, day=date(2025, 12, 31), reason="Dénoncée")
    with pytest.raises(ValidationError, match="close"):
        _update(sec, convention, title="Autre")
    with pytest.raises(ValidationError, match="close"):
        services.rename_axis(actor=sec, axis=axis, title="Autre")
    with pytest.raises(ValidationError, match="close"):
        services.remove_axis(actor=sec, axis=axis)
    assert Convention.objects.get(pk=convention.pk).title == GENERAL["title"]
    assert Axis.objects.filter(pk=axis.pk).exists()


def test_only_the_secretariat_of_the_departement_corrects(actors, convention):
    other = ConventionFactory(departement=DepartementFactory(code="98", name="Autre département"))
    with pytest.raises(PermissionDenied):
        _update(actors["partner_advisor"], convention, title="Autre")
    with pytest.raises(PermissionDenied):
        _update(actors["secretariat"], other, title="Autre")


def test_an_axis_is_renamed_but_not_to_a_title_it_already_has(sec, convention):
    first = services.add_axis(actor=sec, convention=convention, title="Repérer")
    services.add_axis(actor=sec, convention=convention, title="Partager")
    with pytest.raises(ValidationError, match="figure déjà"):
        services.rename_axis(actor=sec, axis=first, title="Partager")
    with pytest.raises(ValidationError, match="obligatoire"):
        services.rename_axis(actor=sec, axis=first, title=" ")
    services.rename_axis(actor=sec, axis=first, title="Repérer et accompagner")
    assert Axis.objects.get(pk=first.pk).title == "Repérer et accompagner"
    assert _events(convention, "axe renommé") == 1


def test_an_axis_with_commitments_stays_and_the_error_names_them(sec, convention):
    first = services.add_axis(actor=sec, convention=convention, title="Repérer")
    second = services.add_axis(actor=sec, convention=convention, title="Partager")
    third = services.add_axis(actor=sec, convention=convention, title="Mutualiser")
    CommitmentFactory(
        party__convention=convention, convention=convention, axis=second, text="Former les conseillers"
    )
    with pytest.raises(ValidationError) as exc:
        services.remove_axis(actor=sec, axis=second)
    assert "« Partager » porte des engagements : « Former les conseillers »" in exc.value.messages[0]
    assert Axis.objects.filter(pk=second.pk).exists()
    services.remove_axis(actor=sec, axis=first)
    assert list(convention.axes.values_list("order", "title")) == [(1, "Partager"), (2, "Mutualiser")]
    assert Axis.objects.get(pk=third.pk).order == 2
    assert _events(convention, "axe retiré") == 1


# --- The strategy ---


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def strategy(sec, year):
    return services.create_strategy(actor=sec, title="Stratégie", first_year=year, last_year=year + 2)


def _update_strategy(sec, strategy, **changes):
    data = {
        "title": strategy.title,
        "first_year": strategy.first_year,
        "last_year": strategy.last_year,
        "adopted_on": strategy.adopted_on,
    }
    return services.update_strategy(actor=sec, strategy=strategy, **{**data, **changes})


def test_a_strategy_is_corrected_with_the_checks_of_its_creation(sec, strategy, year):
    services.create_strategy(actor=sec, title="Suivante", first_year=year + 4, last_year=year + 5)
    for changes, field in [
        ({"title": ""}, "title"),
        ({"last_year": year - 1}, "last_year"),
        ({"last_year": year + 10}, "last_year"),
        ({"last_year": year + 4}, "first_year"),
    ]:
        with pytest.raises(ValidationError) as exc:
            _update_strategy(sec, strategy, **changes)
        assert field in exc.value.message_dict, changes
    strategy.refresh_from_db()
    assert (strategy.title, strategy.last_year) == ("Stratégie", year + 2)
    _update_strategy(
        sec, strategy, title="Stratégie départementale", last_year=year + 3, adopted_on=date(year, 3, 1)
    )
    strategy.refresh_from_db()
    assert (strategy.title, strategy.last_year, strategy.adopted_on) == (
        "Stratégie départementale",
        year + 3,
        date(year, 3, 1),
    )
    assert _events(strategy, "informations générales modifiées") == 1


def test_new_years_must_keep_deadlines_reviews_and_values(sec, strategy, year, departement):
    objective = services.add_objective(actor=sec, strategy=strategy, title="Repérer")
    action = services.add_action(
        actor=sec,
        objective=objective,
        title="Former les conseillers",
        owner=OrganisationFactory(departement=departement),
        deadline=date(year + 2, 6, 30),
    )
    with pytest.raises(ValidationError) as exc:
        _update_strategy(sec, strategy, last_year=year + 1)
    assert "« Former les conseillers » (30/06/" in exc.value.message_dict["last_year"][0]
    services.update_action(actor=sec, action=action, status="planned", deadline=date(year + 1, 6, 30))
    services.record_strategy_review(
        actor=sec, strategy=strategy, year=year, held_on=timezone.localdate(), text="Bilan", statuses={}
    )
    with pytest.raises(ValidationError) as exc:
        _update_strategy(sec, strategy, first_year=year + 1, last_year=year + 2)
    assert f"Le bilan {year} est enregistré" in exc.value.message_dict["first_year"][0]
    indicator = services.add_indicator(actor=sec, objective=objective, kind="manual", label="Collèges")
    services.add_manual_value(
        actor=sec,
        indicator=indicator,
        period_start=date(year + 2, 1, 1),
        period_end=date(year + 2, 3, 31),
        value=Decimal(2),
    )
    with pytest.raises(ValidationError) as exc:
        _update_strategy(sec, strategy, last_year=year + 1)
    assert f"du 01/01/{year + 2} au 31/03/{year + 2}" in exc.value.message_dict["last_year"][0]
    strategy.refresh_from_db()
    assert (strategy.first_year, strategy.last_year) == (year, year + 2)


def test_an_objective_with_actions_stays_one_without_goes_with_indicators(sec, strategy, year, departement):
    first = services.add_objective(actor=sec, strategy=strategy, title="Repérer")
    second = services.add_objective(actor=sec, strategy=strategy, title="Former")
    services.add_action(
        actor=sec,
        objective=second,
        title="Former les conseillers",
        owner=OrganisationFactory(departement=departement),
        deadline=date(year, 6, 30),
    )
    indicator = services.add_indicator(actor=sec, objective=first, kind="manual", label="Collèges")
    services.add_manual_value(
        actor=sec, indicator=indicator, period_start=date(year, 1, 1), period_end=date(year, 1, 31), value=1
    )
    with pytest.raises(ValidationError) as exc:
        services.remove_objective(actor=sec, objective=second)
    assert "« Former » porte des actions : « Former les conseillers »" in exc.value.messages[0]
    services.remove_objective(actor=sec, objective=first)
    assert list(strategy.objectives.values_list("order", "title")) == [(1, "Former")]
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert not ManualValue.objects.exists()
    assert _events(strategy, "objectif retiré avec ses indicateurs") == 1


def test_an_action_goes_unless_a_yearly_review_recorded_it(sec, strategy, year, departement):
    objective = services.add_objective(actor=sec, strategy=strategy, title="Repérer")
    owner = OrganisationFactory(departement=departement)
    kept, gone = (
        services.add_action(actor=sec, objective=objective, title=t, owner=owner, deadline=date(year, 6, 30))
        for t in ("Former les conseillers", "Sensibiliser les collèges")
    )
    services.record_strategy_review(
        actor=sec,
        strategy=strategy,
        year=year,
        held_on=timezone.localdate(),
        text="Bilan",
        statuses={kept.pk: "in_progress"},
    )
    with pytest.raises(ValidationError, match=f"figure dans le bilan {year}.*Abandonnée"):
        services.remove_action(actor=sec, action=kept)
    services.remove_action(actor=sec, action=gone)
    assert list(StrategyAction.objects.values_list("title", flat=True)) == ["Former les conseillers"]
    assert _events(strategy, "action retirée") == 1


def test_a_strategy_indicator_goes_with_its_values_through_the_shared_service(actors, sec, strategy, year):
    objective = services.add_objective(actor=sec, strategy=strategy, title="Repérer")
    indicator = services.add_indicator(actor=sec, objective=objective, kind="manual", label="Collèges")
    services.add_manual_value(
        actor=sec, indicator=indicator, period_start=date(year, 1, 1), period_end=date(year, 1, 31), value=3
    )
    with pytest.raises(PermissionDenied):
        services.remove_indicator(actor=actors["partner_advisor"], indicator=indicator)
    services.remove_indicator(actor=sec, indicator=indicator)
    assert not Indicator.objects.exists() and not ManualValue.objects.exists()
    assert Objective.objects.filter(pk=objective.pk).exists()
    assert _events(strategy, "indicateur retiré avec ses valeurs") == 1
