"""The association reports an end or a withdrawal; the secretariat finds it on its board and confirms it
(the pathway then ends with the reported facts) or refuses it with a motive. Every step is journaled."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import AuditEvent
from parcours.deadlines.selectors import board_for
from parcours.pathways.models import EndReport, PathwayState
from tests.conftest import client_for
from tests.factories import make_actor

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def _report(client, pathway, **data):
    payload = {"reason": "withdrawn", "day": f"{timezone.localdate():%Y-%m-%d}", "outcome": "", "motive": ""}
    payload.update(data)
    return client.post(reverse("pathways:end_report", args=[pathway.public_id]), payload, follow=True)


def _board_keys(actor, pathway):
    return {
        s.key
        for s in board_for(actor, timezone.localdate())
        for i in s.items
        if i.person is not None and i.person.pk == pathway.person_id
    }


def test_reported_then_confirmed_by_the_secretariat(actors, active_pathway):
    worker, sec = actors["association_worker"], actors["secretariat"]
    response = _report(client_for(worker), active_pathway, reason="completed", outcome="employment")
    assert "Fin du parcours signalée : le secrétariat la confirmera." in text(response)
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ACTIVE  # nothing ends before the secretariat confirms
    report = active_pathway.end_reports.get()
    assert "end_reports" in _board_keys(sec, active_pathway)
    page = text(client_for(sec).get(reverse("pathways:detail_decisions", args=[active_pathway.public_id])))
    assert "Confirmer la fin du parcours" in page
    response = client_for(sec).post(
        reverse("pathways:end_report_confirm", args=[active_pathway.public_id, report.public_id]), follow=True
    )
    assert "Fin du parcours confirmée et enregistrée." in text(response)
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ENDED
    assert (active_pathway.end_reason, active_pathway.outcome) == ("completed", "employment")
    report.refresh_from_db()
    assert report.state == EndReport.State.CONFIRMED and report.decided_by == sec.user
    assert "end_reports" not in _board_keys(sec, active_pathway)
    names = list(active_pathway.events.values_list("name", flat=True))
    assert {"end_reported", "end", "end_report_confirmed"} <= set(names)
    assert AuditEvent.objects.filter(
        object_id=str(active_pathway.public_id), detail="end_report_confirmed"
    ).exists()


def test_refused_with_a_motive_the_association_reads(actors, active_pathway):
    worker, sec = actors["association_worker"], actors["secretariat"]
    _report(client_for(worker), active_pathway)
    report = active_pathway.end_reports.get()
    url = reverse("pathways:end_report_refuse", args=[active_pathway.public_id, report.public_id])
    # Without a motive: a French error, nothing changed.
    response = client_for(sec).post(url, {"motive": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in text(response)
    report.refresh_from_db()
    assert report.state == EndReport.State.PENDING
    client_for(sec).post(url, {"motive": "La personne est venue au rendez-vous du 3."})
    report.refresh_from_db()
    assert report.state == EndReport.State.REFUSED
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ACTIVE
    page = text(client_for(worker).get(reverse("pathways:detail_decisions", args=[active_pathway.public_id])))
    assert "La personne est venue au rendez-vous du 3." in page
    # Refused: the association may report again.
    assert "Signaler la fin" in page


def test_bad_reports_are_refused_in_french(actors, active_pathway):
    client = client_for(actors["association_worker"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert "ne peut pas être dans le futur" in text(
        _report(client, active_pathway, day=f"{tomorrow:%Y-%m-%d}")
    )
    assert "situation de la personne à la sortie" in text(_report(client, active_pathway, reason="completed"))
    assert "Sélectionnez un choix valide" in text(_report(client, active_pathway, reason="ended_by_prefect"))
    assert not active_pathway.end_reports.exists()
    _report(client, active_pathway)
    assert "déjà signalée" in text(_report(client, active_pathway))
    assert active_pathway.end_reports.count() == 1


def test_only_the_pathways_association_reports_and_only_the_secretariat_confirms(
    actors, active_pathway, other_association
):
    outsider = make_actor("association_worker", other_association)
    assert _report(client_for(outsider), active_pathway).status_code == 404
    _report(client_for(actors["association_worker"]), active_pathway)
    report = active_pathway.end_reports.get()
    url = reverse("pathways:end_report_confirm", args=[active_pathway.public_id, report.public_id])
    assert client_for(actors["association_worker"]).post(url).status_code == 403
    assert client_for(actors["signatory"]).post(url).status_code == 403
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ACTIVE
