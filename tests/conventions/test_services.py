"""Conventions and the strategy: the services refuse bad input in French and save nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parcours.conventions import services
from parcours.conventions.figures import indicator_figures, windows
from parcours.conventions.models import Convention, Indicator, ManualValue, Party, StrategyAction
from parcours.core.models import OrganisationKind
from tests.factories import CommitmentFactory, ConventionFactory, IndicatorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _create(actors, **kwargs):
    data = {
        "title": "Convention Missions locales",
        "signed_on": date(2025, 6, 9),
        "start": date(2025, 6, 9),
        "duration_months": 36,
    }
    data.update(kwargs)
    return services.create_convention(actor=actors["secretariat"], **data)


def test_duration_gives_the_end(actors):
    convention = _create(actors)
    assert convention.end == date(2028, 6, 8)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"duration_months": None, "end": date(2025, 1, 1)}, "end"),
        ({"duration_months": None, "end": None}, "duration_months"),
        ({"duration_months": 12, "end": date(2026, 1, 1)}, "end"),
        ({"duration_months": 500}, "duration_months"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_convention_dates_are_refused(actors, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        _create(actors, **kwargs)
    assert field in exc.value.message_dict
    assert not Convention.objects.exists()


def test_a_party_twice_is_refused(actors, departement):
    convention = _create(actors)
    ml = OrganisationFactory(departement=departement, kind=OrganisationKind.MISSION_LOCALE)
    services.add_party(actor=actors["secretariat"], convention=convention, organisation=ml)
    with pytest.raises(ValidationError, match="déjà partie"):
        services.add_party(actor=actors["secretariat"], convention=convention, organisation=ml)
    services.add_party(
        actor=actors["secretariat"], convention=convention, name="Union des missions locales", kind="other"
    )
    with pytest.raises(ValidationError, match="déjà ce nom"):
        services.add_party(
            actor=actors["secretariat"],
            convention=convention,
            name="union des missions locales",
            kind="other",
        )
    assert convention.parties.count() == 2


def test_only_the_secretariat_of_the_departement_writes(actors):
    convention = ConventionFactory(departement=actors["secretariat"].departement)
    with pytest.raises(PermissionDenied):
        services.add_axis(actor=actors["partner_advisor"], convention=convention, title="Repérer")


def test_indicator_code_must_be_registered_and_target_not_negative(actors, departement):
    commitment = CommitmentFactory(party__convention__departement=departement)
    with pytest.raises(ValidationError) as exc:
        services.add_indicator(
            actor=actors["secretariat"], commitment=commitment, kind="measure", measure_code="inconnue.code"
        )
    assert "measure_code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_indicator(
            actor=actors["secretariat"],
            commitment=commitment,
            kind="measure",
            measure_code="pathways.authorisations",
            target=Decimal("-1"),
        )
    assert "target" in exc.value.message_dict
    assert not Indicator.objects.exists()


def test_manual_values_inside_the_period_without_overlap(actors, departement):
    commitment = CommitmentFactory(party__convention__departement=departement)
    convention = commitment.convention
    indicator = services.add_indicator(
        actor=actors["secretariat"], commitment=commitment, kind="manual", label="Jeunes sensibilisés"
    )
    start = convention.start
    services.add_manual_value(
        actor=actors["secretariat"],
        indicator=indicator,
        period_start=start,
        period_end=start + timedelta(days=89),
        value=Decimal(12),
    )
    for kwargs, field in [
        (
            {"period_start": start + timedelta(days=30), "period_end": start + timedelta(days=120)},
            "period_start",
        ),
        (
            {"period_start": start - timedelta(days=30), "period_end": start - timedelta(days=1)},
            "period_start",
        ),
        (
            {"period_start": start + timedelta(days=200), "period_end": start + timedelta(days=100)},
            "period_end",
        ),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.add_manual_value(
                actor=actors["secretariat"], indicator=indicator, value=Decimal(1), **kwargs
            )
        assert field in exc.value.message_dict
    assert ManualValue.objects.count() == 1


def test_windows_are_calendar_years_stopping_today():
    spans = windows(date(2023, 6, 9), date(2026, 6, 8), date(2025, 3, 1))
    assert [(w.label, w.start, w.end, w.partial) for w in spans] == [
        ("2023", date(2023, 6, 9), date(2023, 12, 31), True),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), False),
        ("2025", date(2025, 1, 1), date(2025, 3, 1), True),
    ]
    assert windows(date(2030, 1, 1), date(2031, 1, 1), date(2025, 3, 1)) == []


def _figures(indicator, *, exact, today=None):
    convention = indicator.commitment.convention
    return indicator_figures(
        indicator,
        departement=convention.departement,
        start=convention.start,
        end=convention.end,
        today=today or timezone.localdate(),
        exact=exact,
        threshold=11,
    )


def test_unregistered_code_says_the_source_is_not_available(departement):
    indicator = IndicatorFactory(
        commitment__party__convention__departement=departement, measure_code="actions.absente"
    )
    figures = _figures(indicator, exact=True)
    assert not figures.available and "pas disponible" in figures.definition


def test_none_is_not_zero(departement, association):
    """A measure that returns None (meetings for one organisation) shows « donnée non disponible »."""
    indicator = IndicatorFactory(
        commitment__party__convention__departement=departement,
        commitment__party__organisation=association,
        measure_code="commission.meetings_held",
        party_only=True,
    )
    commitment = indicator.commitment
    figures = indicator_figures(
        indicator,
        departement=departement,
        start=commitment.convention.start,
        end=commitment.convention.end,
        today=timezone.localdate(),
        organisation=association,
        exact=True,
        threshold=11,
    )
    assert {c.display for c in figures.cells} == {"donnée non disponible"}
    zero = _figures(
        IndicatorFactory(commitment=commitment, measure_code="commission.meetings_held"), exact=True
    )
    assert {c.display for c in zero.cells} == {"0"}


def test_small_counts_are_secret_outside_the_secretariat(departement, actors):
    commitment = CommitmentFactory(party__convention__departement=departement)
    convention = commitment.convention
    indicator = services.add_indicator(
        actor=actors["secretariat"],
        commitment=commitment,
        kind="manual",
        label="Jeunes orientés",
        target=Decimal(20),
    )
    year = convention.start.year
    for day, value in [(date(year, 3, 31), 4), (date(year, 6, 30), 30)]:
        services.add_manual_value(
            actor=actors["secretariat"],
            indicator=indicator,
            period_start=day.replace(day=1),
            period_end=day,
            value=Decimal(value),
        )
    services.add_manual_value(
        actor=actors["secretariat"],
        indicator=indicator,
        period_start=date(year + 1, 1, 1),
        period_end=date(year + 1, 1, 31),
        value=Decimal(3),
    )
    exact = _figures(indicator, exact=True)
    assert [c.display for c in exact.cells][:2] == ["34", "3"]
    assert exact.total.display == "37"
    assert exact.cells[0].progress == "170 %"
    published = _figures(indicator, exact=False)
    # 3 is secret; the total would give it back (37 − 34): 34 is hidden too (secondary suppression).
    assert [c.state for c in published.cells][:2] == ["secret", "secret"]
    assert published.total.display == "37"
    assert published.cells[1].progress == "" and published.secrecy_applied


def test_close_convention_stops_its_figures(actors):
    convention = _create(actors, signed_on=date(2024, 1, 1), start=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        services.close_convention(
            actor=actors["secretariat"], convention=convention, day=date(2023, 1, 1), reason="x"
        )
    services.close_convention(
        actor=actors["secretariat"], convention=convention, day=date(2025, 1, 31), reason="Dénoncée"
    )
    convention.refresh_from_db()
    assert convention.end == date(2025, 1, 31) and convention.state == "closed"
    with pytest.raises(ValidationError, match="close"):
        services.add_axis(actor=actors["secretariat"], convention=convention, title="Nouvel axe")


def test_strategy_actions_reviews_and_the_board(actors, departement):
    from parcours.deadlines.selectors import board_for

    sec = actors["secretariat"]
    year = timezone.localdate().year
    with pytest.raises(ValidationError) as exc:
        services.create_strategy(actor=sec, title="Stratégie", first_year=year, last_year=year - 1)
    assert "last_year" in exc.value.message_dict
    strategy = services.create_strategy(actor=sec, title="Stratégie", first_year=year - 1, last_year=year + 1)
    objective = services.add_objective(actor=sec, strategy=strategy, title="Repérer")
    owner = OrganisationFactory(departement=departement)
    late = services.add_action(
        actor=sec,
        objective=objective,
        title="Former les conseillers",
        owner=owner,
        deadline=date(year - 1, 12, 1),
    )
    services.add_action(
        actor=sec, objective=objective, title="Plus tard", owner=owner, deadline=date(year + 1, 6, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.add_action(
            actor=sec, objective=objective, title="Hors", owner=owner, deadline=date(year + 5, 1, 1)
        )
    assert "deadline" in exc.value.message_dict
    sections = {s.key: s for s in board_for(sec, timezone.localdate())}
    assert [i.label for i in sections["strategy_overdue"].items] == [
        f"Former les conseillers — porteur : {owner}"
    ]
    assert sections["strategy_overdue"].verb
    services.record_strategy_review(
        actor=sec,
        strategy=strategy,
        year=year - 1,
        held_on=timezone.localdate(),
        text="Bilan de l'année",
        statuses={late.pk: "done"},
    )
    assert StrategyAction.objects.get(pk=late.pk).status == "done"
    assert "strategy_overdue" not in {s.key for s in board_for(sec, timezone.localdate()) if s.items}
    with pytest.raises(ValidationError, match="déjà enregistré"):
        services.record_strategy_review(
            actor=sec,
            strategy=strategy,
            year=year - 1,
            held_on=timezone.localdate(),
            text="Encore",
            statuses={},
        )
    assert not board_for(actors["partner_advisor"], timezone.localdate()) or all(
        s.key != "strategy_overdue" for s in board_for(actors["partner_advisor"], timezone.localdate())
    )


def test_party_with_commitments_cannot_be_removed(actors, departement):
    commitment = CommitmentFactory(party__convention__departement=departement)
    with pytest.raises(ValidationError, match="engagements"):
        services.remove_party(actor=actors["secretariat"], party=commitment.party)
    assert Party.objects.filter(pk=commitment.party.pk).exists()
