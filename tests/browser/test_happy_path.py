"""End to end, in headless Chromium: the whole PSP happy path through the UI only.

An association worker records a person and her consent, prepares and sends the request; the secretariat
returns it as incomplete, the association completes it; the secretariat records the opinion and the
prefect's authorisation (period 1, AFIS); a renewal follows (period 2 starts the day after period 1 ends);
the secretariat ends the pathway. Dates are "today" (the inputs' defaults): nothing may be in the future.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import number_format
from playwright.sync_api import Page, expect

from parcours.pathways import rules
from parcours.pathways.settings_store import current_afis_amount

from ..factories import PASSWORD
from ..files import blank_pdf

pytestmark = pytest.mark.browser

PDF = blank_pdf()

INITIAL_DOCUMENTS = [
    ("Copie d'une pièce d'identité", "identite.pdf"),
    ("Justificatifs de la situation administrative, familiale et sociale", "situation.pdf"),
    ("Déclaration sur l'honneur d'arrêt de la prostitution", "declaration.pdf"),
    ("Document de suivi signé par la personne", "suivi.pdf"),
]
FOLLOW_UP = "Document de suivi signé par la personne"


def fr_date(day) -> str:
    return day.strftime("%d/%m/%Y")


def check_page(page: Page) -> None:
    """Every page: French, one h1."""
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_count(1)


def log_in(page: Page, username: str) -> None:
    page.goto("/compte/connexion/")
    check_page(page)
    page.get_by_label(re.compile("utilisateur", re.I)).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1, name="À traiter")).to_be_visible()


def choose(scope, label: str) -> None:
    """Choose a DSFR radio button as a user does, by clicking its label (the input itself is hidden)."""
    radio = scope.get_by_role("radio", name=label, exact=True)
    scope.locator(f'label[for="{radio.get_attribute("id")}"]').click()
    expect(radio).to_be_checked()


def tick(scope, label: str) -> None:
    """Check a DSFR checkbox as a user does, through its label (the label draws the box over the input)."""
    scope.locator("label").filter(has_text=label).check()
    expect(scope.get_by_label(label)).to_be_checked()


def form_of(page: Page, testid: str):
    """The form on the dossier page whose submit button carries `testid`."""
    return page.locator("form").filter(has=page.get_by_test_id(testid))


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".fr-alert").filter(has_text=text).first).to_be_visible()


def upload(page: Page, kind: str, filename: str) -> None:
    form = form_of(page, "add-document")
    form.get_by_label("Type de pièce").select_option(label=kind)
    form.get_by_label("Fichier").set_input_files(
        {"name": filename, "mimeType": "application/pdf", "buffer": PDF}
    )
    form.get_by_test_id("add-document").click()


def add_objective(page: Page, domain: str, objective: str, actions: str) -> None:
    form = form_of(page, "add-objective")
    form.get_by_label("Domaine").select_option(label=domain)
    form.get_by_label("Objectif", exact=True).fill(objective)
    form.get_by_label("Actions prévues").fill(actions)
    form.get_by_test_id("add-objective").click()
    expect(page.get_by_test_id("objectives").get_by_role("cell", name=objective)).to_be_visible()


def mark_ready_and_favourable(page: Page) -> None:
    """Secretariat: the request is complete, then the commission's opinion is favourable."""
    page.get_by_test_id("mark-ready").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Prête pour la commission")
    # Usually given in a meeting (tests/browser/test_meeting.py); here, an opinion given outside Parcours.
    page.get_by_text("Enregistrer un avis rendu hors séance Parcours").click()
    opinion = form_of(page, "record-opinion")
    choose(opinion, "Favorable")
    opinion.get_by_label("Motif", exact=True).fill("Engagement constant ; projet d'insertion réaliste.")
    opinion.get_by_test_id("record-opinion").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Avis rendu, en attente de décision")


def record_authorisation(page: Page, reference: str, number: str) -> None:
    """The prefect's decision, taken on paper and recorded by the secretariat with the paper act's
    reference: it enters the register of decisions under `number`, with its act and letters."""
    decision = form_of(page, "record-decision")
    choose(decision, "Autorisation")
    decision.get_by_label("Référence de l'acte signé hors Parcours").fill(reference)
    decision.get_by_test_id("record-decision").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Autorisée")
    expect_message(page, f"Décision enregistrée au registre sous le n° {number}")


