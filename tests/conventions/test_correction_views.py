"""Correction pages and removals, as the secretariat uses them: the page starts from what is recorded, bad
input comes back in French with nothing saved (never a 500), a removal asks first (« Ce qui va se passer »)
and a refused one says why."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.conventions import services
from parcours.conventions.models import Axis, Convention, Indicator, Objective, StrategyAction
from tests.conftest import client_for
from tests.factories import CommitmentFactory, OrganisationFactory
from tests.views.helpers import assert_unchanged, db_snapshot, fast_static, messages_of, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


@pytest.fixture
def sec(actors):
    return actors["secretariat"]


@pytest.fixture
def client(sec):
    return client_for(sec)


@pytest.fixture
def convention(sec):
    return services.create_convention(
        actor=sec,
        title="Convention Misions locales",
        signed_on=date(2025, 6, 9),
        start=date(2025, 6, 9),
        duration_months=36,
    )


FORM = {"title": "Convention Missions locales", "signed_on": "2025-06-09", "start": "2025-06-09"}


def _detail(convention):
    return reverse("conventions:detail", args=[convention.public_id])


def test_the_convention_page_leads_to_its_correction_which_starts_from_the_record(client, convention):
    edit = reverse("conventions:edit", args=[convention.public_id])
    assert f'href="{edit}"' in page_text(client.get(_detail(convention)))
    text = page_text(client.get(edit))
    assert 'value="Convention Misions locales"' in text and 'value="36"' in text
    response = client.post(edit, {**FORM, "duration_months": "24", "renewal_terms": "Renouvelable."})
    assert response.status_code == 302 and response["Location"] == _detail(convention)
    convention.refresh_from_db()
    assert convention.title == "Convention Missions locales" and convention.end == date(2027, 6, 8)
    text = page_text(client.get(_detail(convention)))
    assert "Convention modifiée." in text and "Renouvelable." in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"end": "2024-01-01"}, "La date de fin ne peut pas précéder la prise d&#x27;effet."),
        ({"duration_months": "12", "end": "2026-01-01"}, "la date de fin, pas les deux."),
        ({"duration_months": "douze"}, "Saisissez un nombre entier."),
        ({"duration_months": "12", "signed_on": "31/02/2025"}, "Saisissez une date valide."),
        ({"duration_months": "12", "title": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_correction_french_message_nothing_saved(client, convention, data, message):
    before = db_snapshot()
    response = client.post(reverse("conventions:edit", args=[convention.public_id]), {**FORM, **data})
    assert response.status_code == 200
    text = page_text(response)
    assert message in text and "<title>Erreur : " in text
    assert_unchanged(before)


def test_a_closed_convention_has_no_correction(client, sec, convention):
    services.close_convention(actor=sec, convention=convention, day=date(2025, 12, 31), reason="Dénoncée")
    edit = reverse("conventions:edit", args=[convention.public_id])
    assert edit not in page_text(client.get(_detail(convention)))
    response = client.get(edit, follow=True)
    assert "La convention est close : elle ne peut plus être modifiée." in messages_of(response)
    before = db_snapshot()
    response = client.post(edit, {**FORM, "duration_months": "12"})
    assert response.status_code == 200 and "La convention est close" in page_text(response)
    assert_unchanged(before)


def test_an_axis_is_renamed_on_its_page(client, sec, convention):
    axis = services.add_axis(actor=sec, convention=convention, title="Reperer")
    url = reverse("conventions:axis_edit", args=[convention.public_id, axis.public_id])
    assert url in page_text(client.get(_detail(convention)))
    before = db_snapshot()
    response = client.post(url, {"title": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire." in page_text(response)
    assert_unchanged(before)
    response = client.post(url, {"title": "Repérer et accompagner"})
    assert response.status_code == 302 and response["Location"] == _detail(convention) + "#axes"
    assert Axis.objects.get(pk=axis.pk).title == "Repérer et accompagner"
    other = reverse("conventions:axis_edit", args=[convention.public_id, uuid.uuid4()])
    assert client.get(other).status_code == 404


def test_an_axis_is_removed_after_confirmation_unless_a_commitment_hangs_on_it(client, sec, convention):
    used = services.add_axis(actor=sec, convention=convention, title="Repérer")
    free = services.add_axis(actor=sec, convention=convention, title="Mutualiser")
    CommitmentFactory(party__convention=convention, convention=convention, axis=used, text="Former")
    before = db_snapshot()
    response = client.post(
        reverse("conventions:axis_remove", args=[convention.public_id, used.public_id]), follow=True
    )
    assert "L'axe « Repérer » porte des engagements : « Former »" in " ".join(messages_of(response))
    assert_unchanged(before)
    url = reverse("conventions:axis_remove", args=[convention.public_id, free.public_id])
    response = client.post(url)
    assert response.status_code == 200 and "Ce qui va se passer" in page_text(response)
    assert "Retirer l&#x27;axe « Mutualiser »" in page_text(response)
    assert_unchanged(before)
    response = client.post(url, {"confirmation": "oui"})
    assert response.status_code == 302
    assert list(Axis.objects.values_list("title", flat=True)) == ["Repérer"]


# --- The strategy ---


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def strategy(sec, year):
    return services.create_strategy(actor=sec, title="Stratégie", first_year=year, last_year=year + 2)


def _strategy_page(strategy):
    return reverse("conventions:strategy_detail", args=[strategy.public_id])


def test_a_strategy_is_corrected_on_its_page(client, sec, strategy, year):
    services.create_strategy(actor=sec, title="Suivante", first_year=year + 3, last_year=year + 4)
    url = reverse("conventions:strategy_edit", args=[strategy.public_id])
    assert url in page_text(client.get(_strategy_page(strategy)))
    assert f'value="{year + 2}"' in page_text(client.get(url))
    before = db_snapshot()
    for data, message in [
        ({"last_year": year - 1}, "La dernière année ne peut pas précéder la première."),
        ({"last_year": year + 3}, "Une stratégie du département couvre déjà une partie de ces années."),
        ({"last_year": "deux mille"}, "Saisissez un nombre entier."),
    ]:
        response = client.post(url, {"title": "Stratégie", "first_year": year, **data})
        assert response.status_code == 200 and message in page_text(response), data
    assert_unchanged(before)
    response = client.post(url, {"title": "Stratégie 2026", "first_year": year, "last_year": year + 1})
    assert response.status_code == 302 and response["Location"] == _strategy_page(strategy)
    strategy.refresh_from_db()
    assert (strategy.title, strategy.last_year) == ("Stratégie 2026", year + 1)


def test_objective_action_and_indicator_removals(client, sec, strategy, year, departement):
    empty = services.add_objective(actor=sec, strategy=strategy, title="Partager")
    busy = services.add_objective(actor=sec, strategy=strategy, title="Repérer")
    action = services.add_action(
        actor=sec,
        objective=busy,
        title="Former les conseillers",
        owner=OrganisationFactory(departement=departement),
        deadline=date(year, 6, 30),
    )
    indicator = services.add_indicator(actor=sec, objective=busy, kind="manual", label="Collèges couverts")
    page = page_text(client.get(_strategy_page(strategy)))
    assert "IndicatorFigures" not in page  # the template's comment stays in the template
    for name, obj in [
        ("objective_remove", empty),
        ("action_remove", action),
        ("strategy_indicator_remove", indicator),
    ]:
        assert reverse(f"conventions:{name}", args=[strategy.public_id, obj.public_id]) in page, name

    before = db_snapshot()
    response = client.post(
        reverse("conventions:objective_remove", args=[strategy.public_id, busy.public_id]), follow=True
    )
    assert "porte des actions : « Former les conseillers »" in " ".join(messages_of(response))
    for name, obj, title in [
        ("action_remove", action, "Retirer l&#x27;action « Former les conseillers »"),
        ("strategy_indicator_remove", indicator, "Retirer l&#x27;indicateur « Collèges couverts »"),
        ("objective_remove", empty, "Retirer l&#x27;objectif « Partager »"),
    ]:
        response = client.post(reverse(f"conventions:{name}", args=[strategy.public_id, obj.public_id]))
        assert response.status_code == 200, name
        assert "Ce qui va se passer" in page_text(response) and title in page_text(response)
    assert_unchanged(before)

    for name, obj in [("action_remove", action), ("strategy_indicator_remove", indicator)]:
        url = reverse(f"conventions:{name}", args=[strategy.public_id, obj.public_id])
        assert client.post(url, {"confirmation": "oui"}).status_code == 302
    assert not StrategyAction.objects.exists() and not Indicator.objects.exists()
    url = reverse("conventions:objective_remove", args=[strategy.public_id, busy.public_id])
    assert client.post(url, {"confirmation": "oui"}).status_code == 302
    assert list(Objective.objects.values_list("title", "order")) == [("Partager", 1)]


def test_an_item_of_another_page_answers_404(client, sec, strategy, convention):
    commitment = CommitmentFactory(party__convention=convention, convention=convention)
    indicator = services.add_indicator(actor=sec, commitment=commitment, kind="manual", label="Jeunes")
    before = db_snapshot()
    url = reverse("conventions:strategy_indicator_remove", args=[strategy.public_id, indicator.public_id])
    assert client.post(url, {"confirmation": "oui"}).status_code == 404
    assert_unchanged(before)
    assert Convention.objects.filter(pk=convention.pk).exists()
