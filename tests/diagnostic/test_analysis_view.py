"""Who reaches the linkage screen and the report, and what they say when no estimate can be made."""

from __future__ import annotations

import html
import uuid

import pytest
from django.urls import reverse

from parcours.core.models import AuditEvent
from parcours.core.roles import Role
from parcours.diagnostic.views import report as report_views

from ..factories import CampaignFactory, DepartementFactory, ParticipantFactory, give_key_list
from .test_report import labels, row_of, three_list_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(departement):
    return three_list_campaign(departement)


def url(name, campaign_or_id):
    return reverse(f"diagnostic:{name}", args=[getattr(campaign_or_id, "public_id", campaign_or_id)])


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_secretariat_sees_exact_figures_and_its_view_is_audited(clients, actors, campaign):
    response = clients[Role.SECRETARIAT].get(url("linkage", campaign))
    assert response.status_code == 200
    page = response.content.decode()
    assert row_of(page, "lists", "L3").endswith("Lycée Orvanne fictif 41 0 0")
    assert row_of(page, "overlap-matrix", "L1 — Association Zéphyr fictive") == (
        "L1 — Association Zéphyr fictive 40 15 4"
    )
    assert row_of(page, "histories", "L1, L3").endswith("4")
    assert row_of(page, "breakdown", "moins de 18 ans").endswith("6")
    assert "Sans liste : Mission locale sans réponse fictive." in text(response)
    assert 'data-testid="overlap-chart"' in page and 'data-testid="estimate-sentence"' in page
    assert "population fermée" in page and "rapprochement parfait" in page
    event = AuditEvent.objects.get(object_id=str(campaign.public_id), action="view")
    assert event.user == actors[Role.SECRETARIAT].user and "Zéphyr" not in event.detail


def test_a_commission_member_reads_neither_the_exact_figures_nor_the_open_campaigns_report(clients, campaign):
    member = clients[Role.COMMISSION_MEMBER]
    assert member.get(url("linkage", campaign)).status_code == 403
    # Open campaign: no report outside the secretariat (issue 10, finding 2; the published frozen report:
    # tests/diagnostic/test_frozen_report.py).
    response = member.get(url("report", campaign))
    assert response.status_code == 403 and "Chiffres exacts (secrétariat)" not in text(response)
    listing = member.get(reverse("diagnostic:reports"))
    assert campaign.title not in text(listing)


@pytest.mark.parametrize("role", [Role.ASSOCIATION_WORKER, Role.IMMIGRATION, Role.NATIONAL_ANALYST])
def test_other_roles_reach_neither_screen(clients, campaign, role):
    for name in ("linkage", "report", "report_pdf"):
        assert clients[role].get(url(name, campaign)).status_code == 403
    assert clients[role].get(reverse("diagnostic:reports")).status_code == 403


def test_another_departements_campaign_a_draft_report_and_a_bad_id_are_not_found(clients, departement):
    elsewhere = CampaignFactory(departement=DepartementFactory(code="98", name="Autre département fictif"))
    draft = CampaignFactory(departement=departement, draft=True, title="Campagne en préparation fictive")
    secretariat, member = clients[Role.SECRETARIAT], clients[Role.COMMISSION_MEMBER]
    for name in ("linkage", "report", "report_pdf"):
        assert secretariat.get(url(name, elsewhere)).status_code == 404
        assert secretariat.get(url(name, uuid.uuid4())).status_code == 404
    assert member.get(url("report", elsewhere)).status_code == 404
    # A draft has no report: refused with a French page (403), to everyone.
    assert secretariat.get(url("report", draft)).status_code == 403
    assert member.get(url("report_pdf", draft)).status_code == 403
    # The secretariat's own screen opens on a draft (nothing received yet).
    response = secretariat.get(url("linkage", draft))
    assert response.status_code == 200 and 'data-testid="no-lists"' in response.content.decode()
    assert secretariat.get("/diagnostic/campagne/pas-un-identifiant/rapprochement/").status_code == 404
    listing = text(member.get(reverse("diagnostic:reports")))
    assert elsewhere.title not in listing and draft.title not in listing


def test_a_campaign_with_one_list_says_why_there_is_no_estimate(clients, departement):
    campaign = CampaignFactory(departement=departement)
    give_key_list(ParticipantFactory(campaign=campaign), labels("u", 0, 30))
    for name, role in (("linkage", Role.SECRETARIAT), ("report", Role.SECRETARIAT)):
        response = clients[role].get(url(name, campaign))
        assert response.status_code == 200
        assert 'data-testid="estimate-error"' in response.content.decode()
        assert "Il faut au moins 2 listes de clés pour estimer" in text(response)
        assert "1 reçue(s)" in text(response) and "Traceback" not in text(response)


def test_lists_that_never_overlap_give_the_estimation_reason_in_french(clients, departement):
    campaign = CampaignFactory(departement=departement)
    give_key_list(ParticipantFactory(campaign=campaign), labels("v", 0, 20))
    give_key_list(ParticipantFactory(campaign=campaign), labels("w", 0, 20))
    response = clients[Role.SECRETARIAT].get(url("linkage", campaign))
    assert response.status_code == 200
    assert "Aucune personne n'apparaît sur plus d'une liste" in text(response)


def test_a_pdf_that_cannot_be_produced_sends_back_to_the_report_with_a_message(
    clients, campaign, monkeypatch
):
    def broken(html_text):
        raise RuntimeError("moteur indisponible")

    monkeypatch.setattr(report_views.pdf, "html_to_pdf", broken)
    response = clients[Role.SECRETARIAT].get(url("report_pdf", campaign), follow=True)
    assert response.redirect_chain[-1][0] == url("report", campaign)
    assert "Le PDF du rapport n'a pas pu être produit" in text(response)
    assert not AuditEvent.objects.filter(object_id=str(campaign.public_id), action="download").exists()
