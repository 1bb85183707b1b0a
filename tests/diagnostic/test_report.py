"""The published report: small counts hidden on the page and in the PDF, exact on the secretariat's screen;
the dated threshold; the estimate rounded or withheld."""

from __future__ import annotations

import html as html_lib
import io
import math
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from parcours.core.models import AuditEvent, RuleSetting
from parcours.core.roles import Role
from parcours.diagnostic import rules, selectors, services
from parcours.diagnostic.formats import NNBSP, fr_int
from parcours.diagnostic.report import build_report, published_warnings, round_published
from parcours.secrecy import HIDDEN_LABEL

from ..conftest import client_for
from ..factories import CampaignFactory, ParticipantFactory, give_key_list, key_payload, make_actor

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def mixed_payload(*groups) -> str:
    """One structure's keys file from several groups of (labels, attributes)."""
    lines = ["#LK2 lignes_ecartees=0", "cles,tranche_age,mineur,sexe,en_ligne"]
    for labels, attributes in groups:
        lines += key_payload(labels, **attributes).splitlines()[2:]
    return "\n".join(lines) + "\n"


def labels(prefix: str, start: int, stop: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(start, stop)]


def three_list_campaign(departement, **campaign_kwargs):
    """Three structures' lists, nobody on all three:

    L1 « Association Zéphyr fictive » 40 people; L2 « Centre hospitalier fictif » 35 (15 shared with L1);
    L3 « Lycée Orvanne fictif » 41 (4 shared with L1, 12 with L2; 6 minors known to L3 only).
    Pairs: L1×L2 15, L1×L3 4 (small), L2×L3 12; 31 people on several lists, 85 distinct.
    """
    campaign = CampaignFactory(departement=departement, **campaign_kwargs)
    l1 = ParticipantFactory(campaign=campaign, name="Association Zéphyr fictive")
    l2 = ParticipantFactory(campaign=campaign, name="Centre hospitalier fictif")
    l3 = ParticipantFactory(campaign=campaign, name="Lycée Orvanne fictif")
    ParticipantFactory(campaign=campaign, name="Mission locale sans réponse fictive")
    give_key_list(l1, labels("p", 0, 40))
    give_key_list(l2, labels("p", 0, 15) + labels("q", 0, 20))
    payload = mixed_payload(
        (labels("r", 0, 6), {"age_band": "lt18"}),
        (labels("p", 30, 34) + labels("q", 0, 12) + labels("r", 6, 25), {}),
    )
    services.store_key_list(l3, payload)
    # Survey answers: 7 men among the association's 40 (a small cell), no minor declared (a zero).
    services.submit_answers(l1, {"total": 40, "minors": 0, "sex_female": 30, "sex_male": 7, "sex_other": 3})
    services.submit_answers(l2, {"total": 35, "minors": 0, "sex_female": 35})
    services.submit_answers(l3, {"total": 41, "minors": 6, "age_lt18": 6, "sex_female": 41})
    return campaign


@pytest.fixture
def secretariat():
    return make_actor(Role.SECRETARIAT)


@pytest.fixture
def campaign(secretariat):
    return three_list_campaign(secretariat.departement)


def row_of(html: str, testid: str, label: str) -> str:
    """The text of the row labelled `label` in the table `testid` (tags stripped, spaces collapsed)."""
    table = re.search(rf'<table data-testid="{testid}">(.*?)</table>', html, re.DOTALL)
    assert table, f"table {testid} missing"
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.DOTALL):
        text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        if text.startswith(label):
            return text
    raise AssertionError(f"row {label!r} missing from {testid}")


def test_the_fixture_has_the_figures_it_claims(campaign):
    summary = selectors.linkage_summary(campaign)
    assert [n for _, _, n in summary.pairs] == [15, 4, 12]
    assert (summary.distinct, summary.on_several) == (85, 31)
    assert summary.breakdowns["age_band"]["moins de 18 ans"] == 6


