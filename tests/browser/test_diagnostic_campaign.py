"""End to end, in headless Chromium: the secretariat opens a diagnostic campaign and a structure without a
Parcours account answers the questionnaire through its invitation link, sends its list of keys and replaces
it (journaled for the secretariat); the closure deletes the keys and the linkage screen keeps its figures.

Screenshots are saved under test-artefacts/screenshots/ with a `diagnostic-campaign-` prefix.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from parcours.diagnostic.models import Campaign, LinkageRecord
from parcours.outbox.models import OutgoingEmail
from tests.browser.a11y import shoot as shoot_and_check

from ..factories import link_in
from .conftest import SCREENSHOTS
from .test_happy_path import check_page, expect_message, form_of, log_in, tick

pytestmark = pytest.mark.browser


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shoot_and_check(page, SCREENSHOTS / f"diagnostic-campaign-{name}.png")


def test_a_campaign_from_creation_to_a_first_answer(web, psp_world, live_server, settings):
    settings.PARCOURS_PUBLIC_URL = live_server.url  # the links of the invitations
    psp_world.association.email = "contact@escale.invalid"
    psp_world.association.save()
    ddfe = web.new_page()
    log_in(ddfe, psp_world.usernames["secretariat"])
    ddfe.get_by_role("link", name="Diagnostic", exact=True).first.click()
    check_page(ddfe)
    ddfe.get_by_test_id("campaign-create").click()
    check_page(ddfe)
    ddfe.get_by_label("Intitulé").fill("Diagnostic territorial d'essai")
    shoot(ddfe, "01-nouvelle")
    ddfe.get_by_test_id("submit").click()
    expect_message(ddfe, "Campagne créée")
    check_page(ddfe)

    organisations = form_of(ddfe, "add-organisations")
    tick(organisations, "Association L'Escale fictive")
    organisations.get_by_test_id("add-organisations").click()
    expect_message(ddfe, "1 structure(s) ajoutée(s)")
    structure = form_of(ddfe, "add-structure")
    structure.get_by_label("Nom de la structure").fill("Lycée professionnel fictif")
    structure.get_by_label("Courriel de contact").fill("cpe@lycee.invalid")
    structure.get_by_test_id("add-structure").click()
    expect_message(ddfe, "« Lycée professionnel fictif » ajoutée")
    ddfe.get_by_test_id("phrase-generate").click()  # in the browser; the server records only the fact
    expect(ddfe.get_by_test_id("phrase-value")).to_have_text(
        re.compile(r"^[a-zéèêëàâîïôûùç]+( [a-zéèêëàâîïôûùç]+){6}$")
    )
    phrase = ddfe.get_by_test_id("phrase-value").inner_text()  # passed on "by phone" to the structures
    ddfe.get_by_test_id("campaign-open").click()
    expect_message(ddfe, "Campagne ouverte : 2 invitation(s) envoyée(s)")
    expect(ddfe.get_by_test_id("campaign-state")).to_have_text("Ouverte")
    shoot(ddfe, "02-ouverte")
    assert OutgoingEmail.objects.filter(to="cpe@lycee.invalid").exists()

    ddfe.get_by_role("link", name="Lycée professionnel fictif").click()
    check_page(ddfe)
    expect(ddfe.get_by_test_id("link-status")).to_contain_text("Lien en cours émis le")
    # Only the e-mail holds the link (Parcours keeps its hash): the structure follows it from there.
    link = live_server.url + link_in(OutgoingEmail.objects.get(to="cpe@lycee.invalid").body)

    lycee = web.new_page()  # no account, no login: the link is enough
    lycee.goto(link)
    check_page(lycee)
    assert lycee.url == live_server.url + "/diagnostic/reponse/"  # the token left the address bar
    expect(lycee.get_by_role("heading", level=1)).to_have_text("Diagnostic territorial")
    lycee.get_by_label("Nombre de personnes connues de la structure sur la période").fill("4")
    lycee.get_by_label("dont mineur·es").fill("3")
    lycee.get_by_label("Femmes").fill("5")
    lycee.get_by_test_id("survey-submit").click()
    expect(lycee.get_by_test_id("form-errors")).to_be_focused()
    # In the summary (a link to the field) and under the field itself.
    expect(
        lycee.get_by_test_id("form-errors").get_by_role("link", name=re.compile("la somme \\(5\\)"))
    ).to_be_visible()
    expect(
        lycee.locator(".fr-error-text").filter(has_text="la somme (5) dépasse le nombre total (4)")
    ).to_be_visible()
    shoot(lycee, "03-reponse-erreur")
    lycee.get_by_label("Femmes").fill("4")
    lycee.get_by_test_id("survey-submit").click()
    expect_message(lycee, "votre réponse est enregistrée")
    shoot(lycee, "04-reponse-enregistree")

    ddfe.get_by_role("link", name="Retour à la campagne").click()
    expect(ddfe.get_by_test_id("response-rate")).to_contain_text(
        "1 structure sur 2 a répondu (taux de réponse : 50 %)"
    )
    shoot(ddfe, "05-suivi")
    campaign = Campaign.objects.get()
    assert campaign.participants.get(name="Lycée professionnel fictif").answers["minors"] == 3

    # The lycée sends a list of two people typed in the page, then replaces it with three.
    lycee.get_by_test_id("key-list-link").click()
    check_page(lycee)
    table = lycee.get_by_test_id("typed-rows")
    people = [
        ("Vantorelle", "Ismérie", "14/05/2009"),
        ("Quennebrac", "Loïsa", "23/11/2008"),
        ("Ardoux", "Téa", ""),
    ]
    for count, saved in ((2, "2 personnes transmises"), (3, "2 personnes transmises, 1 ligne écartée")):
        for number in range(1, count + 1):
            if number > 1 and not table.get_by_label(f"Nom, ligne {number}", exact=True).count():
                lycee.get_by_role("button", name="Ajouter une ligne").click()
            last, first, born = people[number - 1]
            table.get_by_label(f"Nom, ligne {number}", exact=True).fill(last)
            table.get_by_label(f"Prénom, ligne {number}", exact=True).fill(first)
            table.get_by_label(f"Date de naissance (JJ/MM/AAAA), ligne {number}", exact=True).fill(born)
            table.get_by_label(f"Sexe, ligne {number}", exact=True).select_option("F")
        lycee.get_by_label("Phrase secrète de la campagne").fill(phrase)
        lycee.get_by_role("button", name="Calculer les clés").click()
        with lycee.expect_navigation():
            lycee.get_by_role("button", name="Envoyer les clés").click()
        expect(lycee.locator(".fr-alert--success")).to_contain_text(f"Liste enregistrée : {saved}")
    shoot(lycee, "06-liste-remplacee")

    ddfe.get_by_role("link", name="Lycée professionnel fictif").click()
    journal = ddfe.get_by_test_id("list-journal")
    expect(journal.locator("tbody tr")).to_have_count(2)
    expect(journal.locator("tbody tr").first).to_contain_text("Liste remplacée")
    expect(journal.locator("tbody tr").first).to_contain_text("par le lien d'invitation de la structure")
    expect(ddfe.get_by_test_id("participant-list")).to_contain_text("1 ligne écartée")
    shoot(ddfe, "07-journal")
    ddfe.get_by_role("link", name="Retour à la campagne").click()
    expect(ddfe.get_by_test_id("list-journal").locator("tbody tr")).to_have_count(2)

    # Closure: the keys are deleted, the linkage screen shows the same figures, from the snapshot.
    ddfe.get_by_test_id("campaign-linkage").click()
    figures = ddfe.get_by_test_id("linkage-figures").inner_text()
    expect(ddfe.get_by_test_id("rows-set-aside")).to_have_text("1")
    ddfe.get_by_role("link", name="Retour à la campagne").click()
    assert LinkageRecord.objects.filter(campaign=campaign).count() == 2
    ddfe.get_by_test_id("campaign-close").click()
    expect(ddfe.get_by_test_id("campaign-state")).to_have_text("Close")
    assert not LinkageRecord.objects.filter(campaign=campaign).exists()
    ddfe.get_by_test_id("campaign-linkage").click()
    check_page(ddfe)
    expect(ddfe.get_by_test_id("frozen-notice")).to_be_visible()
    assert ddfe.get_by_test_id("linkage-figures").inner_text() == figures
    expect(ddfe.get_by_test_id("rows-set-aside")).to_have_text("1")
    shoot(ddfe, "08-rapprochement-fige")
    assert not web.console_errors, web.console_errors
