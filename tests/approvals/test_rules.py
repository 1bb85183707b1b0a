"""The clocks of the agrément procedure read backwards: a query selects by the recorded date what the rules
define by the deadline (rules.latest_start)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from parcours.approvals import rules
from parcours.approvals.models import Agrement
from parcours.approvals.services import check_withdrawal

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
DEADLINES = st.sampled_from(
    [
        rules.completeness_deadline,
        rules.tacit_approval_date,
        lambda received_on: rules.tacit_approval_date(rules.completeness_deadline(received_on)),
    ]
)


@given(deadline=DEADLINES, start=DAYS, day=DAYS)
def test_a_deadline_falls_by_a_day_exactly_when_its_start_is_by_the_latest_start(deadline, start, day):
    assert (deadline(start) <= day) == (start <= rules.latest_start(deadline, day))


def test_month_ends():
    # 31 December + 2 months is 28 February: every start from 29 to 31 December falls on it.
    assert rules.latest_start(rules.completeness_deadline, date(2026, 2, 28)) == date(2025, 12, 31)
    assert rules.latest_start(rules.completeness_deadline, date(2026, 2, 27)) == date(2025, 12, 27)
    assert rules.latest_start(rules.tacit_approval_date, date(2026, 6, 30)) == date(2026, 2, 28)


# --- The withdrawal's dates (a withdrawal decided outside Parcours after a hearing held outside it) ---

TODAY = date(2026, 6, 15)
START, END = date(2026, 1, 10), date(2029, 1, 9)
NEAR = st.integers(min_value=-200, max_value=10).map(lambda n: TODAY + timedelta(days=n))


@given(notified=DAYS)
def test_a_withdrawal_takes_effect_on_its_notification_at_the_earliest(notified):
    assert rules.earliest_withdrawal_effect(notified) == notified


@given(hearing=NEAR, notified=NEAR, day=NEAR)
def test_a_direct_withdrawal_is_accepted_exactly_when_its_dates_are_in_order(hearing, notified, day):
    """start <= notice < notification <= effect <= today (and within the validity): nothing else passes."""
    agrement = Agrement(reference="ARR-P", valid_from=START, valid_until=END)
    expected = START <= hearing < notified <= TODAY and notified <= day <= TODAY
    with time_machine.travel(TODAY, tick=False):
        try:
            check_withdrawal(
                agrement=agrement, day=day, motive="m", hearing_notice_on=hearing, notified_on=notified
            )
        except ValidationError as refused:
            assert not expected, refused.messages
            assert set(refused.message_dict) <= {"hearing_notice_on", "notified_on", "day"}
        else:
            assert expected


def test_a_direct_withdrawal_without_a_notice_points_to_the_procedure():
    agrement = Agrement(reference="ARR-P", valid_from=START, valid_until=END)
    with time_machine.travel(TODAY, tick=False), pytest.raises(ValidationError) as refused:
        check_withdrawal(agrement=agrement, day=TODAY, motive="m", hearing_notice_on=None, notified_on=TODAY)
    assert "Engagez la procédure contradictoire" in refused.value.message_dict["hearing_notice_on"][0]
