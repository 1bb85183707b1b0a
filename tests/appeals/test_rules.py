"""The dates of the appeals app at their boundaries, as properties over every day (hypothesis): the two-month
appeal deadline from the notification (CJA R. 421-1), the time to present observations (CRPA L. 122-1),
the day an implicit decision arises (CRPA L. 231-1 / L. 231-4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.appeals import rules, settings_store
from parcours.core.dates import add_months
from parcours.core.models import RuleSetting

days = st.dates(min_value=date(2017, 1, 1), max_value=date(2040, 12, 31))


def test_examples_read_as_a_lawyer_would():
    # Notified on Friday 3 January 2025: the deadline is Tuesday 4 March (délai franc).
    assert rules.appeal_deadline(date(2025, 1, 3)) == date(2025, 3, 4)
    # Notified 31 December 2024: 28 February + 1 day = Saturday 1 March, carried to Monday 3 March.
    assert rules.appeal_deadline(date(2024, 12, 31)) == date(2025, 3, 3)
    # A request received 1 February: the implicit decision arises on 1 April; 31 December: 28 February.
    assert rules.implicit_decision_on(date(2026, 2, 1)) == date(2026, 4, 1)
    assert rules.implicit_decision_on(date(2025, 12, 31)) == date(2026, 2, 28)
    assert rules.observations_deadline(date(2026, 3, 2)) == date(2026, 3, 17)


@given(days)
def test_the_appeal_deadline_is_two_clear_months_never_on_a_weekend(notified_on):
    deadline = rules.appeal_deadline(notified_on)
    two_months = add_months(notified_on, 2)
    assert deadline.weekday() < 5
    # Never shorter than two months and a day (neither the notification day nor the last one counts)...
    assert deadline >= two_months + timedelta(days=1)
    # ...and carried over a weekend at most.
    assert deadline <= two_months + timedelta(days=3)
    assert 60 <= (deadline - notified_on).days <= 65


@given(days)
def test_a_later_notification_never_gives_an_earlier_deadline(notified_on):
    assert rules.appeal_deadline(notified_on + timedelta(days=1)) >= rules.appeal_deadline(notified_on)


@given(days, st.integers(min_value=1, max_value=60))
def test_observations_run_full_days_after_the_handover(notified_on, n):
    last = rules.observations_deadline(notified_on, n)
    assert (last - notified_on).days == n
    assert last > notified_on


@given(days)
def test_the_implicit_decision_arises_two_months_later_on_the_same_day_of_the_month(received_on):
    import calendar

    arises = rules.implicit_decision_on(received_on)
    assert 59 <= (arises - received_on).days <= 62
    assert (arises.year * 12 + arises.month) - (received_on.year * 12 + received_on.month) == 2
    # The same day of the month, or the last day of a shorter month (31 December -> 28 February).
    assert arises.day == min(received_on.day, calendar.monthrange(arises.year, arises.month)[1])


@pytest.mark.django_db
def test_the_settings_are_dated_and_override_the_defaults():
    today = date(2026, 6, 1)
    assert settings_store.observations_days(today) == rules.OBSERVATIONS_DAYS
    assert settings_store.silence_rule(today) == rules.SILENCE_REJECTION
    assert settings_store.commission_opinion_required(today) is True
    RuleSetting.objects.create(
        key=rules.SILENCE_SETTING, effective_from=date(2026, 5, 1), value={"rule": "L. 231-1"}, source="test"
    )
    RuleSetting.objects.create(
        key=rules.OBSERVATIONS_DAYS_SETTING, effective_from=date(2026, 5, 1), value={"days": 8}, source="test"
    )
    assert settings_store.silence_rule(today) == rules.SILENCE_ACCEPTANCE
    assert settings_store.silence_rule(date(2026, 4, 30)) == rules.SILENCE_REJECTION
    assert settings_store.observations_days(today) == 8


@given(days, st.integers(min_value=-90, max_value=90), st.integers(min_value=0, max_value=90))
def test_a_notification_date_is_accepted_only_between_the_decision_and_today(decided_on, offset, age):
    """Every notification (notice, decision) goes through one check: never before the act, never in the
    future; the two boundaries themselves are accepted."""
    import time_machine
    from django.core.exceptions import ValidationError

    from parcours.appeals.services import _check_day

    today = decided_on + timedelta(days=age)
    day = decided_on + timedelta(days=offset)
    with time_machine.travel(today, tick=False):
        try:
            _check_day(
                day,
                field="day",
                label="la date de notification",
                not_before=decided_on,
                before_label="la décision",
            )
            accepted = True
        except ValidationError as exc:
            accepted = False
            assert "futur" in str(exc) or "précéder la décision" in str(exc)
    assert accepted == (decided_on <= day <= today)
