"""The DSFR frame: the footer's mandatory pages exist, answer anonymous visitors, are linked from every page
and say true things; the login page offers the password reset and a help contact; the national analyst lands
on a page of its own instead of a wall of 403."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from parcours.core.roles import Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FOOTER = {
    "core:accessibility": "Accessibilité : non conforme",
    "core:legal": "Mentions légales",
    "core:privacy": "Données personnelles",
    "core:cookies": "Gestion des cookies",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


def footer_links(response) -> dict[str, str]:
    footer = text(response).split('data-testid="footer-links"', 1)[1].split("</ul>", 1)[0]
    return {
        label: href
        for href, label in re.findall(r'<a class="fr-footer__bottom-link" href="([^"]+)">([^<]+)</a>', footer)
    }


@pytest.mark.parametrize("name", sorted(FOOTER))
def test_footer_pages_answer_anonymous_visitors(name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert footer_links(response) == {label: reverse(n) for n, label in FOOTER.items()}


def test_footer_is_on_the_login_page_and_on_pages_of_every_role(actors):
    assert footer_links(Client().get(reverse("login"))) == {label: reverse(n) for n, label in FOOTER.items()}
    for role in (Role.SECRETARIAT, Role.ASSOCIATION_WORKER, Role.COMMISSION_MEMBER, Role.ADMIN):
        response = client_for(actors[role]).get(reverse("home"))
        assert response.status_code == 200
        assert footer_links(response) == {label: reverse(n) for n, label in FOOTER.items()}, role


def test_accessibility_statement_is_honest():
    page = text(Client().get(reverse("core:accessibility")))
    assert "non conforme" in page and "aucun audit de conformité RGAA n'a encore été réalisé" in page
    assert "axe-core" in page and "clavier" in page and "375 pixels" in page
    assert re.search(r"Établie le \d{1,2} \w+ 20\d\d", page)
    assert "Défenseur des droits" in page


def test_cookie_page_lists_exactly_the_cookies_the_service_sets(actors, settings):
    """Every cookie a visit sets (login, a page, a POST with a message) is in the table, and nothing else."""
    page = text(Client().get(reverse("core:cookies")))
    listed = set(re.findall(r"<td><code>([^<]+)</code></td>", page))
    assert "aucun bandeau de consentement" in page
    client = Client()
    client.get(reverse("login"))
    client.post(reverse("login"), {"username": actors[Role.SECRETARIAT].user.username, "password": "x"})
    set_names = set(client.cookies.keys())
    client_s = client_for(actors[Role.ASSOCIATION_WORKER])
    client_s.get(reverse("home"))
    client_s.post(reverse("logout"))
    set_names |= set(client_s.cookies.keys())
    assert set_names <= listed == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    assert settings.MESSAGE_STORAGE.endswith("SessionStorage")  # no « messages » cookie


def test_privacy_page_says_what_is_processed_and_why():
    page = text(Client().get(reverse("core:privacy")))
    for phrase in (
        "Responsable du traitement",
        "Base légale",
        "6.1.e",
        "L. 121-9",
        "Durées de conservation",
        "CNIL",
    ):
        assert phrase in page
    assert "n'efface pas encore automatiquement" in page  # no purge task exists yet: the page says so


def test_login_page_offers_password_reset_and_help(settings):
    settings.PARCOURS_HELP_CONTACT = "la DDFE de Démoville, 01 23 45 67 89"
    page = text(Client().get(reverse("login")))
    assert f'href="{reverse("core:password_reset")}"' in page and "Mot de passe oublié ?" in page
    assert "la DDFE de Démoville, 01 23 45 67 89" in page


def test_national_analyst_lands_on_its_statistics_page(actors):
    client = client_for(actors[Role.NATIONAL_ANALYST])
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [
        (reverse("core:national_stats"), 302),
        (reverse("national:ranking"), 302),
    ]
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Statistiques nationales</h1>" in page and "secret statistique" in page
    assert re.search(
        rf'<a class="fr-nav__link" href="{reverse("national:ranking")}" aria-current="page"', page
    )
    assert ">À traiter<" not in page  # no board link that would only bounce back here


def test_other_roles_keep_their_board_and_cannot_open_national_stats(actors):
    client = client_for(actors[Role.SECRETARIAT])
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("core:national_stats")).status_code == 403
