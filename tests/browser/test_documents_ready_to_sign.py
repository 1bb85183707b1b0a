"""End to end, in headless Chromium: the secretariat sets the letterhead of its documents, then corrects a
draft block by block in plain text (no HTML, no « &#x27; »); the draft's PDF carries the service's details
and the « PROJET » watermark.

Screenshots: test-artefacts/screenshots/NN-en-tete-*.png, NN-brouillon-*.png and brouillon-page-1.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parcours.commission import documents as kinds
from parcours.core.access import Actor
from parcours.core.models import Membership
from parcours.documents import registry, services

from .test_happy_path import check_page, expect_message, form_of, log_in
from .test_meeting import pdf_text, render_pages

pytestmark = pytest.mark.browser


def test_letterhead_and_draft_blocks(web, psp_world, screenshot):
    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    sec.goto("/documents/modeles/")
    sec.get_by_test_id("letterhead-link").click()
    check_page(sec)
    form = form_of(sec, "save-letterhead")
    form.get_by_label("Direction").fill("Direction départementale de l'emploi, du travail et des solidarités")
    form.get_by_label("Ville").fill("Démoville")
    form.get_by_label("Affaire suivie par").fill("Sacha Secrétaire")
    form.get_by_label("Téléphone").fill("01 02 03 04 05")
    form.get_by_label("Courriel du service").fill("pas-un-courriel")
    form.get_by_test_id("save-letterhead").click()
    expect(sec).to_have_title(re.compile("^Erreur : "))
    screenshot(sec, "en-tete-erreur")
    form_of(sec, "save-letterhead").get_by_label("Courriel du service").fill("ddfe@demoville.invalid")
    form_of(sec, "save-letterhead").get_by_test_id("save-letterhead").click()
    expect_message(sec, "En-tête des documents enregistré")
    screenshot(sec, "en-tete-enregistre")

    membership = Membership.objects.get(user__username=psp_world.usernames["secretariat"])
    actor = Actor(user=membership.user, membership=membership)
    kind = registry.get(kinds.LETTER_PERSON)
    document = services.create_document(
        actor=actor, kind=kind.key, context=kind.sample(), title="Notification de la décision"
    )
    sec.goto(f"/documents/{document.public_id}/")
    check_page(sec)
    blocks = sec.get_by_test_id("draft-blocks")
    expect(blocks.locator("textarea[name=html]")).to_have_count(0)
    expect(blocks).not_to_contain_text("&#x27;")
    greeting = blocks.locator("textarea").filter(has_text="Madame,").first
    greeting.fill("Chère Madame,")
    screenshot(sec, "brouillon-blocs")
    blocks.get_by_role("button", name="Enregistrer le brouillon").click()
    expect_message(sec, "Brouillon enregistré.")
    document.refresh_from_db()
    assert "<p>Chère Madame,</p>" in document.html
    text = " ".join(pdf_text(services.pdf_of(document)).split())
    for expected in ("PROJET", "Affaire suivie par : Sacha Secrétaire", "Démoville, le", "Chère Madame,"):
        assert expected in text, expected
    render_pages(services.pdf_of(document), "brouillon-page")