def test_a_small_cell_is_hidden_on_the_page_and_in_the_pdf_but_exact_on_the_linkage_screen(
    campaign, secretariat
):
    client = client_for(secretariat)
    exact = client.get(reverse("diagnostic:linkage", args=[campaign.public_id])).content.decode()
    assert row_of(exact, "pairs", "L1 × L3").endswith("4")
    assert HIDDEN_LABEL not in html_lib.unescape(exact)

    page = client.get(reverse("diagnostic:report", args=[campaign.public_id])).content.decode()
    assert row_of(page, "report-overlaps", "L1 × L3").endswith(HIDDEN_LABEL)
    # Three lists: the people known to several structures are not published beside the overlaps (with them,
    # Σ pairs − several gives the people known to all three back), so the other overlaps stay visible.
    assert 'data-testid="report-several"' not in page
    assert row_of(page, "report-overlaps", "L2 × L3").endswith("12")
    assert row_of(page, "report-overlaps", "L1 × L2").endswith("15")
    assert row_of(page, "report-breakdown", "moins de 18 ans").endswith(HIDDEN_LABEL)
    assert row_of(page, "survey-section", "Hommes").endswith(HIDDEN_LABEL)
    assert row_of(page, "survey-headline", "dont mineur·es").endswith(HIDDEN_LABEL)  # 6 declared
    assert "seuil de 11 personnes" in page

    response = client.get(reverse("diagnostic:report_pdf", args=[campaign.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="diagnostic-{campaign.code}.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    # The table's row, and the chart's label (no bar, no figure for a hidden pair).
    overlap = [line for line in lines if line.startswith("L1 × L3")]
    assert any(line.endswith(f"Orvanne fictif {HIDDEN_LABEL}") for line in overlap), overlap
    assert all(line.endswith(HIDDEN_LABEL) or line == "L1 × L3" for line in overlap), overlap
    minors = [line for line in lines if line.startswith("moins de 18 ans")]
    assert minors and all(line.endswith(HIDDEN_LABEL) for line in minors), minors
    assert "Secret statistique : seuil de 11 personnes" in " ".join(lines)
    actions = list(
        AuditEvent.objects.filter(object_id=str(campaign.public_id)).values_list("action", flat=True)
    )
    assert actions.count("view") == 2 and actions.count("download") == 1


def test_a_dated_rule_setting_changes_the_threshold_from_its_date(campaign):
    RuleSetting.objects.create(
        key=rules.SECRECY_THRESHOLD_SETTING,
        effective_from=today() + timedelta(days=10),
        value={"threshold": 3},
        source="Délibération fictive de la commission",
    )
    assert build_report(campaign, today()).threshold == 11
    later = build_report(campaign, today() + timedelta(days=10))
    assert later.threshold == 3 and later.threshold_is_default is False
    overlaps = {o.label: o.cell.value for o in later.linkage.overlaps}
    assert overlaps == {"L1 × L2": 15, "L1 × L3": 4, "L2 × L3": 12}
    assert {c.label: c.value for c in later.linkage.breakdowns[0].cells}["moins de 18 ans"] == 6


def test_the_estimate_is_published_rounded_with_its_interval_and_range(campaign):
    summary = selectors.linkage_summary(campaign)
    result = selectors.estimate(summary).result
    published = build_report(campaign, today()).estimate
    step = rules.PUBLISHED_ESTIMATE_ROUNDING
    for exact, shown in [
        (result.estimate, published.estimate),
        (result.ci_low, published.ci_low),
        (result.ci_high, published.ci_high),
        (result.sensitivity.min_estimate, published.range_min),
        (result.sensitivity.max_estimate, published.range_max),
    ]:
        value = int(shown.replace(NNBSP, ""))
        assert value % step == 0 and abs(value - exact) <= step / 2
    assert published.observed == "85" and published.rounded_to == step
    assert published.verdict == result.verdict and len(published.warnings) == len(result.warnings)


def test_the_estimate_is_withheld_when_fewer_people_than_the_threshold_were_observed(secretariat):
    campaign = CampaignFactory(departement=secretariat.departement)
    give_key_list(ParticipantFactory(campaign=campaign), labels("s", 0, 6))
    give_key_list(ParticipantFactory(campaign=campaign), labels("s", 3, 9))
    summary = selectors.linkage_summary(campaign)
    assert summary.distinct == 9 and selectors.estimate(summary).ok
    report = build_report(campaign, today())
    assert report.estimate.withheld and not report.estimate.estimate
    assert report.linkage.distinct.hidden
    assert all(c.hidden for c in report.linkage.several.cells)
    client = client_for(secretariat)
    page = client.get(reverse("diagnostic:report", args=[campaign.public_id])).content.decode()
    assert "Estimation non publiée" in page and "moins de 11 personnes distinctes" in page
    exact = client.get(reverse("diagnostic:linkage", args=[campaign.public_id])).content.decode()
    assert 'data-testid="estimate-sentence"' in exact


def test_survey_tables_hide_small_cells_keep_zeros_and_hide_everything_under_a_small_total(secretariat):
    campaign = CampaignFactory(departement=secretariat.departement)
    small = ParticipantFactory(campaign=campaign)
    services.submit_answers(small, {"total": 8, "minors": 0, "sex_female": 8, "form_street": 8})
    ParticipantFactory(campaign=campaign)  # invited, no answer
    survey = build_report(campaign, today()).survey
    assert (survey.invited, survey.answered, survey.response_rate) == (2, 1, f"50{NNBSP}%")
    headline = {c.label: c.display for c in survey.headline.cells}
    assert headline["Nombre de personnes connues de la structure sur la période"] == HIDDEN_LABEL
    assert headline["dont mineur·es"] == "0"
    sex = survey.sections[0]
    assert sex.total.hidden and {c.label: c.display for c in sex.cells} == {
        "Femmes": HIDDEN_LABEL,
        "Hommes": "0",
        "Personnes trans, non binaires ou sexe non renseigné": "0",
        "Non précisé": "0",
    }


def test_a_survey_section_gets_its_undetailed_part_so_secondary_suppression_holds(campaign):
    sex = build_report(campaign, today()).survey.sections[0]
    cells = {c.label: c.value for c in sex.cells}
    # 116 people declared: 106 women, 7 men, 3 other. The 7 and the 3 are hidden, and so are the women:
    # 116 - 106 would give back "10 people who are not women".
    assert sex.total.value == 116 and cells["Non précisé"] == 0
    assert cells["Hommes"] is None and cells["Personnes trans, non binaires ou sexe non renseigné"] is None
    assert cells["Femmes"] is None


def fake_result(warnings, **figures):
    values = {"estimate": 1234.4, "ci_low": 987.2, "ci_high": 2345.6, "dark_figure": 1149.4}
    values.update(figures)
    sensitivity = SimpleNamespace(
        min_estimate=values.pop("min", 1001.0), max_estimate=values.pop("max", 2890.0)
    )
    return SimpleNamespace(
        warnings=warnings,
        normal_ci=(values["ci_low"], values["ci_high"]),
        sensitivity=sensitivity,
        bic=None,
        chao=None,
        **values,
    )


def test_published_warnings_quote_rounded_estimates_and_no_small_count():
    result = fake_result(
        [
            "Trop peu de recoupements : seules 4 personnes figurent sur plusieurs listes ; "
            "l'estimation repose sur très peu d'information.",
            "Fourchette trop large pour agir : selon le modèle retenu, l'estimation varie de 1 001 à 2 890 "
            "(rapport 2,9). Le choix du modèle détermine le résultat : ne retenez pas un chiffre unique.",
            "Intervalle de confiance large (987 à 2 346).",
            "Très peu de personnes observées (25) : toute estimation est très incertaine.",
            "3 modèle(s) examiné(s) n'ont pas d'estimation finie (maximum de vraisemblance inexistant).",
        ]
    )
    out = published_warnings(result)
    assert "seules 4" not in out[0] and "moins de 10 personnes figurent sur plusieurs listes" in out[0]
    assert f"de 1{NNBSP}000 à 2{NNBSP}890 (rapport 2,9)" in out[1]
    assert f"(990 à 2{NNBSP}350)" in out[2]
    assert out[3] == result.warnings[3] and out[4] == result.warnings[4]


def test_round_published_goes_to_the_nearest_ten():
    assert [round_published(v) for v in (1234.4, 1235.0, 14.9, 5.0)] == [1230, 1240, 10, 10]
    assert math.isinf(round_published(float("inf"))) and fr_int(float("inf")) == "∞"
    assert fr_int(12345.6) == f"12{NNBSP}346"
