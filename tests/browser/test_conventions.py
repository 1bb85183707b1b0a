"""End to end, in headless Chromium: the secretariat records a convention with one commitment and a manual
indicator, enters a value and sees its figure, corrects a typo in the convention's title, and removes an
action of the departmental strategy after its confirmation page; the Mission Locale that is a party reads
the same convention, read only, the small count shown as secret (statistical secrecy, threshold 11).

Screenshots: test-artefacts/screenshots/conventions-NN-*.png.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.a11y import shoot as shoot_and_check
from tests.factories import StrategyActionFactory

from .conftest import SCREENSHOTS
from .test_happy_path import check_page, choose, log_in

pytestmark = pytest.mark.browser


def shoot(page: Page, name: str, count=[0]) -> None:  # noqa: B006 (a counter across calls)
    count[0] += 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shoot_and_check(page, SCREENSHOTS / f"conventions-{count[0]:02d}-{name}.png")


def test_secretariat_records_a_convention_and_a_partner_reads_it_under_secrecy(web, actors, live_server):
    secretariat, partner = actors["secretariat"], actors["partner_advisor"]
    start = date(timezone.localdate().year, 1, 1)
    page = web.new_page()
    log_in(page, secretariat.user.username)

    page.get_by_role("button", name="Réseau").click()  # the secretariat's network pages, under one menu
    page.get_by_role("link", name="Conventions", exact=True).first.click()
    page.get_by_test_id("convention-create").click()
    check_page(page)
    page.get_by_label("Intitulé de la convention").fill("Convention Misions locales et associations")
    page.get_by_label("Date de signature").fill(start.isoformat())
    page.get_by_label("Prend effet le").fill(start.isoformat())
    page.get_by_label("Durée (en mois)").fill("36")
    shoot(page, "nouvelle-convention")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("convention-title")).to_have_text("Convention Misions locales et associations")

    page.locator("summary", has_text="Ajouter une partie").click()
    page.get_by_label("Organisation du département").select_option(label=str(partner.organisation))
    page.get_by_label("Signataire (prénom et nom)").fill("Camille Directrice")
    page.get_by_test_id("party-add").click()
    expect(page.get_by_test_id("parties")).to_contain_text(str(partner.organisation))

    page.locator("summary", has_text="Ajouter un axe").click()
    page.get_by_label("Intitulé de l'axe").fill("Repérer et accompagner")
    page.get_by_test_id("axis-add").click()
    expect(page.get_by_test_id("axes")).to_contain_text("Repérer et accompagner")

    page.locator("summary", has_text="Ajouter un engagement").click()
    page.get_by_label("Partie qui s'engage").select_option(label=str(partner.organisation))
    page.get_by_label("Engagement", exact=True).fill(
        "Repérer les jeunes exposés et les orienter vers une association."
    )
    page.get_by_test_id("commitment-add").click()
    expect(page.get_by_test_id("commitment")).to_have_count(1)

    page.locator("summary", has_text="Ajouter un indicateur").click()
    form = page.locator("form", has=page.get_by_test_id("indicator-add"))
    form.locator("#id_commitment_indicator_owner").select_option(index=1)
    choose(form, "Valeurs saisies par le secrétariat")
    form.locator("#id_commitment_indicator_label").fill("Jeunes orientés vers une association")
    form.locator("#id_commitment_indicator_target").fill("20")
    page.get_by_test_id("indicator-add").click()
    expect(page.get_by_test_id("indicator")).to_contain_text("Jeunes orientés vers une association")

    value_form = page.locator("form", has=page.get_by_test_id("value-add"))
    value_form.locator("#id_manual_value_indicator").select_option(
        label="Jeunes orientés vers une association"
    )
    value_form.locator("#id_manual_value_period_start").fill(start.isoformat())
    value_form.locator("#id_manual_value_period_end").fill(start.replace(day=31).isoformat())
    value_form.locator("#id_manual_value_value").fill("4")
    page.get_by_test_id("value-add").click()
    total = page.get_by_test_id("indicator-total")
    expect(total).to_have_text("4")
    shoot(page, "secretariat-chiffre-exact")

    # A typo in the title: « Modifier », the form starts from what is recorded.
    page.get_by_test_id("convention-edit").click()
    check_page(page)
    expect(page.get_by_label("Durée (en mois)")).to_have_value("36")
    page.get_by_label("Intitulé de la convention").fill("Convention Missions locales et associations")
    shoot(page, "modifier-convention")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("convention-title")).to_have_text(
        "Convention Missions locales et associations"
    )

    # An action of the strategy dropped by the partners: removed after « Ce qui va se passer ».
    action = StrategyActionFactory(
        objective__strategy__departement=secretariat.departement,
        objective__strategy__created_by=secretariat.user,
        title="Action abandonnée à la renégociation",
    )
    page.get_by_role("button", name="Réseau").click()
    page.get_by_role("link", name="Stratégie départementale", exact=True).first.click()
    page.get_by_role("link", name=action.objective.strategy.title).click()
    expect(page.get_by_test_id("action")).to_have_count(1)
    shoot(page, "strategie")
    page.get_by_test_id("action-remove").click()
    expect(page.get_by_test_id("confirm-title")).to_contain_text("Action abandonnée à la renégociation")
    expect(page.get_by_test_id("confirm-consequences")).to_contain_text("Ce qui va se passer")
    shoot(page, "retirer-action-confirmation")
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("action")).to_have_count(0)
    expect(page.get_by_text("Action retirée.")).to_be_visible()

    other = web.new_page()
    log_in(other, partner.user.username)
    other.get_by_role("link", name="Conventions", exact=True).first.click()
    other.get_by_role("link", name="Convention Missions locales et associations").click()
    check_page(other)
    expect(other.get_by_test_id("indicator-total")).to_have_text("secret (moins de 11)")
    expect(other.get_by_text("Ajouter une partie")).to_have_count(0)
    shoot(other, "partenaire-secret-statistique")
