"""In headless Chromium: (a) a Mission Locale detects a minor, transmits an information préoccupante and
records the CRIP's feedback; (b) a young adult is detected, referred with consent, the association accepts,
records the first contact, starts the accompaniment (the person's file prefilled from the referral) and opens
the PSP request; (c) a detection is corrected, referred, then the referral withdrawn (the association reads
only that it was withdrawn)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.people.models import Person
from parcours.referrals.models import Detection, ProtectionReport, Referral

from ..factories import MembershipFactory, OrganisationFactory
from .conftest import SCREENSHOTS, Screenshots
from .test_happy_path import check_page, choose, expect_message, log_in, tick

pytestmark = pytest.mark.browser


@pytest.fixture
def shots(request):
    return Screenshots(SCREENSHOTS / f"reperage-{request.node.name.removeprefix('test_')[:40]}")


@pytest.fixture
def mission_locale(psp_world):
    # (The national indicators, emptied by an earlier transactional test, are put back by tests/conftest.py.)
    org = OrganisationFactory(
        departement=psp_world.departement, kind=OrganisationKind.MISSION_LOCALE, name="Mission locale fictive"
    )
    MembershipFactory(
        organisation=org,
        role=Role.PARTNER_ADVISOR,
        user__username="conseiller.ml",
        user__first_name="Hugo",
        user__last_name="Conseiller",
    )
    return "conseiller.ml"


def _detect(page, *, birth, last_name="", context=""):
    page.goto("/reperage/nouveau/")
    check_page(page)
    page.locator("#id_detection_birth_date").fill(birth.isoformat())
    page.get_by_label("Sexe").select_option(label="Femme")
    tick(page, "Fugues répétées")
    tick(page, "Nuits à l'hôtel ou en location meublée de courte durée")
    page.get_by_label("Type de lieu").select_option(label="Hôtel")
    page.get_by_label("Type de plateforme en ligne").select_option(label="Réseau social")
    if last_name:
        page.locator("#id_detection_last_name").fill(last_name)
        page.locator("#id_detection_first_name").fill("Maëlys")
        page.locator("#id_detection_phone").fill("06 12 34 56 78")
    if context:
        page.get_by_label("Contexte").fill(context)
    page.get_by_test_id("submit").click()


def detect_and_transmit_minor(page, shots, *, last_name="", context="", notes=""):
    """Through the browser, as the Mission Locale: a minor detected, an information préoccupante sent to the
    CRIP, the CRIP's feedback recorded (a protection measure). Returns the detection."""
    today = timezone.localdate()
    _detect(page, birth=today.replace(year=today.year - 15), last_name=last_name, context=context)
    expect(page.get_by_test_id("protection-guide")).to_be_visible()
    expect(page.get_by_test_id("awaiting-transmission")).to_be_visible()
    shots(page, "mineure-reperee")
    detection = Detection.objects.get()
    assert detection.is_minor

    page.goto("/")
    expect(page.get_by_text(f"Repérage {detection.pseudonym}")).to_be_visible()
    shots(page, "tableau-partenaire")

    page.goto(f"/reperage/{detection.public_id}/")
    form = page.get_by_test_id("report-form")
    choose(form, "Information préoccupante à la CRIP")
    form.get_by_label("Destinataire").fill("CRIP du Conseil départemental")
    form.get_by_label("Référence").fill("IP-99-0042")
    page.get_by_test_id("report-submit").click()
    expect_message(page, "Transmission enregistrée.")
    expect(page.get_by_test_id("awaiting-transmission")).to_have_count(0)
    shots(page, "information-preoccupante")

    form = page.get_by_test_id("feedback-form")
    form.get_by_label("Suite donnée").select_option(label="Mesure de protection administrative")
    if notes:
        form.get_by_label("Précisions").fill(notes)
    page.get_by_test_id("feedback-submit").click()
    expect_message(page, "Retour sur la transmission enregistré.")
    expect(page.get_by_test_id("reports-table")).to_contain_text("Mesure de protection administrative")
    shots(page, "retour-crip")
    report = ProtectionReport.objects.get()
    assert report.feedback == ProtectionReport.Feedback.ADMINISTRATIVE and report.reference == "IP-99-0042"
    return detection


def test_a_minor_is_transmitted_to_the_crip_and_its_feedback_recorded(web, psp_world, mission_locale, shots):
    page = web.new_page()
    log_in(page, mission_locale)
    detect_and_transmit_minor(page, shots)
    assert web.console_errors == []


