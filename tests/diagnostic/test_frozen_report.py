"""The frozen report of a closed campaign: computed in the background at closure (BCa bootstrap), frozen as a
generated document, read by the secretariat, published by it to the prefect and the commission's members;
a correction makes version 2 and keeps version 1. Drafts, open campaigns and unpublished reports are refused
to everyone but the secretariat."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from parcours.core.roles import Role
from parcours.diagnostic import services, tasks
from parcours.diagnostic.models import FrozenReport, ReportState
from parcours.documents.models import DocumentState

from ..conftest import client_for
from ..factories import CampaignFactory, ParticipantFactory, give_key_list, make_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_capture_on_commit_callbacks):
    secretariat = make_actor(Role.SECRETARIAT)
    departement = secretariat.departement
    prefect = make_actor(Role.SIGNATORY, departement=departement)
    member = make_actor(Role.COMMISSION_MEMBER, departement=departement)
    return secretariat, prefect, member


def three_lists(departement):
    campaign = CampaignFactory(departement=departement)
    lists = [ParticipantFactory(campaign=campaign, name=f"Structure fictive {c}") for c in "ABC"]
    give_key_list(lists[0], [f"a{i}" for i in range(60)])
    give_key_list(lists[1], [f"a{i}" for i in range(20)] + [f"b{i}" for i in range(50)])
    give_key_list(
        lists[2],
        [f"a{i}" for i in range(10, 35)] + [f"b{i}" for i in range(30)] + [f"c{i}" for i in range(40)],
    )
    return campaign


def page(client, name, campaign):
    response = client.get(reverse(name, args=[campaign.public_id]))
    return response.status_code, html.unescape(
        response.content.decode()
    ) if name == "diagnostic:report" else ""


def test_closing_computes_freezes_and_the_secretariat_publishes_the_report(
    people, django_capture_on_commit_callbacks
):
    secretariat, prefect, member = people
    campaign = three_lists(secretariat.departement)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_campaign(secretariat, campaign)

    report = FrozenReport.objects.get(campaign=campaign)
    assert (report.version, report.state) == (1, ReportState.READY)
    assert (
        report.progress_done == report.progress_total >= 1000
    )  # the bootstrap replications, and the last steps
    document = report.document
    assert document.state == DocumentState.FROZEN and len(document.sha256) == 64
    assert "bootstrap BCa" in document.html and "En bref" in document.html
    # « En bref » first (the PDF's first page), then the survey; the stratified estimate and the linkage
    # sensitivity panel beside the overall estimate.
    assert document.html.index("En bref") < document.html.index("Enquête auprès des structures")
    assert 'data-testid="estimate-strata"' in document.html and "25 à 34 ans, femme" in document.html
    assert 'data-testid="estimate-link-failures"' in document.html and "20\u202f%" in document.html
    assert "version 1" in document.title

    # Ready, not published: the secretariat reads it, the prefect and the commission member do not.
    status, text = page(client_for(secretariat), "diagnostic:report", campaign)
    assert status == 200 and "pas encore publiée" in text and document.sha256 in text
    for reader in (prefect, member):
        assert page(client_for(reader), "diagnostic:report", campaign)[0] == 403
        assert page(client_for(reader), "diagnostic:report_pdf", campaign)[0] == 403
    listed = html.unescape(client_for(member).get(reverse("diagnostic:reports")).content.decode())
    assert campaign.title not in listed

    response = client_for(secretariat).post(reverse("diagnostic:report_publish", args=[campaign.public_id]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED and report.published_by == secretariat.user

    for reader in (prefect, member):
        client = client_for(reader)
        status, text = page(client, "diagnostic:report", campaign)
        assert status == 200 and "En bref" in text and "version 1" in text
        assert "intervalle calculé une fois, à la clôture : bootstrap BCa (1000" in " ".join(text.split())
        pdf = client.get(reverse("diagnostic:report_pdf", args=[campaign.public_id]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf["Content-Disposition"].endswith('-v1.pdf"')
        assert campaign.title in html.unescape(client.get(reverse("diagnostic:reports")).content.decode())


def test_a_correction_makes_version_2_and_keeps_version_1(people, django_capture_on_commit_callbacks):
    secretariat, prefect, _ = people
    campaign = three_lists(secretariat.departement)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_campaign(secretariat, campaign)
    first = FrozenReport.objects.get(campaign=campaign)
    services.publish_report(secretariat, first)
    sha_v1 = first.document.sha256

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(secretariat).post(
            reverse("diagnostic:report_compute", args=[campaign.public_id]), {"reason": "correction du seuil"}
        )
    assert response.status_code == 302
    second = FrozenReport.objects.get(campaign=campaign, version=2)
    assert second.state == ReportState.READY and second.reason == "correction du seuil"
    first.refresh_from_db()
    assert first.state == ReportState.PUBLISHED and first.document.sha256 == sha_v1
    assert first.threshold == second.threshold == 11
    # Readers keep version 1 until the secretariat publishes version 2.
    status, text = page(client_for(prefect), "diagnostic:report", campaign)
    assert status == 200 and "version 1" in text
    services.publish_report(secretariat, second)
    assert "version 2" in page(client_for(prefect), "diagnostic:report", campaign)[1]
    # No reason, no new version.
    response = client_for(secretariat).post(
        reverse("diagnostic:report_compute", args=[campaign.public_id]), {}
    )
    assert response.status_code == 200 and FrozenReport.objects.filter(campaign=campaign).count() == 2


def test_a_failed_computation_is_shown_and_started_again_under_the_same_version(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    secretariat, _, _ = people
    campaign = three_lists(secretariat.departement)

    def broken(*args, **kwargs):
        raise RuntimeError("simulated")

    monkeypatch.setattr(tasks, "final_estimate", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_campaign(secretariat, campaign)
    report = FrozenReport.objects.get(campaign=campaign)
    assert report.state == ReportState.FAILED and "Relancez-le" in report.error and report.document is None
    detail = (
        client_for(secretariat)
        .get(reverse("diagnostic:campaign", args=[campaign.public_id]))
        .content.decode()
    )
    assert "Relancer le calcul" in html.unescape(detail)

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_report(secretariat, campaign, reason="relance après échec")
    report.refresh_from_db()
    assert report.version == 1 and report.state == ReportState.READY
    assert tasks.compute_report.call(str(report.public_id)) == "skipped"  # never computed twice


def test_drafts_and_open_campaigns_have_no_report_outside_the_secretariat(people):
    secretariat, prefect, member = people
    draft = CampaignFactory(departement=secretariat.departement, draft=True)
    opened = three_lists(secretariat.departement)
    for reader in (secretariat, prefect, member):
        status, text = page(client_for(reader), "diagnostic:report", draft)
        assert status == 403 and "en préparation" in text
    assert page(client_for(secretariat), "diagnostic:report", opened)[0] == 200
    for reader in (prefect, member):
        status, text = page(client_for(reader), "diagnostic:report", opened)
        assert status == 403 and "n'est pas encore publié" in text


@pytest.mark.parametrize(
    ("verdict", "expected", "absent"),
    [
        ("solide", "Environ", "Entre"),
        ("à interpréter avec prudence", "Entre", "Environ"),
        ("non concluant", "Entre", "Environ"),
    ],
)
def test_en_bref_quotes_a_range_in_words_unless_the_estimate_is_solid(people, verdict, expected, absent):
    import dataclasses
    import re

    from django.template.loader import render_to_string
    from django.utils import timezone

    from parcours.diagnostic.report import build_report

    secretariat, _, _ = people
    report = build_report(three_lists(secretariat.departement), timezone.localdate())
    report = dataclasses.replace(report, estimate=dataclasses.replace(report.estimate, verdict=verdict))
    body = html.unescape(render_to_string("diagnostic/_report_body.html", {"report": report, "pdf": False}))
    brief = re.search(r'data-testid="en-bref-figure">(.*?)</p>', body, re.S).group(1)
    assert brief.startswith(expected) and absent not in brief
    if verdict != "solide":
        low, high = report.estimate.quote_low, report.estimate.quote_high
        assert f"Entre <strong>{low}</strong> et <strong>{high}</strong> personnes" in brief
        assert "C'est cette fourchette qu'il faut citer" in body


def test_the_campaign_page_shows_the_progress_saved_while_the_bootstrap_runs(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    secretariat, _, _ = people
    campaign = three_lists(secretariat.departement)
    seen: list[str] = []
    original = tasks._progress

    def watching(report):
        save = original(report)

        def step(done, total):
            save(done, total)
            if done == 500:  # halfway: what the secretariat's page says at that moment
                page = client_for(secretariat).get(reverse("diagnostic:campaign", args=[campaign.public_id]))
                seen.append(" ".join(html.unescape(page.content.decode()).split()))

        return step

    monkeypatch.setattr(tasks, "_progress", watching)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_campaign(secretariat, campaign)
    assert len(seen) == 1 and "calcul en cours : 500 / " in seen[0]
    assert FrozenReport.objects.get(campaign=campaign).state == ReportState.READY
