"""In headless Chromium (issue 14): « an AFIS revalued mid-period with the payer's notices » and « a person
transferred to another département with the months carried over ».

Set up with services (an authorised pathway, the AFIS granted at its start), then through the browser as the
secretariat and the associations do it. Screenshots: test-artefacts/screenshots/afis-NN-*.png and
transfert-NN-*.png (each page also checked by axe-core).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from parcours.core import dates
from parcours.core.models import OrganisationKind, RuleSetting
from parcours.core.roles import Role
from parcours.pathways import rules
from parcours.pathways import services as psp
from parcours.pathways.models import Afis, EndReason, Notice, Pathway, PathwayState
from tests.browser.a11y import shoot as shoot_and_check
from tests.conftest import drive_to_decision
from tests.factories import (
    AgrementFactory,
    DepartementFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

from .conftest import SCREENSHOTS
from .test_happy_path import check_page, expect_message, form_of, log_in
from .test_portal import actor_named

pytestmark = pytest.mark.browser


def shoot(page: Page, name: str, prefix: str = "afis", count={}) -> None:  # noqa: B006 (counters across calls)
    count[prefix] = count.get(prefix, 0) + 1
    shoot_and_check(page, SCREENSHOTS / f"{prefix}-{count[prefix]:02d}-{name}.png")


def _authorised_with_afis(psp_world, days_ago=40):
    names = psp_world.usernames
    actors = {
        "association_worker": actor_named(names["association"]),
        "secretariat": actor_named(names["secretariat"]),
        "signatory": actor_named(names["signatory"]),
    }
    person = PersonFactory(organisation=psp_world.association, created_by=actors["association_worker"].user)
    pathway = psp.start_pathway(actor=actors["association_worker"], person=person)
    drive_to_decision(actors, pathway, day=timezone.localdate() - timedelta(days=days_ago))
    start = pathway.periods.get().start
    afis = psp.grant_afis(
        actor=actors["secretariat"],
        afis=Afis.objects.get(pathway=pathway),
        granted_on=start,
        start=start,
        paying_body="MSA fictive",
        dependent_children=1,
    )
    return actors, pathway, afis


def _record_step(page: Page, label: str, day) -> None:
    row = page.get_by_test_id("notice-row").filter(has_text="Revalorisation")
    row.get_by_label(label).fill(f"{day:%Y-%m-%d}")
    row.get_by_test_id("notice-step").click()
    expect_message(page, "Suivi de l'avis enregistré.")


def test_an_afis_revalued_mid_period_with_the_payers_notices(web, psp_world):
    actors, pathway, afis = _authorised_with_afis(psp_world)
    next_month = dates.add_months(timezone.localdate().replace(day=1), 1)
    RuleSetting.objects.create(
        key=rules.AFIS_SCALE_SETTING,
        effective_from=next_month,
        value={"base": "636.00", "per_child": "190.80"},
        source="Revalorisation fictive au mois prochain",
    )
    today = timezone.localdate()

    sec = web.new_page()
    log_in(sec, psp_world.usernames["secretariat"])
    # The grant's notice waits on the board until it is sent, acknowledged and taken into account.
    expect(sec.get_by_text("Avis n° 1 à l'organisme payeur de l'AFIS (MSA) — attribution")).to_be_visible()
    # The revaluation reaches this recipient: the board says so (same case, one line per person).
    expect(sec.get_by_text(f"AFIS revalorisée à compter de {next_month:%m/%Y}")).to_be_visible()
    shoot(sec, "tableau-revalorisation")
    sec.goto(f"/parcours/{pathway.public_id}/droits/#droits")
    sec.get_by_test_id("afis-page").click()
    expect(sec.get_by_role("heading", level=1)).to_contain_text("AFIS mois par mois")
    check_page(sec)
    amounts = sec.get_by_test_id("afis-month-amount")
    expect(amounts.first).to_have_text("449,28 €")  # 343,20 + 106,08 (1 child)
    lines = psp.afis_lines(afis)
    revalued = next(i for i, line in enumerate(lines) if line.month == next_month)
    expect(amounts.nth(revalued)).to_have_text("826,80 €")  # 636,00 + 190,80, from its month on
    expect(sec.get_by_test_id("afis-revaluations")).to_be_visible()
    shoot(sec, "mois-par-mois-revalorisation")

    sec.get_by_test_id("notify-revaluation").click()
    expect_message(sec, "Revalorisation notifiée")
    expect(sec.get_by_test_id("afis-revaluations")).to_have_count(0)
    events = sec.get_by_test_id("notice-event")
    expect(events).to_have_count(2)
    expect(sec.get_by_test_id("notices")).to_contain_text("826,80 €")
    notice = afis.notices.get(event=Notice.Event.REVALUATION)
    assert notice.monthly_amount == Decimal("826.80") and notice.effective_on == next_month

    # A step without its date: refused, in view, nothing recorded.
    row = sec.get_by_test_id("notice-row").filter(has_text="Revalorisation")
    row.get_by_test_id("notice-step").click()
    expect(sec.locator("[data-error-summary]")).to_be_visible()
    notice.refresh_from_db()
    assert notice.sent_on is None
    shoot(sec, "avis-erreur")

    sec.goto(f"/parcours/{pathway.public_id}/afis/suivi/#avis")
    _record_step(sec, "Transmis le", today)
    _record_step(sec, "Accusé de réception le", today)
    _record_step(sec, "Pris en compte dans le versement le", today)
    expect(sec.get_by_test_id("notice-row").filter(has_text="Revalorisation")).to_contain_text(
        f"Pris en compte le {today:%d/%m/%Y}"
    )
    shoot(sec, "avis-pris-en-compte")
    notice.refresh_from_db()
    assert (notice.sent_on, notice.acknowledged_on, notice.payment_effective_on) == (today, today, today)

    # The letter to the payer.
    with sec.expect_download() as download:
        sec.get_by_test_id("notice-row").filter(has_text="Revalorisation").get_by_test_id(
            "notice-pdf"
        ).click()
    assert download.value.suggested_filename == f"avis-{notice.number}.pdf"
    assert "Le barème de l'AFIS est revalorisé" in notice.document.html


def test_a_person_transferred_to_another_departement_with_the_months_carried_over(web, psp_world):
    actors, pathway, afis = _authorised_with_afis(psp_world)
    dep98 = DepartementFactory(code="98", name="Département fictif d'accueil")
    host = OrganisationFactory(
        departement=dep98, kind=OrganisationKind.ASSOCIATION, name="Association Le Phare fictive"
    )
    AgrementFactory(organisation=host)
    prefecture98 = OrganisationFactory(departement=dep98, prefecture=True, name="Préfecture fictive 98")
    MembershipFactory(
        organisation=prefecture98,
        role=Role.SECRETARIAT,
        user__username="secretariat.98",
        user__first_name="Sol",
        user__last_name="Secrétaire",
    )
    names = psp_world.usernames

    asso = web.new_page()
    log_in(asso, names["association"])
    asso.goto(f"/parcours/{pathway.public_id}/decisions-et-fin/#transferts")
    form = form_of(asso, "request-transfer")
    form.get_by_label("Association agréée qui reprend le suivi").select_option(
        label="98 — Association Le Phare fictive"
    )
    form.get_by_label("Consentement de la personne").fill(f"{timezone.localdate():%Y-%m-%d}")
    shoot(asso, "demande-transfert", "transfert")
    form.get_by_test_id("request-transfer").click()
    expect(asso.get_by_test_id("confirm-title")).to_contain_text("Transférer le suivi")
    check_page(asso)
    asso.get_by_test_id("confirm-submit").click()
    expect_message(asso, "Transfert demandé")
    expect(asso.get_by_test_id("transfer-state")).to_have_text("En attente")

    host_sec = web.new_page()
    log_in(host_sec, "secretariat.98")
    board = host_sec.get_by_test_id("board-transfers_in")
    expect(board).to_contain_text(pathway.person.pseudonym)
    expect(board).not_to_contain_text(pathway.person.last_name)  # the file is not theirs yet
    shoot(host_sec, "tableau-accueil", "transfert")
    board.get_by_role("link").first.click()
    expect(host_sec.get_by_test_id("months-carried")).to_contain_text(f"{rules.PERIOD_MONTHS} mois")
    check_page(host_sec)
    host_sec.get_by_test_id("accept-transfer").click()
    expect(host_sec.get_by_test_id("confirm-consequences")).to_contain_text(f"Les {rules.PERIOD_MONTHS} mois")
    host_sec.get_by_test_id("confirm-submit").click()
    expect_message(host_sec, "Transfert accepté")
    expect(host_sec.get_by_test_id("months-carried")).to_contain_text(
        f"{rules.PERIOD_MONTHS} mois dans un parcours antérieur"
    )
    expect(host_sec.get_by_test_id("pathway-state")).to_have_text("Demande en cours")
    shoot(host_sec, "parcours-accueil", "transfert")
    new = Pathway.objects.get(departement=dep98)
    assert psp.proposed_period(new.requests.get(), timezone.localdate()) is not None  # 18 months left

    # The origin's secretariat closes its pathway: the payer and the foreigners' service are told.
    sec = web.new_page()
    log_in(sec, names["secretariat"])
    # The case is once on the board (folded under the person's most urgent item if she has others).
    sec.get_by_role("link", name=re.compile("Suivi repris par le département")).first.click()
    sec.get_by_test_id("close-transferred").click()
    sec.get_by_test_id("confirm-submit").click()
    expect_message(sec, "Parcours clos : suivi transféré")
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ENDED and pathway.end_reason == EndReason.TRANSFERRED
    expect(sec.get_by_test_id("pathway-state")).to_have_text("Terminé")
    assert set(pathway.notices.values_list("addressee", flat=True)) >= {"afis_payer", "immigration"}
    shoot(sec, "parcours-origine-clos", "transfert")
