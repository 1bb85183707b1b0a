"""Convention and strategy pages: the secretariat records, a partner party reads under secrecy, others 404."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.conventions import services
from parcours.conventions.models import Convention, Indicator
from tests.conftest import client_for
from tests.factories import CommitmentFactory, IndicatorFactory, PartyFactory, StrategyActionFactory
from tests.views.helpers import assert_unchanged, db_snapshot, fast_static, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


@pytest.fixture
def commitment(actors, departement):
    """A commitment of the partner advisor's Mission Locale, with a manual indicator: 4 then 30 then 3."""
    party = PartyFactory(
        convention__departement=departement,
        convention__created_by=actors["secretariat"].user,
        organisation=actors["partner_advisor"].organisation,
    )
    commitment = CommitmentFactory(party=party, convention=party.convention)
    indicator = services.add_indicator(
        actor=actors["secretariat"], commitment=commitment, kind="manual", label="Jeunes orientés"
    )
    year = party.convention.start.year
    for start, end, value in [
        (date(year, 1, 1), date(year, 3, 31), 4),
        (date(year, 4, 1), date(year, 6, 30), 30),
        (date(year + 1, 1, 1), date(year + 1, 1, 31), 3),
    ]:
        services.add_manual_value(
            actor=actors["secretariat"],
            indicator=indicator,
            period_start=start,
            period_end=end,
            value=Decimal(value),
        )
    return commitment


def _detail(convention):
    return reverse("conventions:detail", args=[convention.public_id])


def test_secretariat_records_a_convention_through_the_form(actors):
    client = client_for(actors["secretariat"])
    response = client.post(
        reverse("conventions:create"),
        {
            "title": "Convention Missions locales",
            "signed_on": "2025-06-09",
            "start": "2025-06-09",
            "duration_months": "36",
        },
    )
    convention = Convention.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(convention)
    assert convention.end == date(2028, 6, 8)


def test_end_before_start_french_message_nothing_saved(actors):
    client = client_for(actors["secretariat"])
    before = db_snapshot()
    response = client.post(
        reverse("conventions:create"),
        {"title": "Convention", "signed_on": "2025-06-09", "start": "2025-06-09", "end": "2024-01-01"},
    )
    assert response.status_code == 200
    assert "La date de fin ne peut pas précéder la prise d&#x27;effet." in page_text(response)
    assert "<title>Erreur : " in page_text(response)
    assert not Convention.objects.exists()
    assert_unchanged(before)


def test_secretariat_sees_exact_figures(actors, commitment):
    response = client_for(actors["secretariat"]).get(_detail(commitment.convention))
    text = page_text(response)
    assert response.status_code == 200
    assert "Jeunes orientés" in text and ">34<" in text and "<strong>37</strong>" in text
    assert "secret (moins de 11)" not in text


def test_partner_party_sees_small_counts_as_secret(actors, commitment):
    client = client_for(actors["partner_advisor"])
    listing = page_text(client.get(reverse("conventions:list")))
    assert commitment.convention.title in listing
    response = client.get(_detail(commitment.convention))
    text = page_text(response)
    assert response.status_code == 200
    assert "secret (moins de 11)" in text and ">3<" not in text and ">34<" not in text
    assert "<strong>37</strong>" in text
    assert "Ajouter une partie" not in text and "Retirer" not in text


def test_partner_not_party_and_other_roles_get_nothing(actors, commitment):
    from tests.factories import make_actor

    outsider = make_actor("partner_advisor", departement=commitment.convention.departement)
    client = client_for(outsider)
    assert commitment.convention.title not in page_text(client.get(reverse("conventions:list")))
    assert client.get(_detail(commitment.convention)).status_code == 404
    member = client_for(actors["commission_member"])
    assert member.get(_detail(commitment.convention)).status_code == 403
    assert client.get(reverse("conventions:detail", args=[uuid.uuid4()])).status_code == 404


def test_unregistered_code_shows_source_not_available(actors, commitment):
    IndicatorFactory(commitment=commitment, measure_code="actions.pas_encore")
    response = client_for(actors["secretariat"]).get(_detail(commitment.convention))
    assert response.status_code == 200
    assert "Source de l'indicateur non disponible" in page_text(response)


def test_indicator_posted_with_unknown_code_or_negative_target(actors, commitment):
    client = client_for(actors["secretariat"])
    before = db_snapshot()
    n = Indicator.objects.count()
    url = reverse("conventions:indicator_add", args=[commitment.convention.public_id])
    base = {"owner": commitment.public_id, "kind": "measure", "target_basis": "year"}
    response = client.post(url, {**base, "measure_code": "inconnue.mesure", "target": "3"})
    assert response.status_code == 200
    assert "Cette mesure n&#x27;existe pas dans Parcours" in page_text(response)
    response = client.post(url, {**base, "measure_code": "pathways.authorisations", "target": "-2"})
    assert response.status_code == 200 and "La valeur ne peut pas être négative." in page_text(response)
    assert Indicator.objects.count() == n
    assert_unchanged(before)
    response = client.post(url, {**base, "measure_code": "pathways.authorisations", "target": "2"})
    assert response.status_code == 302
    assert "Entrées en parcours autorisées" in page_text(client.get(_detail(commitment.convention)))


def test_close_asks_for_confirmation_first(actors, commitment):
    client = client_for(actors["secretariat"])
    url = reverse("conventions:close", args=[commitment.convention.public_id])
    data = {"day": timezone.localdate().isoformat(), "reason": "Dénoncée par une partie"}
    response = client.post(url, data)
    assert response.status_code == 200 and "Ce qui va se passer" in page_text(response)
    assert Convention.objects.get().state == "in_force"
    response = client.post(url, {**data, "confirmation": "oui"})
    assert response.status_code == 302 and Convention.objects.get().state == "closed"


def test_strategy_page_shows_overdue_action(actors, departement):
    action = StrategyActionFactory(
        objective__strategy__departement=departement,
        objective__strategy__created_by=actors["secretariat"].user,
        owner=actors["partner_advisor"].organisation,
        deadline=timezone.localdate() - timedelta(days=3),
    )
    client = client_for(actors["secretariat"])
    response = client.get(reverse("conventions:strategy_detail", args=[action.objective.strategy.public_id]))
    assert response.status_code == 200 and "en retard" in page_text(response)
    url = reverse("conventions:action_update", args=[action.objective.strategy.public_id, action.public_id])
    response = client.post(url, {"status": "done", "deadline": "1900-01-01"})
    assert response.status_code == 200 and "L&#x27;échéance doit tomber entre" in page_text(response)
    response = client.post(url, {"status": "done", "deadline": action.deadline.isoformat()})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