def test_a_young_adult_is_referred_accompanied_and_a_psp_request_opened(
    web, psp_world, mission_locale, shots
):
    today = timezone.localdate()
    partner = web.new_page()
    log_in(partner, mission_locale)
    _detect(partner, birth=today.replace(year=today.year - 20) - timedelta(days=40), last_name="Quenderil")
    detection = Detection.objects.get()
    assert not detection.is_minor

    form = partner.get_by_test_id("referral-form")
    form.get_by_label("Association agréée").select_option(label="Association L'Escale fictive")
    form.get_by_label("Consentement de la personne recueilli le").fill(today.isoformat())
    tick(form, "La personne accepte que ses nom, prénom et téléphone soient transmis à l'association")
    form.get_by_label("Message à l'association").fill("Préfère être appelée en fin de journée.")
    partner.get_by_test_id("referral-submit").click()
    expect_message(partner, "Orientation transmise à l'association.")
    shots(partner, "orientation")

    asso = web.new_page()
    log_in(asso, psp_world.usernames["association"])
    referral = Referral.objects.get()
    asso.goto(f"/reperage/orientations/{referral.public_id}/")
    check_page(asso)
    expect(asso.get_by_test_id("referral-contact")).to_contain_text("QUENDERIL")
    form = asso.get_by_test_id("answer-form")
    choose(form, "Accepter l'orientation")
    asso.get_by_test_id("answer-submit").click()
    asso.get_by_role("button", name="Oui, accepter").click()
    expect_message(asso, "Réponse enregistrée")
    asso.get_by_test_id("contact-submit").click()
    expect_message(asso, "Premier contact enregistré.")
    shots(asso, "premier-contact")

    asso.get_by_test_id("start-accompaniment").click()
    expect(asso.get_by_label("Nom de naissance")).to_have_value("Quenderil")
    expect(asso.get_by_label("Téléphone")).to_have_value("06 12 34 56 78")
    asso.get_by_label("Groupe de nationalité").select_option(label="Française")
    asso.get_by_label("Hébergement").select_option(label="Hébergé·e par un tiers")
    asso.get_by_label("Ressources").select_option(label="Aucune ressource")
    asso.get_by_label("Couverture maladie").select_option(label="Protection universelle maladie")
    asso.get_by_label("Situation administrative").select_option(label="Française ou ressortissante de l'UE")
    asso.get_by_label("Enfants à charge").fill("0")
    shots(asso, "fiche-pre-remplie")
    asso.get_by_test_id("submit").click()
    expect_message(asso, "Accompagnement commencé")
    person = Person.objects.get()
    assert person.last_name == "Quenderil" and person.birth_date == detection.birth_date
    asso.get_by_test_id("start-pathway").click()
    expect_message(asso, "Demande de parcours de sortie commencée")
    shots(asso, "demande-psp")
    assert person.pathways.get().requests.get().agrement is not None

    # The referring partner sees the outcome, never the person's file.
    partner.goto(f"/reperage/{detection.public_id}/")
    expect(partner.get_by_test_id("referrals-table")).to_contain_text("commencé le")
    assert partner.request.get(f"/personnes/{person.public_id}/").status == 404
    assert web.console_errors == []


def test_a_detection_is_corrected_then_its_referral_withdrawn(web, psp_world, mission_locale, shots):
    today = timezone.localdate()
    partner = web.new_page()
    log_in(partner, mission_locale)
    _detect(partner, birth=today.replace(year=today.year - 20) - timedelta(days=40), last_name="Quenderil")
    detection = Detection.objects.get()

    partner.get_by_test_id("detection-edit").click()
    check_page(partner)
    expect(partner.locator("#id_detection_last_name")).to_have_value("Quenderil")
    partner.get_by_label("Type de lieu").select_option(label="Rue, espace public")
    partner.get_by_label("Ce qui a été fait").fill("Numéro du 119 donné.")
    shots(partner, "modification")
    partner.get_by_test_id("submit").click()
    expect_message(partner, f"Repérage {detection.pseudonym} modifié.")
    expect(partner.get_by_test_id("detection-summary")).to_contain_text("Rue, espace public")

    form = partner.get_by_test_id("referral-form")
    form.get_by_label("Association agréée").select_option(label="Association L'Escale fictive")
    form.get_by_label("Consentement de la personne recueilli le").fill(today.isoformat())
    partner.get_by_test_id("referral-submit").click()
    expect_message(partner, "Orientation transmise à l'association.")
    partner.get_by_test_id("withdraw-form").get_by_label("Motif du retrait").fill("A changé d'avis")
    partner.get_by_test_id("withdraw-submit").click()
    expect(partner.get_by_text("Ce qui va se passer")).to_be_visible()
    partner.get_by_role("button", name="Oui, retirer l'orientation").click()
    expect_message(partner, "Orientation retirée")
    expect(partner.get_by_test_id("referrals-table")).to_contain_text("Retirée")
    expect(partner.get_by_test_id("referral-form")).to_be_visible()
    shots(partner, "orientation-retiree")

    asso = web.new_page()
    log_in(asso, psp_world.usernames["association"])
    asso.goto(f"/reperage/orientations/{Referral.objects.get().public_id}/")
    expect(asso.get_by_test_id("referral-withdrawn")).to_contain_text("retirée par le partenaire")
    shots(asso, "orientation-retiree-association")
    assert web.console_errors == []
