"""Legal durations, cap and amounts of the PSP (rules.py) and their dated overrides."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.core import dates
from parcours.core.dates import add_months
from parcours.core.models import RuleSetting
from parcours.pathways import rules
from parcours.pathways.rules import RuleError, afis_monthly_amount, next_period, period_end
from parcours.pathways.settings_store import current_afis_amount


def test_constants_follow_the_texts():
    assert rules.PERIOD_MONTHS == 6
    assert rules.MAX_PATHWAY_MONTHS == 24
    assert rules.MAX_PERIODS == 4  # the first period and up to 3 renewals


# --- Periods ---


def test_first_period_starts_on_the_decision_and_lasts_six_months():
    assert next_period([], date(2024, 3, 15)) == (date(2024, 3, 15), date(2024, 9, 14))
    assert next_period([], date(2024, 1, 1)) == (date(2024, 1, 1), date(2024, 6, 30))
    assert next_period([], date(2024, 7, 1)) == (date(2024, 7, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("start", "six_months_later", "end"),
    [
        # No 31 February: the period runs to the last day of February, never less than 6 months.
        (date(2024, 8, 31), date(2025, 2, 28), date(2025, 2, 28)),
        (date(2023, 8, 31), date(2024, 2, 29), date(2024, 2, 29)),  # leap year
        (date(2024, 8, 29), date(2025, 2, 28), date(2025, 2, 28)),  # no 29 February in 2025
        (date(2023, 8, 29), date(2024, 2, 29), date(2024, 2, 28)),  # 29 February exists in 2024
        (date(2024, 3, 31), date(2024, 9, 30), date(2024, 9, 30)),
        (date(2024, 9, 1), date(2025, 3, 1), date(2025, 2, 28)),
        (date(2023, 9, 1), date(2024, 3, 1), date(2024, 2, 29)),
        (date(2024, 12, 31), date(2025, 6, 30), date(2025, 6, 30)),
        (date(2024, 12, 30), date(2025, 6, 30), date(2025, 6, 29)),
    ],
)
def test_month_end_cases(start, six_months_later, end):
    assert add_months(start, 6) == six_months_later
    assert period_end(start) == end
    assert next_period([], start) == (start, end)


def test_renewal_decided_early_starts_the_day_after_the_previous_end():
    first = next_period([], date(2024, 1, 10))
    assert first == (date(2024, 1, 10), date(2024, 7, 9))
    assert next_period([first], date(2024, 6, 1)) == (date(2024, 7, 10), date(2025, 1, 9))


def test_renewal_decided_the_day_after_the_end_is_contiguous():
    first = (date(2024, 1, 10), date(2024, 7, 9))
    assert next_period([first], date(2024, 7, 10))[0] == date(2024, 7, 10)


def test_renewal_decided_late_leaves_a_gap():
    first = (date(2024, 1, 10), date(2024, 7, 9))
    start, end = next_period([first], date(2024, 9, 2))
    assert (start, end) == (date(2024, 9, 2), date(2025, 3, 1))
    assert (start - first[1]).days > 1


def test_requested_start_overlapping_the_previous_period_is_refused():
    first = (date(2024, 1, 10), date(2024, 7, 9))
    with pytest.raises(RuleError) as excinfo:
        next_period([first], date(2024, 6, 1), requested_start=date(2024, 7, 9))
    message = str(excinfo.value)
    assert "chevaucherait" in message and "09/07/2024" in message and "10/07/2024" in message


def test_requested_start_after_the_previous_period_is_kept():
    first = (date(2024, 1, 10), date(2024, 7, 9))
    assert next_period([first], date(2024, 6, 1), requested_start=date(2024, 8, 1)) == (
        date(2024, 8, 1),
        date(2025, 1, 31),
    )


def test_start_before_the_decision_is_refused():
    with pytest.raises(RuleError, match="avant la décision du préfet \\(15/03/2024\\)"):
        next_period([], date(2024, 3, 15), requested_start=date(2024, 3, 14))


def test_renewal_cannot_start_before_its_own_decision():
    first = (date(2024, 1, 10), date(2024, 7, 9))
    with pytest.raises(RuleError):
        next_period([first], date(2024, 9, 1), requested_start=date(2024, 8, 1))


def test_fifth_period_is_refused_at_24_months():
    periods: list[tuple[date, date]] = []
    decision = date(2022, 1, 3)
    for _ in range(4):
        periods.append(next_period(periods, decision))
        decision = periods[-1][1] - timedelta(days=20)
    assert rules.months_used(periods) == 24
    assert not rules.can_renew(periods)
    with pytest.raises(RuleError, match="24 mois"):
        next_period(periods, decision)
    assert rules.can_renew(periods[:3])


@given(
    first_decision=st.dates(min_value=date(2017, 1, 1), max_value=date(2035, 12, 31)),
    delays=st.lists(st.integers(min_value=-170, max_value=200), min_size=1, max_size=8),
)
def test_consecutive_periods_never_overlap_and_never_exceed_24_months(first_decision, delays):
    periods: list[tuple[date, date]] = []
    decision = first_decision
    for delay in delays:
        try:
            start, end = next_period(periods, decision)
        except RuleError:
            assert len(periods) == rules.MAX_PERIODS
            break
        assert start >= decision
        follows_on = bool(periods) and start == periods[-1][1] + timedelta(days=1)
        if not follows_on:
            assert end == period_end(start)
            six_months_later = add_months(start, rules.PERIOD_MONTHS)
            # Each period is 6 months, date to date: never shorter, at most one day longer at a month's end.
            assert six_months_later - timedelta(days=1) <= end <= six_months_later
        else:
            # A renewal that follows on ends 6 months after the previous end, date to date, give or take the
            # days a month's end adds or removes.
            assert abs((end - add_months(periods[-1][1], rules.PERIOD_MONTHS)).days) <= 3
        if periods:
            assert start > periods[-1][1]  # no overlap
            if decision <= periods[-1][1]:
                assert start == periods[-1][1] + timedelta(days=1)  # decided early: contiguous
        periods.append((start, end))
        # The next decision comes some days before or after the end of this period, never before this one.
        decision = max(decision, end + timedelta(days=delay))
    assert len(periods) <= rules.MAX_PERIODS
    assert rules.months_used(periods) <= rules.MAX_PATHWAY_MONTHS
    if all(b[0] == a[1] + timedelta(days=1) for a, b in zip(periods, periods[1:], strict=False)):
        # Back to back: the whole pathway ends exactly 24 months (date to date) after its start, never later.
        assert periods[-1][1] == dates.months_end(periods[0][0], 6 * len(periods))
        assert periods[-1][1] < add_months(periods[0][0], rules.MAX_PATHWAY_MONTHS) or periods[0][0].day > 28


# --- AFIS amounts ---


@pytest.mark.parametrize(
    ("day", "children", "amount"),
    [
        (date(2017, 4, 15), 0, "330.00"),
        (date(2022, 6, 30), 0, "330.00"),
        (date(2022, 6, 30), 1, "432.00"),
        (date(2022, 6, 30), 3, "636.00"),
        (date(2022, 7, 1), 0, "343.20"),
        (date(2022, 7, 1), 1, "449.28"),
        (date(2022, 7, 1), 3, "661.44"),
        (date(2026, 1, 1), 2, "555.36"),
    ],
)
def test_afis_monthly_amount_follows_the_dated_scale(day, children, amount):
    assert afis_monthly_amount(day, children) == Decimal(amount)


def test_afis_before_it_existed_is_refused():
    with pytest.raises(RuleError, match="n'existait pas au 14/04/2017"):
        afis_monthly_amount(date(2017, 4, 14), 0)


def test_afis_with_negative_children_is_refused():
    with pytest.raises(RuleError, match="négatif"):
        afis_monthly_amount(date(2023, 1, 1), -1)


def test_age_on_counts_birthdays():
    assert dates.age_on(date(2006, 5, 10), date(2024, 5, 9)) == 17
    assert dates.age_on(date(2006, 5, 10), date(2024, 5, 10)) == 18
    assert dates.age_on(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert dates.age_on(date(2004, 2, 29), date(2022, 3, 1)) == 18


@pytest.mark.django_db
def test_a_dated_setting_in_the_database_changes_the_amount_from_its_date():
    assert current_afis_amount(date(2025, 6, 1), 1) == Decimal("449.28")
    RuleSetting.objects.create(
        key=rules.AFIS_SCALE_SETTING,
        effective_from=date(2025, 7, 1),
        value={"base": "636.28", "per_child": "120.50"},
        source="Décret fictif d'alignement sur le RSA (test)",
    )
    assert current_afis_amount(date(2025, 6, 30), 1) == Decimal("449.28")
    assert current_afis_amount(date(2025, 7, 1), 1) == Decimal("756.78")
    assert current_afis_amount(date(2026, 3, 1), 0) == Decimal("636.28")
    # Earlier dates keep the scale that applied then.
    assert current_afis_amount(date(2020, 1, 1), 1) == Decimal("432.00")


@pytest.mark.django_db
def test_a_setting_for_another_rule_does_not_change_the_afis():
    RuleSetting.objects.create(key="quorum", effective_from=date(2024, 1, 1), value={"min": 5}, source="test")
    assert current_afis_amount(date(2025, 1, 1), 0) == Decimal("343.20")


def test_back_to_back_renewals_count_from_the_start_of_the_pathway():
    """29 August: no 29 February in 2018, yet four periods end on the 24-month anniversary, not after it."""
    periods: list[tuple[date, date]] = []
    decision = date(2017, 8, 29)
    for _ in range(rules.MAX_PERIODS):
        periods.append(next_period(periods, decision))
        decision = periods[-1][1] - timedelta(days=20)  # each renewal decided before the period ends
    assert periods == [
        (date(2017, 8, 29), date(2018, 2, 28)),
        (date(2018, 3, 1), date(2018, 8, 28)),
        (date(2018, 8, 29), date(2019, 2, 28)),
        (date(2019, 3, 1), date(2019, 8, 28)),
    ]
