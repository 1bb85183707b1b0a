"""In Chromium: the secretariat issues an export token from its « Outils » menu, sees the key once (a reload
shows it no more and issues nothing), then revokes it after « Ce qui va se passer ». Each page checked by
axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from parcours.core.roles import Role
from parcours.national.models import ApiToken

from .conftest import SCREENSHOTS, Screenshots
from .test_frame import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def screenshot():
    return Screenshots(SCREENSHOTS / "api_tokens")


def test_the_secretariat_issues_sees_once_and_revokes_an_export_token(web, screenshot, actors):
    page = web.new_page()
    log_in(page, actors[Role.SECRETARIAT].user.username)
    page.get_by_role("button", name="Outils").click()
    page.get_by_role("link", name="Jetons d'API").click()
    expect(page.get_by_role("heading", level=1, name="Jetons d'API")).to_be_visible()
    page.get_by_test_id("token-issue").click()
    expect(page.get_by_label("Détenteur")).to_have_value("Instance nationale")
    screenshot(page, "formulaire")
    page.get_by_test_id("submit").click()

    key = page.get_by_test_id("token-key")
    expect(key).to_have_text(re.compile(r"^[A-Za-z0-9_-]{43}$"))
    expect(page.get_by_test_id("token-warning")).to_contain_text("il ne sera plus jamais affiché")
    shown = key.inner_text()
    screenshot(page, "jeton-affiche")

    page.reload()  # the browser posts the form again: nothing issued, nothing shown
    expect(page.get_by_test_id("token-key")).to_have_count(0)
    expect(page.locator("#erreur")).to_contain_text("déjà été envoyé")
    assert ApiToken.objects.count() == 1
    row = page.get_by_test_id("token-row")
    expect(row).to_contain_text(f"{shown[:8]}…")
    assert shown not in page.content()
    screenshot(page, "liste")

    row.get_by_test_id("token-revoke").click()
    expect(page.get_by_test_id("confirm-consequences")).to_contain_text("cesse de fonctionner immédiatement")
    screenshot(page, "confirmation")
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("token-state")).to_have_text("révoqué")
    assert ApiToken.objects.get().revoked_at is not None
    assert not web.console_errors
