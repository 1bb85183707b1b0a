"""Indicators of the registry against hand-counted fixtures, at the period's boundaries; their publication
for each audience; the `indicators` command."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from parcours.pathways.models import Afis
from parcours.stats import registry
from parcours.stats.kit import _quantile
from parcours.stats.publication import Audience, indicator_set, publish_set
from parcours.stats.registry import UNITS, Scope
from tests.factories import (
    OrganisationFactory,
    PathwayFactory,
    PeriodFactory,
    PersonFactory,
    RequestFactory,
)

pytestmark = pytest.mark.django_db

YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def asso(departement):
    return OrganisationFactory(departement=departement, kind="association", name="Association Fictive")


def _scope(departement, start=YEAR_2025[0], end=YEAR_2025[1], organisation=None):
    return Scope(departement, start, end, organisation)


def _pathway(asso, **person):
    return PathwayFactory(person=PersonFactory(organisation=asso, **person))


def test_requests_are_counted_on_their_day_and_the_boundaries_belong_to_the_period(departement, asso):
    for day in (
        date(2024, 12, 31),  # the day before: out
        date(2025, 1, 1),  # first day: in, first quarter
        date(2025, 3, 31),  # last day of the first quarter
        date(2025, 4, 1),  # first day of the second
        date(2025, 12, 31),  # last day: in
        date(2026, 1, 1),  # the day after: out
    ):
        RequestFactory(pathway=_pathway(asso), submitted_on=day)
    measure = registry.get("pathways.requests_submitted")
    scope = _scope(departement)
    assert measure.value(scope) == 4
    assert measure.breakdown(scope, "quarter") == {"2025-T1": 2, "2025-T2": 1, "2025-T3": 0, "2025-T4": 1}
    months = measure.breakdown(scope, "month")
    assert list(months) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert (months["2025-01"], months["2025-03"], months["2025-04"], months["2025-12"]) == (1, 1, 1, 1)
    assert sum(months.values()) == 4
    assert measure.breakdown(scope, "year") == {"2025": 4}
    assert measure.breakdown(_scope(departement, date(2024, 12, 1), date(2026, 1, 31)), "year") == {
        "2024": 1,
        "2025": 4,
        "2026": 1,
    }


def test_the_age_band_is_the_persons_age_in_the_year_of_the_act(departement, asso):
    person = PersonFactory(organisation=asso, birth_date=date(2000, 12, 31))
    pathway = PathwayFactory(person=person)
    RequestFactory(pathway=pathway, submitted_on=date(2025, 1, 2))  # 25 in 2025
    other = PathwayFactory(person=PersonFactory(organisation=asso, birth_date=date(2001, 1, 1)))
    RequestFactory(pathway=other, submitted_on=date(2025, 6, 1))  # 24 in 2025
    bands = registry.get("pathways.requests_submitted").breakdown(_scope(departement), "age_band")
    assert bands["25 à 34 ans"] == 1 and bands["18 à 24 ans"] == 1 and sum(bands.values()) == 2


def test_a_pathway_ended_on_the_last_day_is_no_longer_under_way(departement, asso):
    under_way = PeriodFactory(
        request=RequestFactory(pathway=_pathway(asso), decided=True), start=date(2025, 7, 15)
    )
    ended_that_day = PeriodFactory(
        request=RequestFactory(pathway=_pathway(asso), decided=True), start=date(2025, 7, 15)
    )
    ended_that_day.pathway.__class__.objects.filter(pk=ended_that_day.pathway.pk).update(
        state="ended", end_reason="completed", ended_on=date(2025, 12, 31)
    )
    ended_next_day = PeriodFactory(
        request=RequestFactory(pathway=_pathway(asso), decided=True), start=date(2025, 7, 15)
    )
    ended_next_day.pathway.__class__.objects.filter(pk=ended_next_day.pathway.pk).update(
        state="ended", end_reason="completed", ended_on=date(2026, 1, 1)
    )
    # A period that ended on 30 December, never renewed: not under way on the 31st.
    PeriodFactory(
        request=RequestFactory(pathway=_pathway(asso), decided=True),
        start=date(2025, 7, 1),
        end=date(2025, 12, 30),
    )
    measure = registry.get("pathways.active_at_end")
    assert measure.value(_scope(departement)) == 2
    assert under_way.pathway.state == "active"
    ends = registry.get("pathways.ended").breakdown(_scope(departement), "end_reason")
    assert ends["Parcours achevé"] == 1  # ended in 2025: the one of the 31st, not the one of 1 January


def test_decisions_are_one_table_and_its_parts_never_give_a_hidden_cell_back(departement, asso):
    for _ in range(3):
        RequestFactory(pathway=_pathway(asso), decided=True, submitted_on=date(2025, 2, 1))
    for _ in range(12):
        RequestFactory(pathway=_pathway(asso), decided=True, kind="renewal", submitted_on=date(2025, 2, 1))
    scope = _scope(departement)
    decisions = registry.get("pathways.decisions")
    assert decisions.value(scope) == 15
    assert decisions.breakdown(scope, "decision") == {
        "Engagement autorisé": 3,
        "Engagement refusé": 0,
        "Renouvellement autorisé": 12,
        "Renouvellement refusé": 0,
    }
    measures = [
        registry.get(c) for c in ("pathways.decisions", "pathways.authorisations", "pathways.renewals")
    ]
    secretariat = publish_set(measures, scope, audience=Audience.SECRETARIAT, threshold=11)
    assert secretariat["pathways.authorisations"].total.value == 3
    national = publish_set(measures, scope, audience=Audience.NATIONAL, threshold=11)
    assert national["pathways.decisions"].total.published == 15
    cells = {c.label: c for c in national["pathways.decisions"].table("decision").cells}
    # 3 is secret; 12 is hidden too (15 - 12 = 3); the zeros are published.
    assert cells["Engagement autorisé"].secret and cells["Renouvellement autorisé"].secret
    assert cells["Engagement refusé"].published == 0
    # Published apart, 12 renewals would give 15 - 12 = 3 back: both parts are secret.
    assert national["pathways.authorisations"].total.secret
    assert national["pathways.renewals"].total.secret
    assert national["pathways.renewals"].tables == []


def test_median_and_ninth_decile_of_the_delay_from_request_to_decision(departement, asso):
    for days in (10, 20, 30, 40):
        RequestFactory(
            pathway=_pathway(asso),
            decided=True,
            submitted_on=date(2025, 5, 1),
            decision_date=date(2025, 5, 1) + timedelta(days=days),
        )
    scope = _scope(departement)
    assert registry.get("pathways.delay_request_decision").value(scope) == 25.0
    # Linear interpolation between order statistics (R type 7): 30 + 0.7 × 10.
    assert registry.get("pathways.delay_request_decision_p90").value(scope) == pytest.approx(37.0)
    # Four people: a national reader does not see it; the secretariat does.
    national = publish_set(
        [registry.get("pathways.delay_request_decision")], scope, audience=Audience.NATIONAL, threshold=11
    )
    assert national["pathways.delay_request_decision"].total.secret


def test_quantiles_match_r_type_7():
    assert _quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == pytest.approx(9.1)
    assert _quantile([5], 0.9) == 5.0
    assert _quantile([3, 1, 2], 0.5) == 2.0


def test_afis_amounts_count_every_month_the_allowance_was_due_in_the_period(departement, asso):
    pathway = _pathway(asso)
    Afis.objects.create(
        pathway=pathway,
        status=Afis.Status.GRANTED,
        requested_on=date(2025, 10, 1),
        granted_on=date(2025, 11, 10),
        monthly_amount=Decimal("500.00"),
        start=date(2025, 11, 15),
    )
    scope = _scope(departement)
    assert registry.get("pathways.afis_amounts").value(scope) == 1000.0  # November and December
    assert registry.get("pathways.afis_beneficiaries").value(scope) == 1
    assert (
        registry.get("pathways.afis_amounts").value(_scope(departement, date(2024, 1, 1), date(2024, 12, 31)))
        == 0
    )


def test_an_indicator_without_a_source_is_not_available_rather_than_zero(departement):
    (appeals,) = [
        p
        for p in indicator_set(_scope(departement), audience=Audience.NATIONAL, threshold=11)
        if p.measure.code == "pathways.appeals"
    ]
    assert not appeals.available and appeals.as_dict()["total"] == {"value": None, "secret": False}


def test_every_indicator_has_a_unit_a_definition_and_a_source():
    for measure in registry.all_measures():
        assert measure.unit in UNITS, measure.code
        assert len(measure.definition) > 40 and measure.label, measure.code
        assert measure.source, measure.code


def _command(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_national_set_with_secret_cells(departement, asso):
    for _ in range(3):
        RequestFactory(pathway=_pathway(asso), submitted_on=date(2025, 2, 1))
    text = _command("--departement", departement.code, "--year", "2025", "--audience", "national")
    body = json.loads(text)
    assert body["audience"] == "national" and body["secrecy_threshold"] == 11
    by_code = {i["code"]: i for i in body["indicators"]}
    submitted = by_code["pathways.requests_submitted"]
    assert submitted["unit"] == "count"
    assert submitted["total"] == {"value": None, "secret": True}
    for indicator in body["indicators"]:
        assert indicator["unit"] in UNITS
        cells = [indicator["total"], *(c for cells in indicator["breakdowns"].values() for c in cells)]
        for cell in cells:
            assert set(cell) >= {"value", "secret"}
            assert not (cell["secret"] and cell["value"] is not None)
            if (
                cell["value"] is not None
                and indicator["unit"] == "count"
                and indicator["code"] != "commission.meetings_held"
            ):
                assert not 0 < cell["value"] < 11 or not registry.get(indicator["code"]).about_people
    # The secretariat reads the exact figure.
    secretariat = json.loads(
        _command("--departement", departement.code, "--year", "2025", "--audience", "secretariat")
    )
    exact = {i["code"]: i for i in secretariat["indicators"]}["pathways.requests_submitted"]
    assert exact["total"] == {"value": 3, "secret": False}


def test_the_command_in_csv_has_one_row_per_cell(departement, asso):
    RequestFactory(pathway=_pathway(asso), submitted_on=date(2025, 2, 1))
    rows = list(
        csv.DictReader(
            io.StringIO(
                _command(
                    "--departement",
                    departement.code,
                    "--year",
                    "2025",
                    "--audience",
                    "secretariat",
                    "--format",
                    "csv",
                )
            )
        )
    )
    total = next(r for r in rows if r["code"] == "pathways.requests_submitted" and r["modalite"] == "Total")
    assert (total["valeur"], total["secret"], total["unite"]) == ("1", "non", "count")
    feb = next(r for r in rows if r["code"] == "pathways.requests_submitted" and r["modalite"] == "2025-02")
    assert feb["ventilation"] == "month" and feb["valeur"] == "1"


def test_the_partner_audience_gets_one_block_per_partner_without_a_table_by_partner(departement, asso):
    body = json.loads(_command("--departement", departement.code, "--year", "2025", "--audience", "partner"))
    assert [p["organisation"]["name"] for p in body["partners"]] == ["Association Fictive"]
    codes = {i["code"] for i in body["partners"][0]["indicators"]}
    assert codes and all(c.startswith(("referrals.", "actions.")) for c in codes)
    for indicator in body["partners"][0]["indicators"]:
        assert "organisation" not in indicator["breakdowns"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--departement", "ZZ", "--year", "2025", "--audience", "national"), "Département inconnu"),
        (("--year", "2015", "--audience", "national"), "L'année doit être comprise entre 2016"),
        (("--year", "deux-mille", "--audience", "national"), "Année invalide"),
        (("--year", "2025", "--audience", "public"), "Public inconnu"),
        (("--year", "2025", "--audience", "national", "--format", "xml"), "Format inconnu"),
        (("--year", "2025", "--audience", "national", "--organisation", "x"), "ne s'emploie qu'avec"),
        (("--year", "2025", "--audience", "partner", "--organisation", "x"), "Identifiant d'organisation"),
    ],
)
def test_bad_arguments_get_a_french_message(departement, args, message):
    if "--departement" not in args:
        args = ("--departement", departement.code, *args)
    with pytest.raises(CommandError, match=message):
        _command(*args)


def test_the_catalogue_defines_every_indicator_for_whoever_reads_figures(actors):
    from django.urls import reverse

    from parcours.core.roles import Role
    from tests.conftest import client_for

    page = client_for(actors[Role.NATIONAL_ANALYST]).get(reverse("stats:catalogue")).content.decode()
    for measure in registry.all_measures():
        assert f'data-code="{measure.code}"' in page
    assert "Jamais hors du secrétariat" in page  # the register's count
    assert 'href="#indicateur-pathways-decisions"' in page  # a part links to its whole
