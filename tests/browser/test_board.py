"""End to end, in headless Chromium: the association's « À traiter » board, and the letter that leaves it once
handed over.

Set up with services: a composed commission held a meeting, gave a favourable opinion on a request of the
association; the signatory signed the decision. In the browser, the association's worker finds the letter on
its board under the person's name, first types a date in the future (the French error, nothing recorded),
then records the day it handed the letter over: the letter leaves the board and the pathway page states the
notification date and the appeal deadline (CJA R. 421-1).

Screenshots: test-artefacts/screenshots/board-NN-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.commission import rules
from parcours.commission import services as cs
from parcours.commission.models import Letter
from tests.browser.a11y import shoot as shoot_and_check

from ..commission.conftest import commission  # noqa: F401 (fixture)
from ..commission.test_decisions import favourable, held  # noqa: F401 (fixtures)
from .conftest import SCREENSHOTS
from .test_happy_path import check_page, log_in

pytestmark = pytest.mark.browser


def shoot(page: Page, name: str, count=[0]) -> None:  # noqa: B006 (a counter across calls)
    count[0] += 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"board-{count[0]:02d}-{name}.png"
    shoot_and_check(page, path)


@pytest.fixture
def signed(actors, held, live_server):  # noqa: F811
    item = favourable(actors, held)
    decision = cs.draft_decision(actor=actors["secretariat"], item=item, outcome="authorised")
    return cs.sign_decision(actor=actors["signatory"], decision=decision, day=timezone.localdate())


def test_the_letter_leaves_the_board_once_handed_over(web, actors, signed):
    worker = actors["association_worker"]
    person = signed.request.pathway.person
    letter = signed.letters.get(addressee=Letter.Addressee.PERSON)
    page = web.new_page()
    log_in(page, worker.user.username)

    section = page.get_by_test_id("board-letters_to_hand")
    expect(section).to_be_visible()
    expect(section.get_by_test_id("board-count")).to_have_text("1")
    expect(section.get_by_test_id("board-verb")).to_contain_text("Remettre le courrier à la personne")
    # The worker reads the name of the person it follows, not only the code.
    expect(section.get_by_test_id("board-who")).to_have_text(
        f"{person.last_name.upper()} {person.first_name} ({person.pseudonym})"
    )
    expect(page.get_by_test_id("board-summary")).to_contain_text("courrier à remettre à la personne")
    shoot(page, "association-letter-to-hand")

    form = section.get_by_test_id("board-handover-form")
    tomorrow = timezone.localdate() + timedelta(days=1)
    form.get_by_label("Date de remise").fill(f"{tomorrow:%Y-%m-%d}")
    form.get_by_label("Preuve de la remise").select_option(
        label="Remise en main propre contre récépissé signé"
    )
    form.get_by_role("button", name="Enregistrer la remise").click()

    # A date in the future: the error is in view, focused, in French; nothing is recorded.
    expect(page).to_have_title("Erreur : Remise du courrier de notification — Parcours")
    errors = page.get_by_test_id("form-errors")
    expect(errors).to_be_visible()
    expect(
        page.locator(".fr-error-text").get_by_text("La date de remise ne peut pas être dans le futur.")
    ).to_be_visible()
    shoot(page, "handover-error")
    letter.refresh_from_db()
    assert letter.notified_on is None

    today = timezone.localdate()
    page.get_by_label("Date de remise à la personne").fill(f"{today:%Y-%m-%d}")
    page.locator("label").filter(has_text="Remise en main propre contre récépissé signé").click()
    page.get_by_role("button", name="Enregistrer la remise").click()

    expect(page.get_by_role("heading", level=1, name="À traiter")).to_be_visible()
    deadline = rules.appeal_deadline(today)
    expect(page.get_by_text(f"recours possible jusqu'au {deadline:%d/%m/%Y}")).to_be_visible()
    expect(page.get_by_test_id("board-letters_to_hand")).to_have_count(0)
    check_page(page)
    shoot(page, "board-after-handover")
    letter.refresh_from_db()
    assert letter.notified_on == today

    page.goto(reverse("pathways:detail", args=[signed.request.pathway.public_id]))
    expect(page.get_by_test_id("letter-notified")).to_contain_text(
        f"Courrier remis le {today:%d/%m/%Y} : recours possible jusqu'au {deadline:%d/%m/%Y}"
    )
    shoot(page, "pathway-notification-date")
    assert not web.console_errors


def test_a_reported_end_reaches_the_secretariat_who_confirms_it(web, actors, active_pathway):
    worker, sec = actors["association_worker"], actors["secretariat"]
    url = reverse("pathways:detail", args=[active_pathway.public_id])
    page = web.new_page()
    log_in(page, worker.user.username)
    page.goto(url)
    page.get_by_test_id("tab-decisions").click()
    form = page.locator("form").filter(has=page.get_by_test_id("report-end"))
    form.locator("label").filter(has_text="Retrait de la personne").click()
    form.get_by_role("button", name="Signaler la fin").click()
    expect(page.get_by_text("Fin du parcours signalée : le secrétariat la confirmera.")).to_be_visible()
    expect(page.get_by_test_id("end-pending")).to_be_visible()
    shoot(page, "association-end-reported")

    page = web.new_page()
    log_in(page, sec.user.username)
    section = page.get_by_test_id("board-end_reports")
    expect(section.get_by_test_id("board-count")).to_have_text("1")
    expect(section.get_by_test_id("board-who")).to_have_text(active_pathway.person.pseudonym)
    shoot(page, "secretariat-end-to-confirm")
    section.get_by_role("link").first.click()
    page.get_by_test_id("confirm-end-report").click()
    expect(page.get_by_text("Fin du parcours confirmée et enregistrée.")).to_be_visible()
    shoot(page, "secretariat-end-confirmed")
    active_pathway.refresh_from_db()
    assert active_pathway.state == "ended"
    page.goto("/")
    expect(page.get_by_test_id("board-end_reports")).to_have_count(0)
    assert not web.console_errors


def test_a_renewal_starts_from_the_previous_plan(web, actors, active_pathway):
    page = web.new_page()
    log_in(page, actors["association_worker"].user.username)
    page.goto(reverse("pathways:detail", args=[active_pathway.public_id]))
    page.get_by_role("button", name=re.compile("renouvellement", re.I)).first.click()
    expect(page.get_by_test_id("objectives-carried-over")).to_be_visible()
    expect(page.get_by_test_id("objectives")).to_contain_text("Hébergement stable")
    expect(page.get_by_test_id("agrement-from-register")).to_contain_text("joint depuis le registre")
    shoot(page, "renewal-prefilled")
    assert not web.console_errors
