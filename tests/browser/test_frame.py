"""In Chromium: the DSFR frame. The header's brand block is whole at 1280 and 375 px wide whatever the length
of the account label; the footer's pages are reachable from the login page; the national analyst lands on
its page from « / » and from its menu."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parcours.core.models import Organisation
from parcours.core.roles import Role

from ..factories import PASSWORD
from .conftest import SCREENSHOTS, Screenshots

pytestmark = pytest.mark.browser

LONG_FIRST, LONG_LAST = "Marie-Christine-Alexandra", "de La Tour-Montgomery-Vandenbroucke"


@pytest.fixture(scope="module")
def screenshot():
    """This module's screenshots, in their own folder (the shared fixture empties its folder per test)."""
    return Screenshots(SCREENSHOTS / "cadre-dsfr")


def log_in(page, username: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label(re.compile("utilisateur", re.I)).fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def brand_is_whole(page) -> None:
    """The service title and the Marianne block are drawn in full: not clipped, not under the tools."""
    title = page.locator(".fr-header__service-title")
    expect(title).to_be_visible()
    clipped = page.evaluate(
        """() => {
        const out = [];
        const parts = ['.fr-header__brand', '.fr-header__service', '.fr-header__service-title',
                       '.fr-header__logo', '.fr-header__logo .fr-logo'];
        for (const sel of parts) {
          const el = document.querySelector(sel);
          if (el.scrollWidth > el.clientWidth + 1) {
            out.push(sel + ' scroll ' + el.scrollWidth + '>' + el.clientWidth);
          }
        }
        const brand = document.querySelector('.fr-header__brand').getBoundingClientRect();
        const tools = document.querySelector('.fr-header__tools');
        if (tools && getComputedStyle(tools).display !== 'none') {
          const t = tools.getBoundingClientRect();
          const overlap = t.left < brand.right && t.top < brand.bottom && t.bottom > brand.top;
          if (overlap) out.push('tools overlap brand ' + t.left + '<' + brand.right);
        }
        if (brand.right > window.innerWidth + 1) out.push('brand beyond the window');
        const page = document.documentElement.scrollWidth;
        if (page > window.innerWidth + 1) out.push('page wider than the window: ' + page);
        return out;
      }"""
    )
    assert clipped == []


@pytest.mark.parametrize("width", [1280, 375])
def test_brand_block_is_whole_with_a_long_account_label(web, screenshot, actors, width):
    worker = actors[Role.ASSOCIATION_WORKER]
    worker.user.first_name, worker.user.last_name = LONG_FIRST, LONG_LAST
    worker.user.save()
    Organisation.objects.filter(pk=worker.organisation.pk).update(
        name="Association départementale d'accompagnement et de réinsertion sociale des personnes victimes"
    )
    page = web.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, worker.user.username)
    expect(page.get_by_role("heading", level=1, name="À traiter")).to_be_visible()
    brand_is_whole(page)
    if width >= 992:  # the tools links are in the header (below, the DSFR copies them into the menu)
        account = page.get_by_test_id("current-membership").first
        expect(account).to_be_visible()
        expect(account).to_contain_text(LONG_LAST)  # the whole label stays the link's name
    screenshot(page, f"entete-libelle-long-{width}px")
    assert not web.console_errors


def test_footer_pages_from_the_login_page(web, screenshot):
    page = web.new_page()
    page.goto("/compte/connexion/")
    expect(page.get_by_role("link", name="Mot de passe oublié ?")).to_be_visible()
    expect(page.get_by_test_id("help-contact")).to_contain_text("contactez")
    screenshot(page, "connexion")
    for label, heading in [
        ("Accessibilité : non conforme", "Déclaration d'accessibilité"),
        ("Mentions légales", "Mentions légales"),
        ("Données personnelles", "Données personnelles"),
        ("Gestion des cookies", "Gestion des cookies"),
    ]:
        page.get_by_test_id("footer-links").get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        screenshot(page, "pied-" + re.sub(r"[^a-z]+", "-", heading.lower()).strip("-"))
    assert not web.console_errors


def test_national_analyst_lands_on_its_page(web, screenshot, actors):
    page = web.new_page()
    log_in(page, actors[Role.NATIONAL_ANALYST].user.username)
    expect(page.get_by_role("heading", level=1, name="Statistiques nationales")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/national/$"))
    page.locator(".fr-header__service a").click()  # the header's brand links to « / »
    expect(page).to_have_url(re.compile(r"/national/$"))
    expect(page.get_by_role("heading", level=1, name="Statistiques nationales")).to_be_visible()
    screenshot(page, "analyste-national")
    assert not web.console_errors


@pytest.mark.parametrize(
    "role", [Role.SECRETARIAT, Role.PARTNER_ADVISOR, Role.ASSOCIATION_WORKER, Role.ASSOCIATION_MANAGER]
)
def test_the_main_menu_fits_the_window_and_opens_with_the_keyboard(web, screenshot, actors, role):
    """The roles that follow pathways (the secretariat, the associations) find the network's pages under one
    menu, the secretariat its decisions and the appeals under another and its tools under a third: the bar
    stays within a 1280 px window with room to spare for a wider font, and a menu opens with the keyboard."""
    page = web.new_page()
    log_in(page, actors[role].user.username)
    page.evaluate("() => document.fonts.ready")
    nav = page.locator("#menu-principal")
    edges = page.evaluate(
        "() => [...document.querySelectorAll('#menu-principal .fr-nav__list > .fr-nav__item')]"
        ".map(li => [li.textContent.trim().split('\\n')[0], Math.round(li.getBoundingClientRect().right)])"
    )
    # A fallback font or a longer label must not push an entry off the bar: a fifth of it stays free.
    assert max(right for _, right in edges) < 1280 * 0.8, edges
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('#menu-principal .fr-nav__item')]"
        ".filter(li => li.getBoundingClientRect().right > window.innerWidth + 1).length"
    )
    assert overflow == 0
    if role != Role.PARTNER_ADVISOR:
        button = nav.get_by_role("button", name="Réseau")
        button.focus()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(nav.get_by_role("link", name="Repérages")).to_be_visible()
        if role == Role.SECRETARIAT:
            decisions = nav.get_by_role("button", name="Décisions")
            decisions.focus()
            page.keyboard.press("Enter")
            expect(nav.get_by_role("link", name="Recours")).to_be_visible()
            expect(nav.get_by_role("link", name="Décisions du préfet")).to_be_visible()
        screenshot(page, f"menu-reseau-{role.value}")
    else:
        expect(nav.get_by_role("link", name="Repérages")).to_be_visible()
    assert not web.console_errors