def check_renewal_act(sec: Page, screenshot, number: str, pathway_url: str) -> None:
    """The hand-recorded renewal decision has its numbered act (PDF, first page rendered) and its letters."""
    from .test_meeting import pdf_text, render_pages

    sec.get_by_test_id("tab-decisions").click()  # the requests and their decisions, in the register
    register = sec.get_by_test_id("register-number").filter(has_text=number)
    expect(register).to_have_count(1)
    sec.locator("#demandes").get_by_role("link", name="voir au registre").nth(1).click()
    expect(sec.get_by_role("heading", level=1)).to_contain_text(f"Décision n° {number}")
    expect(sec.get_by_test_id("decision-origin")).to_contain_text("ARR-99-2026-0002")
    check_page(sec)
    screenshot(sec, "registre-decision-renouvellement")
    response = sec.request.get(sec.get_by_test_id("decision-pdf").get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="decision-{number}.pdf"' in response.headers["content-disposition"]
    text = " ".join(pdf_text(response.body()).split())
    for expected in (f"Décision n° {number}", "en renouvellement", "référence ARR-99-2026-0002", "Liberté"):
        assert expected in text, expected
    assert "PROJET" not in text and "·" not in text
    render_pages(response.body(), "renouvellement-decision-page")
    letters = {
        "person": "personne",
        "afis_payer": "organisme-payeur",
    }
    for addressee, suffix in letters.items():
        href = sec.get_by_test_id(f"letter-{addressee}").get_attribute("href")
        letter = sec.request.get(href)
        assert f'filename="notification-{number}-{suffix}.pdf"' in letter.headers["content-disposition"]
        assert f"décision n° {number}" in " ".join(pdf_text(letter.body()).split())
    sec.goto(pathway_url)


def test_psp_happy_path(web, psp_world, screenshot):
    today = timezone.localdate()

    # --- The association worker records the person -------------------------------------------------
    asso = web.new_page()
    log_in(asso, psp_world.usernames["association"])
    asso.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Personnes").click()
    asso.get_by_test_id("person-create").click()
    expect(asso.get_by_role("heading", level=1)).to_have_text("Nouvelle personne accompagnée")
    asso.get_by_label("Nom de naissance").fill("Zorvalenne")
    asso.get_by_label("Prénom", exact=True).fill("Ilona")
    asso.get_by_label("Date de naissance").fill("1994-06-12")
    asso.get_by_label("Sexe").select_option(label="Femme")
    asso.get_by_label("Nationalité (Optionnel)").fill("nigériane")
    asso.get_by_label("Groupe de nationalité").select_option(label="Hors Union européenne")
    asso.get_by_label("Langues parlées").fill("anglais, edo")
    asso.get_by_label("Téléphone").fill("06 00 00 00 00")
    asso.get_by_label("Hébergement").select_option(label="Hébergement d'urgence")
    asso.get_by_label("Ressources").select_option(label="Aucune ressource")
    asso.get_by_label("Couverture maladie").select_option(label="Aide médicale de l'État")
    asso.get_by_label("Situation administrative").select_option(label="Sans titre de séjour")
    asso.get_by_label("Enfants à charge").fill("1")
    asso.get_by_label("Consentement à l'accompagnement recueilli le").fill(today.isoformat())
    screenshot(asso, "association-nouvelle-personne")
    asso.get_by_test_id("submit").click()

    created = asso.locator(".fr-alert").filter(has_text="Personne enregistrée sous le code")
    expect(created).to_be_visible()
    pseudonym = re.search(r"code (\S+)\.", created.inner_text()).group(1)
    expect(asso.get_by_test_id("person-name")).to_have_text("ZORVALENNE Ilona")
    check_page(asso)
    screenshot(asso, "association-fiche-personne")

    # --- Consent to the PSP request, then the request -------------------------------------------------
    consent = asso.locator("form").filter(has=asso.get_by_role("button", name="Enregistrer le consentement"))
    consent.get_by_label("Finalité").select_option(label="Demande de parcours de sortie")
    consent.get_by_label("Recueilli le").fill(today.isoformat())
    consent.get_by_role("button", name="Enregistrer le consentement").click()
    expect_message(asso, "Consentement enregistré.")
    consents = asso.get_by_role("table", name="Consentements")
    expect(consents.get_by_role("row").filter(has_text="Demande de parcours de sortie")).to_contain_text(
        fr_date(today)
    )
    screenshot(asso, "association-consentement-psp")

    asso.get_by_test_id("start-pathway").click()
    expect(asso.get_by_test_id("request-state")).to_have_text("En préparation")
    expect(asso.get_by_test_id("missing-now")).to_contain_text(
        "Pièce manquante : Copie d'une pièce d'identité"
    )
    check_page(asso)
    screenshot(asso, "association-demande-commencee")
    pathway_url = asso.url.split("#")[0]

    asso.get_by_test_id("edit-request").click()
    tick(asso, "(AFIS)")
    tick(asso, "Hébergement ou logement")
    asso.get_by_label("Avis motivé de l'association").fill(
        "Mme suit l'accompagnement depuis six mois ; elle a cessé l'activité et souhaite se former."
    )
    tick(asso, "La personne s'engage dans le parcours")
    asso.get_by_label("Date de l'engagement").fill(today.isoformat())
    tick(asso, "La personne atteste sur l'honneur avoir cessé l'activité prostitutionnelle")
    check_page(asso)
    screenshot(asso, "association-demande-completee")
    asso.get_by_test_id("submit").click()
    expect_message(asso, "Demande enregistrée.")

    add_objective(asso, "Hébergement, logement", "Accéder à un hébergement stable", "Dossier SIAO déposé")
    documents = asso.get_by_test_id("documents")
    # The association's agrément is attached from the register: nothing to upload.
    expect(asso.get_by_test_id("agrement-from-register")).to_contain_text("joint depuis le registre")
    for kind, filename in INITIAL_DOCUMENTS:
        upload(asso, kind, filename)
        expect(documents.get_by_role("cell", name=kind, exact=True)).to_be_visible()
        expect(documents.get_by_test_id("document-name").filter(has_text=filename)).to_be_visible()
    expect(asso.locator("#transmettre")).to_contain_text("La demande est complète.")
    expect(asso.get_by_test_id("missing-now")).to_have_count(0)
    screenshot(asso, "association-pieces-et-objectif")

    asso.get_by_test_id("submit-request").click()
    expect(asso.get_by_test_id("request-state")).to_have_text("Transmise, à vérifier")
    expect_message(asso, "Demande transmise au secrétariat de la commission.")
    screenshot(asso, "association-demande-transmise")

    # --- The secretariat checks it and returns it as incomplete --------------------------------------
    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    to_check = sec.get_by_test_id("board-to_check")
    expect(to_check).to_contain_text(pseudonym)
    screenshot(sec, "secretariat-a-traiter")
    to_check.get_by_role("link", name=re.compile(re.escape(pseudonym))).click()
    expect(sec.get_by_test_id("request-state")).to_have_text("Transmise, à vérifier")
    check_page(sec)
    incomplete = form_of(sec, "return-incomplete")
    tick(incomplete, FOLLOW_UP)
    incomplete.get_by_label("Commentaire pour l'association").fill("Le document de suivi n'est pas signé.")
    incomplete.get_by_test_id("return-incomplete").click()
    expect(sec.get_by_test_id("request-state")).to_have_text("Incomplète, à compléter")
    screenshot(sec, "secretariat-demande-incomplete")

    # --- The association sees what is missing and sends the request again ----------------------------
    asso.goto(pathway_url)
    expect(asso.get_by_test_id("missing-items")).to_contain_text(FOLLOW_UP)
    expect(asso.get_by_role("status").filter(has_text="éléments manquants")).to_contain_text(
        "Le document de suivi n'est pas signé."
    )
    screenshot(asso, "association-elements-manquants")
    upload(asso, FOLLOW_UP, "suivi-signe.pdf")
    expect(documents.get_by_role("cell", name=FOLLOW_UP, exact=True)).to_have_count(2)
    asso.get_by_test_id("submit-request").click()
    expect(asso.get_by_test_id("request-state")).to_have_text("Transmise, à vérifier")
    screenshot(asso, "association-demande-retransmise")

    # --- The secretariat: complete, favourable opinion, authorisation ---------------------------------
    sec.goto(pathway_url)
    mark_ready_and_favourable(sec)
    period1_end = rules.period_end(today)
    expect(sec.get_by_text("Période qui serait ouverte par une autorisation aujourd'hui")).to_contain_text(
        f"du {fr_date(today)} au {fr_date(period1_end)}"
    )
    screenshot(sec, "secretariat-avis-favorable")

    # The signatory's board lists the decision to take (the secretariat records it in this walk).
    signatory = web.new_page()
    log_in(signatory, psp_world.usernames["signatory"])
    expect(signatory.get_by_test_id("board-to_decide")).to_contain_text(pseudonym)
    screenshot(signatory, "signataire-decisions-a-prendre")
    signatory.context.close()

    record_authorisation(sec, "ARR-99-2026-0001", f"{today.year}-0001")
    expect(sec.get_by_test_id("pathway-state")).to_have_text("Autorisé, en cours")
    periods = sec.get_by_test_id("periods")
    expect(periods.locator("tbody tr")).to_have_count(1)
    expect(periods.locator("tbody tr").nth(0)).to_have_text(
        re.compile(rf"1\s*{fr_date(today)}\s*{fr_date(period1_end)}")
    )
    expect(sec.locator("#periodes")).to_contain_text(f"{rules.PERIOD_MONTHS} mois autorisés")
    screenshot(sec, "secretariat-decision-autorisation")

    # The AFIS asked for in the request can now be granted (the file's « Droits » tab); its amount comes from
    # the scale.
    sec.get_by_test_id("tab-rights").click()
    expect(sec.get_by_test_id("tab-rights")).to_have_attribute("aria-current", "page")
    expect(sec.get_by_test_id("afis-status")).to_have_text("Demandée")
    form_of(sec, "grant-afis").get_by_test_id("grant-afis").click()
    expect(sec.get_by_test_id("afis-status")).to_have_text("Accordée")
    amount = number_format(current_afis_amount(today, 1), decimal_pos=2)
    expect(sec.get_by_test_id("afis-amount")).to_have_text(f"{amount} €")
    screenshot(sec, "secretariat-afis-accordee")

    # --- Renewal, prepared by the association during period 1 -----------------------------------------
    asso.goto(pathway_url)
    asso.get_by_test_id("start-renewal").click()
    expect(asso.get_by_role("heading", level=2, name=re.compile("Demande de renouvellement"))).to_be_visible()
    expect(asso.get_by_test_id("request-state")).to_have_text("En préparation")
    screenshot(asso, "association-renouvellement-commence")
    asso.get_by_test_id("edit-request").click()
    expect(asso.get_by_role("checkbox", name=re.compile(r"\(AFIS\)"))).to_be_checked()
    asso.get_by_label("Avis motivé de l'association").fill("Parcours bien engagé ; la formation commence.")
    asso.get_by_label("Actions menées et engagements tenus").fill(
        "Hébergement stable obtenu ; inscription à une formation qualifiante."
    )
    tick(asso, "La personne s'engage dans le parcours")
    asso.get_by_label("Date de l'engagement").fill(today.isoformat())
    asso.get_by_test_id("submit").click()
    expect_message(asso, "Demande enregistrée.")
    add_objective(asso, "Emploi", "Trouver un emploi durable", "Accompagnement France Travail")
    upload(asso, FOLLOW_UP, "suivi-renouvellement.pdf")
    expect(documents.get_by_role("cell", name=FOLLOW_UP, exact=True)).to_have_count(1)
    expect(asso.locator("#transmettre")).to_contain_text("La demande est complète.")
    asso.get_by_test_id("submit-request").click()
    expect(asso.get_by_test_id("request-state")).to_have_text("Transmise, à vérifier")
    screenshot(asso, "association-renouvellement-transmis")

    # --- The secretariat decides the renewal: period 2 follows period 1 -------------------------------
    sec.get_by_role("navigation", name="Menu principal").get_by_role("link", name="À traiter").click()
    to_check = sec.get_by_test_id("board-to_check")
    expect(to_check).to_contain_text("Demande de renouvellement")
    # The person's AFIS notice to send is folded under the same case (one line per person).
    to_check.get_by_role("link", name=re.compile(re.escape(pseudonym) + " — Demande de")).click()
    mark_ready_and_favourable(sec)
    period2_start = period1_end + timedelta(days=1)
    period2_end = rules.period_end(period2_start)
    record_authorisation(sec, "ARR-99-2026-0002", f"{today.year}-0002")
    expect(periods.locator("tbody tr")).to_have_count(2)
    expect(periods.locator("tbody tr").nth(1)).to_have_text(
        re.compile(rf"2\s*{fr_date(period2_start)}\s*{fr_date(period2_end)}")
    )
    expect(sec.locator("#periodes")).to_contain_text(f"{2 * rules.PERIOD_MONTHS} mois autorisés")
    screenshot(sec, "secretariat-renouvellement-autorise")
    check_renewal_act(sec, screenshot, f"{today.year}-0002", pathway_url)

    # --- The secretariat ends the pathway: completed, into employment ---------------------------------
    sec.goto(pathway_url)
    sec.get_by_test_id("tab-decisions").click()
    end = form_of(sec, "end-pathway")
    choose(end, "Parcours achevé")
    end.get_by_label("Situation à la sortie").select_option(label="Emploi")
    end.get_by_test_id("end-pathway").click()
    # Ending cannot be undone: the page says what will happen; nothing is recorded before the answer.
    expect(sec.get_by_test_id("confirm-consequences")).to_contain_text("L'AFIS cesse d'être versée")
    check_page(sec)
    screenshot(sec, "secretariat-confirmer-fin-du-parcours")
    sec.get_by_test_id("confirm-submit").click()
    expect(sec.get_by_test_id("pathway-state")).to_have_text("Terminé")
    expect(sec.locator(".fr-callout").filter(has_text="Parcours terminé le")).to_contain_text(
        f"Parcours terminé le {fr_date(today)} : parcours achevé (emploi)."
    )
    sec.get_by_test_id("tab-history").click()
    timeline = sec.get_by_test_id("timeline")
    for label in [
        "Demande d'engagement commencée",
        "Demande transmise au secrétariat",
        "Demande renvoyée à l'association pour complément",
        "Demande complétée et transmise",
        "Demande complète, prête pour la commission",
        "Avis de la commission : favorable",
        "Décision du préfet : autorisation",
        f"Période 1 ouverte du {fr_date(today)} au {fr_date(period1_end)}",
        "Parcours autorisé",
        "AFIS accordée",
        "Demande de renouvellement commencée",
        f"Période 2 ouverte du {fr_date(period2_start)} au {fr_date(period2_end)}",
        "Fin du parcours : parcours achevé",
    ]:
        expect(timeline).to_contain_text(label)
    check_page(sec)
    screenshot(sec, "parcours-termine")

    csp = [message for message in web.console_errors if "Content Security Policy" in message]
    assert csp == [], "\n".join(csp)


def test_keyboard_and_labels(web, psp_world):
    """The skip link comes first, every input of the person form is labelled, pages are French with one h1."""
    page = web.new_page()
    page.goto("/compte/connexion/")
    check_page(page)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.tagName, document.activeElement.textContent.trim()]"
    )
    assert focused == ["A", "Contenu"], focused

    page.get_by_label(re.compile("utilisateur", re.I)).fill(psp_world.usernames["association"])
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1, name="À traiter")).to_be_visible()
    check_page(page)

    page.goto("/personnes/nouvelle/")
    check_page(page)
    unlabelled = page.evaluate(
        """() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
            .filter((el) => el.type !== 'hidden')
            .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                            && !el.getAttribute('aria-labelledby'))
            .map((el) => el.name || el.id)"""
    )
    assert unlabelled == []
    assert page.locator("main form").locator("input:not([type=hidden]), select, textarea").count() >= 15

    csp = [message for message in web.console_errors if "Content Security Policy" in message]
    assert csp == [], "\n".join(csp)
