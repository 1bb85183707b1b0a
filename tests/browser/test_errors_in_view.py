"""In Chromium: a refused form deep in a long page comes back with its error summary in view and focused,
each error a link that focuses its field, and « Erreur : » at the start of the title (docs/saisies.md)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parcours.pathways.models import PathwayState

from ..factories import PASSWORD
from .conftest import SCREENSHOTS, Screenshots

pytestmark = pytest.mark.browser


def log_in(page, username: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label(re.compile("utilisateur", re.I)).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1, name="À traiter")).to_be_visible()


@pytest.fixture(scope="module")
def screenshot():
    """This module's screenshots, in their own folder (the shared fixture empties its folder per test)."""
    return Screenshots(SCREENSHOTS / "erreurs")


def test_end_of_pathway_refused_deep_in_the_page_is_in_view_and_focused(
    web, screenshot, actors, active_pathway
):
    page = web.new_page()
    log_in(page, actors["secretariat"].user.username)
    page.goto(f"/parcours/{active_pathway.public_id}/decisions-et-fin/")
    end_block = page.locator("section#fin")
    end_block.scroll_into_view_if_needed()
    end_block.get_by_label("Date de fin").fill("")
    end_block.get_by_test_id("end-pathway").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page.locator("section#fin [data-error-summary]")).to_have_count(1)  # in its own block
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    assert page.evaluate("window.scrollY") > 600  # the block is far down the page: no jump back to the top
    links = summary.get_by_role("link")
    expect(links.filter(has_text="Motif de fin : Ce champ est obligatoire.")).to_have_attribute(
        "href", "#id_end_reason_0"
    )
    screenshot(page, "erreur-fin-de-parcours")
    links.filter(has_text="Date de fin").click()
    expect(page.locator("#id_end_day")).to_be_focused()
    expect(page.locator("#id_end_day")).to_have_attribute("aria-describedby", "id_end_day-desc-error")
    active_pathway.refresh_from_db()
    assert active_pathway.state == PathwayState.ACTIVE  # nothing changed
    assert not web.console_errors


def test_refused_action_button_message_is_moved_into_its_block(web, screenshot, actors, active_pathway):
    """A refusal without a form (an act the state no longer allows) comes back as a message, moved into the
    block of the page the button belongs to, and focused."""
    page = web.new_page()
    log_in(page, actors["association_worker"].user.username)
    page.goto(f"/parcours/{active_pathway.public_id}/")
    # Post the submit action as a stale page would (the request is no longer open).
    page.evaluate(
        """(url) => { const f = document.createElement('form'); f.method = 'post'; f.action = url;
        const t = document.querySelector('input[name=csrfmiddlewaretoken]');
        const i = document.createElement('input'); i.type = 'hidden'; i.name = t.name; i.value = t.value;
        f.appendChild(i); document.body.appendChild(f); f.submit(); }""",
        reverse("pathways:submit", args=[active_pathway.public_id]),
    )
    message = page.locator("#demande [data-error-message]")
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    screenshot(page, "erreur-bouton-transmettre")


def test_full_page_form_summary_is_focused(web, screenshot, actors, person):
    page = web.new_page()
    log_in(page, actors["association_worker"].user.username)
    page.goto(f"/personnes/{person.public_id}/modifier/")
    page.locator("#id_person_last_name").fill("")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    expect(summary.get_by_role("link").first).to_have_attribute("href", "#id_person_last_name")
    screenshot(page, "erreur-fiche-personne")


def test_note_form_of_the_person_page_comes_back_in_its_block(web, screenshot, actors, person):
    page = web.new_page()
    log_in(page, actors["association_worker"].user.username)
    page.goto(f"/personnes/{person.public_id}/")
    notes = page.locator("section#notes")
    notes.get_by_role("button", name="Ajouter la note").click()
    summary = page.locator("section#notes [data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    expect(summary.locator('a[href="#id_note_text"]')).to_have_count(1)
    screenshot(page, "erreur-note-de-suivi")
    assert person.notes.count() == 0
