"""In Chromium: the secretariat downloads the whole indicator set from its dashboard (a background export:
its progress page, then its link), and prepares the commission's annual report (texts, then a PDF version).
Every page is photographed and checked by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from parcours.core.roles import Role
from parcours.stats import rules
from parcours.stats.models import ExportState, IndicatorExport

from .conftest import SCREENSHOTS, Screenshots
from .test_errors_in_view import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def screenshot():
    return Screenshots(SCREENSHOTS / "indicateurs")


def test_whole_set_export_then_the_annual_report(web, screenshot, actors, monkeypatch):
    # The progress block is polled: not while axe-core reads the page.
    monkeypatch.setattr(rules, "EXPORT_REFRESH_SECONDS", 600)
    secretariat = actors[Role.SECRETARIAT]
    page = web.new_page()
    log_in(page, secretariat.user.username)
    page.goto("/tableaux-de-bord/")
    expect(page.get_by_role("heading", level=1, name="Tableau de bord du réseau")).to_be_visible()

    # An export still being built: its progress.
    running = IndicatorExport.objects.create(
        departement=secretariat.departement,
        requested_by=secretariat.membership,
        audience="secretariat",
        first_year=2024,
        last_year=2026,
        format="ods",
        state=ExportState.RUNNING,
        progress_done=5,
        progress_total=20,
    )
    page.goto(f"/tableaux-de-bord/exports/{running.public_id}/")
    expect(page.get_by_test_id("export-progress")).to_have_attribute("value", "25")
    screenshot(page, "export-en-cours")
    # The script polls the page and moves the bar, without reloading it.
    monkeypatch.setattr(rules, "EXPORT_REFRESH_SECONDS", 1)
    page.reload()
    page.evaluate("window.notReloaded = true")
    IndicatorExport.objects.filter(pk=running.pk).update(progress_done=15)
    expect(page.get_by_test_id("export-progress")).to_have_attribute("value", "75")
    assert page.evaluate("window.notReloaded") is True

    # « Tout télécharger » from the dashboard: prepared in the background, then its link.
    page.goto("/tableaux-de-bord/")
    page.get_by_label("Format du fichier").select_option("xlsx")
    page.get_by_test_id("export-all-submit").click()
    expect(page.get_by_test_id("export-ready")).to_be_visible(timeout=120_000)
    screenshot(page, "export-pret")
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    assert download.value.suggested_filename.startswith("indicateurs-")

    # The annual report: texts, then a version of the PDF.
    page.goto("/tableaux-de-bord/")
    page.get_by_test_id("annual-report-link").click()
    expect(page.get_by_role("heading", level=1, name="Rapport annuel de la commission")).to_be_visible()
    page.get_by_label("Introduction").fill("Une année de travail de la commission.\n\nDeuxième paragraphe.")
    page.get_by_test_id("report-text-save").click()
    expect(page.get_by_text("sont enregistrés")).to_be_visible()
    page.get_by_test_id("report-generate").click()
    expect(page.get_by_test_id("report-versions")).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("report-download")).to_have_count(1)
    screenshot(page, "rapport-annuel")
