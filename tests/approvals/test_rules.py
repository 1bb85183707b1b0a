"""The clocks of the agrément procedure read backwards: a query selects by the recorded date what the rules
define by the deadline (rules.latest_start)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from parcours.approvals import rules

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
