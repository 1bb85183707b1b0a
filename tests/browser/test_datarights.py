"""In headless Chromium: the association hands the information notice over in the person's language and
exports her data (RGPD art. 15) — the confirmation first, then the password shown once and the encrypted
archive downloaded once.

Screenshots: test-artefacts/screenshots/droits-NN-*.png (each page also checked by axe-core).
"""

from __future__ import annotations

import io
import json

import pytest
import pyzipper
from playwright.sync_api import expect

from parcours.datarights.models import AccessExport, NoticeDelivery
from tests.factories import PersonFactory

from .test_confirmations import Shots
from .test_happy_path import check_page, expect_message, log_in
from .test_portal import actor_named

pytestmark = pytest.mark.browser


def test_notice_and_access_export(web, psp_world):
    shoot = Shots("droits")
    worker = actor_named(psp_world.usernames["association"])
    person = PersonFactory(
        organisation=psp_world.association,
        created_by=worker.user,
        last_name="Ondralis",
        first_name="Veridiana",
        document_language="es",
        needs_interpreter=True,
    )
    page = web.new_page()
    log_in(page, psp_world.usernames["association"])
    page.goto(f"/personnes/{person.public_id}/")
    page.get_by_role(
        "link", name="Droits de la personne : demandes, rectifications, notice, export des données"
    ).click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Droits de la personne (RGPD)")
    shoot(page, "page")

    # The notice, French and Spanish side by side, filled with the association's name.
    page.get_by_test_id("notice-link").click()
    check_page(page)
    notice = page.get_by_test_id("rgpd-notice")
    expect(notice.locator('td[lang="es"]').first).to_contain_text("Responsables")
    expect(notice).to_contain_text("Association L'Escale fictive")
    expect(notice).to_contain_text("www.cnil.fr")
    shoot(page, "notice-es")
    page.go_back()

    form = page.locator("form").filter(has=page.get_by_test_id("notice-given"))
    expect(form.get_by_label("Langue de la notice")).to_have_value("es")
    form.get_by_label("Interprète (nom, service)").fill("Interprète Fictive")
    page.get_by_test_id("notice-given").click()
    expect_message(page, "Remise de la notice d'information enregistrée.")
    expect(page.get_by_test_id("notice-deliveries")).to_contain_text(
        "espagnol, interprète : Interprète Fictive"
    )
    assert NoticeDelivery.objects.get().with_interpreter

    # The export: a confirmation first, nothing built before it.
    page.get_by_test_id("export-start").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exporter les données de la personne")
    expect(page.get_by_text("AES-256")).to_be_visible()
    assert not AccessExport.objects.exists()
    shoot(page, "export-confirmation")
    page.get_by_role("button", name="Oui, préparer l'archive").click()
    check_page(page)
    password = page.get_by_test_id("export-password").inner_text().strip()
    assert len(password) == 24
    shoot(page, "export-password")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    content = open(download_info.value.path(), "rb").read()  # noqa: PTH123 (Playwright's temporary file)
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(password.encode())
        data = json.loads(archive.read("donnees.json"))
        assert "Ondralis" in archive.read("resume.html").decode()
    assert data["sections"]["identite"][0]["last_name"] == "Ondralis"
    assert data["sections"]["droits"][0]["type"] == "datarights.noticedelivery"
    assert b"Ondralis" not in content
    # The same button again: the link served once.
    page.get_by_test_id("export-download").click()
    expect(page.get_by_test_id("export-gone")).to_be_visible()
    shoot(page, "export-gone")
    # The only console line: the browser noting the 410 (Gone) of the used link.
    others = [e for e in web.console_errors if "status of 410" not in e]
    assert not others, others
