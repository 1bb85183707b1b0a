"""Residence permit (issue 14, item 4): an APS for under 6 months is flagged (L. 425-4 CESEDA), the ordinary
permit is followed after the pathway, the route of L. 425-1 needs the complaint's date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.core import dates
from parcours.pathways import rules
from parcours.pathways import services as psp
from parcours.pathways.forms import PermitForm
from parcours.pathways.models import ResidencePermit


@settings(deadline=None, max_examples=200)
@given(issued=st.dates(min_value=date(2017, 1, 1), max_value=date(2030, 12, 31)), extra=st.integers(-40, 40))
def test_six_months_date_to_date_is_enough_one_day_less_is_not(issued, extra):
    six_months = dates.add_months(issued, rules.APS_MIN_MONTHS) - timedelta(days=1)
    expires = six_months + timedelta(days=extra)
    assert rules.aps_too_short(issued, expires) is (expires < six_months)


def test_no_dates_no_warning():
    assert not rules.aps_too_short(None, date(2026, 1, 1))
    assert not rules.aps_too_short(date(2026, 1, 1), None)


def _permit(active_pathway):
    return ResidencePermit.objects.get(pathway=active_pathway)


def test_short_aps_warned_on_the_pathway(clients, active_pathway):
    permit = _permit(active_pathway)
    permit.status, permit.issued_on = ResidencePermit.Status.ISSUED, timezone.localdate() - timedelta(days=5)
    permit.expires_on = permit.issued_on + timedelta(days=90)
    permit.save()
    warnings = psp.permit_warnings(permit)
    assert any("moins de 6 mois" in w for w in warnings)
    page = clients["secretariat"].get(f"/parcours/{active_pathway.public_id}/droits/").content.decode()
    assert "moins de 6 mois" in page


def test_ended_pathway_asks_for_the_ordinary_permit(actors, active_pathway):
    permit = _permit(active_pathway)
    psp.end_pathway(
        actor=actors["secretariat"],
        pathway=active_pathway,
        reason="completed",
        day=timezone.localdate(),
        outcome="employment",
    )
    permit.refresh_from_db()
    assert any("droit commun" in w for w in psp.permit_warnings(permit))
    permit.next_permit_status = ResidencePermit.NextStatus.REQUESTED
    permit.next_permit_requested_on = timezone.localdate()
    permit.save()
    assert not any("droit commun" in w for w in psp.permit_warnings(permit))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"route": "complaint", "complaint_filed_on": ""}, "complaint_filed_on"),
        ({"next_permit_status": "issued", "next_permit_requested_on": "2026-01-05"}, "next_permit_issued_on"),
        ({"next_permit_status": "requested"}, "next_permit_requested_on"),
    ],
)
def test_permit_form_refuses_incomplete_routes(active_pathway, data, field):
    permit = _permit(active_pathway)
    base = {"status": "requested", "requested_on": f"{permit.requested_on:%Y-%m-%d}", "route": "psp"}
    form = PermitForm({**base, **data}, instance=permit)
    assert not form.is_valid()
    assert field in form.errors


def test_complaint_route_recorded_by_the_immigration_service(clients, active_pathway):
    permit = _permit(active_pathway)
    response = clients["immigration"].post(
        f"/parcours/titres-de-sejour/{permit.public_id}/",
        {
            "status": "requested",
            "requested_on": f"{permit.requested_on:%Y-%m-%d}",
            "route": "complaint",
            "complaint_filed_on": f"{timezone.localdate():%Y-%m-%d}",
            "next_permit_status": "",
        },
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert (
        permit.route == ResidencePermit.Route.COMPLAINT and permit.complaint_filed_on == timezone.localdate()
    )
