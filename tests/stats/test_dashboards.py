"""Partner dashboards over the measure registry: secrecy, None vs 0, scoping, bad query parameters."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from parcours.core.models import RuleSetting
from parcours.core.roles import Role
from parcours.diagnostic.rules import SECRECY_THRESHOLD_SETTING
from parcours.referrals.models import AgeBand
from parcours.secrecy import Figure, disclosures
from parcours.stats import dashboards
from tests.conftest import client_for
from tests.factories import DetectionFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_measures")]

URL = reverse("stats:dashboard")
TODAY = date(2027, 6, 15)


@pytest.fixture(autouse=True)
def _today():
    # In the future of any real date of these tests: the audit journal refuses back-dated events.
    with time_machine.travel(TODAY, tick=False):
        yield


def _detect(organisation, n, day, band):
    DetectionFactory.create_batch(
        n, organisation=organisation, departement=organisation.departement, detected_on=day, age_band=band
    )


@pytest.fixture
def activity(actors):
    """The partner advisor's Mission Locale: 7 minors in January, 20 young adults in February, 15 older
    ones in March 2027; 30 in 2026. Another partner: 50 detections in 2027."""
    own = actors[Role.PARTNER_ADVISOR].organisation
    _detect(own, 7, date(2027, 1, 10), AgeBand.FROM_15_TO_17)
    _detect(own, 20, date(2027, 2, 10), AgeBand.FROM_18_TO_21)
    _detect(own, 15, date(2027, 3, 10), AgeBand.FROM_22_TO_25)
    _detect(own, 30, date(2026, 3, 1), AgeBand.FROM_18_TO_21)
    other = OrganisationFactory(
        departement=own.departement, kind="mission_locale", name="Mission locale voisine"
    )
    _detect(other, 50, date(2027, 4, 1), AgeBand.FROM_18_TO_21)
    return own, other


def _section(response, code):
    return next(s for s in response.context["dashboard"].sections if s.measure.code == code)


def _table(section, by):
    return next(t for t in section.tables if t.by == by)


def test_a_seven_is_secret_for_the_partner_and_no_margin_gives_it_back(actors, activity):
    response = client_for(actors[Role.PARTNER_ADVISOR]).get(URL, {"domaine": "reperage"})
    assert response.status_code == 200
    section = _section(response, "referrals.zz_detections")
    assert section.current.display == "42" and section.previous.display == "30"
    ages = _table(section, "age_band")
    cells = {r.label: r.current for r in ages.rows}
    assert cells["15 à 17 ans"].display == "secret"
    # Secondary suppression: total minus the visible cells must not give the 7 back.
    assert sum(1 for c in cells.values() if c.secret) >= 2
    assert cells["Moins de 15 ans"].display == "0"  # zero identifies nobody
    assert ">secret<" in response.content.decode()

    # Everything published together (total, both tables) determines no small cell: parcours.secrecy's audit.
    tables = {t.by: t for t in section.tables}
    labels = {by: [r.label for r in t.rows] for by, t in tables.items()}
    names = list(labels)
    coords = list(itertools.product(*(range(len(labels[b])) for b in names)))
    published = [Figure("total", frozenset(range(len(coords))), 42)]
    targets = []
    for axis, by in enumerate(names):
        for i, row in enumerate(tables[by].rows):
            cells_of = frozenset(k for k, c in enumerate(coords) if c[axis] == i)
            true_value = {
                "15 à 17 ans": 7,
                "18 à 21 ans": 20,
                "22 à 25 ans": 15,
                "janv.": 7,
                "févr.": 20,
                "mars": 15,
            }
            value = true_value.get(row.label, 0)
            targets.append(Figure(f"{by}:{row.label}", cells_of, value))
            if not row.current.secret:
                published.append(Figure(f"{by}:{row.label}", cells_of, value))
    assert disclosures(len(coords), published, targets, 11) == []


def test_the_secretariat_sees_exact_figures(actors, activity):
    response = client_for(actors[Role.SECRETARIAT]).get(URL, {"domaine": "reperage"})
    section = _section(response, "referrals.zz_detections")
    assert section.current.display == "92"
    assert not response.context["dashboard"].any_secret
    own, _ = activity
    response = client_for(actors[Role.SECRETARIAT]).get(
        URL, {"domaine": "reperage", "organisation": own.public_id}
    )
    section = _section(response, "referrals.zz_detections")
    assert section.current.display == "42"
    assert {r.label: r.current.display for r in _table(section, "age_band").rows}["15 à 17 ans"] == "7"
    # One partner: its own activity measures only (referrals., actions.).
    codes = {s.measure.code for s in response.context["dashboard"].sections}
    assert "pathways.zz_network_only" not in codes


def test_the_network_view_has_every_measure_one_domain_per_page(actors, activity):
    client = client_for(actors[Role.SECRETARIAT])
    first = client.get(URL)
    slugs = [d["slug"] for d in first.context["domains"]]
    assert slugs == [
        "parcours",
        "commission",
        "agrements",
        "reperage",
        "actions",
        "logement",
        "accompagnement",
    ]
    assert first.context["domain_title"] == "Parcours de sortie de la prostitution"  # the first by default
    codes = {}
    for slug in slugs:
        page = client.get(URL, {"domaine": slug})
        assert [d["slug"] for d in page.context["domains"] if d["current"]] == [slug]
        assert f'aria-current="page">{page.context["domain_title"]}<' in page.content.decode()
        codes[slug] = {s.measure.code for s in page.context["dashboard"].sections}
    assert "pathways.zz_network_only" in codes["parcours"]
    assert "referrals.zz_detections" in codes["reperage"] and "actions.zz_zero" in codes["actions"]
    assert all(code.startswith("referrals.") for code in codes["reperage"])


def test_a_partner_has_its_own_domains_and_the_year_form_keeps_the_domain(actors, activity):
    client = client_for(actors[Role.PARTNER_ADVISOR])
    page = client.get(URL, {"domaine": "actions", "annee": 2026})
    assert [d["slug"] for d in page.context["domains"]] == ["reperage", "actions"]
    assert 'name="domaine" value="actions"' in page.content.decode()
    # A domain this reader has no indicator in (the network's pathways): its first domain instead.
    page = client.get(URL, {"domaine": "parcours"})
    assert page.context["domain_title"] == "Repérage, protection et orientation"
    assert client.get(URL, {"domaine": "<script>"}).status_code == 200  # a French message, no figure


def test_none_is_not_available_and_zero_is_zero(actors, activity):
    zero = client_for(actors[Role.PARTNER_ADVISOR]).get(URL, {"domaine": "actions"})
    assert _section(zero, "actions.zz_zero").current.display == "0"
    response = client_for(actors[Role.PARTNER_ADVISOR]).get(URL, {"domaine": "reperage"})
    assert _section(response, "referrals.zz_unavailable").current.display == "donnée non disponible"
    page = response.content.decode()
    assert "Indicateurs sans source pour l" in page and "Retours de la CRIP (test)" in page
    listed = [m.code for m in response.context["dashboard"].unavailable]
    # (Other apps' measures may be listed too: only the test measures are asserted.)
    assert "referrals.zz_unavailable" in listed
    assert "actions.zz_zero" not in listed and "referrals.zz_detections" not in listed


def test_a_median_over_fewer_people_than_the_threshold_is_secret_for_a_partner(actors, activity):
    few = OrganisationFactory(
        departement=activity[0].departement, kind="mission_locale", name="Petite mission locale"
    )
    _detect(few, 5, date(2027, 2, 1), AgeBand.FROM_18_TO_21)
    from tests.factories import make_actor

    advisor = make_actor(Role.PARTNER_ADVISOR, few)
    section = _section(client_for(advisor).get(URL, {"domaine": "reperage"}), "referrals.zz_median_delay")
    assert section.current.display == "secret"
    # 42 people behind the median of the first Mission Locale: shown.
    section = _section(
        client_for(actors[Role.PARTNER_ADVISOR]).get(URL, {"domaine": "reperage"}),
        "referrals.zz_median_delay",
    )
    assert section.current.display == "12,5 jours"
    # The secretariat sees the small one's median.
    response = client_for(actors[Role.SECRETARIAT]).get(
        URL, {"domaine": "reperage", "organisation": few.public_id}
    )
    assert _section(response, "referrals.zz_median_delay").current.display == "12,5 jours"


def test_a_partner_never_sees_another_partner_whatever_the_query_string(actors, activity):
    _, other = activity
    response = client_for(actors[Role.PARTNER_ADVISOR]).get(
        URL, {"domaine": "reperage", "organisation": other.public_id}
    )
    assert response.status_code == 200
    assert response.context["dashboard"].scope.organisation == actors[Role.PARTNER_ADVISOR].organisation
    assert _section(response, "referrals.zz_detections").current.display == "42"
    assert "Mission locale voisine" not in response.content.decode()
    # An association worker: its association's figures (none here), not the network's.
    response = client_for(actors[Role.ASSOCIATION_WORKER]).get(
        URL, {"domaine": "reperage", "organisation": other.public_id}
    )
    assert _section(response, "referrals.zz_detections").current.display == "0"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"annee": "abc"}, "Choisissez une année de la liste"),
        ({"annee": "1900"}, "Choisissez une année de la liste"),
        ({"annee": "2099"}, "Choisissez une année de la liste"),
        ({"annee": "\x00"}, "Choisissez une année de la liste"),
        ({"organisation": str(uuid.uuid4())}, "Choisissez un partenaire de la liste"),
        ({"organisation": "pas-un-uuid"}, "Choisissez un partenaire de la liste"),
        ({"domaine": "inconnu"}, "Choisissez un domaine de la liste"),
    ],
)
def test_bad_query_parameters_give_a_french_message(actors, params, message):
    response = client_for(actors[Role.SECRETARIAT]).get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "dashboard" not in response.context


def test_another_departement_partner_is_refused(actors):
    from tests.factories import DepartementFactory

    elsewhere = OrganisationFactory(
        departement=DepartementFactory(code="98", name="Autre"), kind="mission_locale"
    )
    response = client_for(actors[Role.SECRETARIAT]).get(
        URL, {"domaine": "reperage", "organisation": elsewhere.public_id}
    )
    assert "Choisissez un partenaire de la liste" in response.content.decode()


def test_the_threshold_is_the_dated_setting_of_the_diagnostic(actors, activity):
    RuleSetting.objects.create(
        key=SECRECY_THRESHOLD_SETTING, value={"threshold": 50}, effective_from=date(2027, 1, 1), source="Test"
    )
    section = _section(
        client_for(actors[Role.PARTNER_ADVISOR]).get(URL, {"domaine": "reperage"}), "referrals.zz_detections"
    )
    assert section.current.display == "secret"  # 42 < 50


@pytest.mark.parametrize(
    "role", [Role.SIGNATORY, Role.COMMISSION_MEMBER, Role.IMMIGRATION, Role.NATIONAL_ANALYST, Role.ADMIN]
)
def test_other_roles_are_refused(actors, role):
    assert client_for(actors[role]).get(URL, {"domaine": "reperage"}).status_code == 403


def test_each_section_has_a_chart_with_its_data_table_and_a_summary(actors, activity):
    response = client_for(actors[Role.PARTNER_ADVISOR]).get(URL, {"domaine": "reperage"})
    section = _section(response, "referrals.zz_detections")
    assert section.chart is not None and section.chart_table.by == "month"
    assert "<script" not in section.chart.svg
    assert section.summary.startswith("Repérages (test) en 2027 : 42, contre 30")
    page = response.content.decode()
    assert "(chiffres du graphique)" in page and 'data-testid="section-chart"' in page


def test_periods_compare_the_same_span():
    assert dashboards.periods(2027, TODAY) == (
        (date(2027, 1, 1), TODAY),
        (date(2026, 1, 1), date(2026, 6, 15)),
    )
    assert dashboards.periods(2024, TODAY)[0] == (date(2024, 1, 1), date(2024, 12, 31))
    assert dashboards.periods(2024, date(2024, 2, 29))[1][1] == date(2023, 2, 28)


def _tables_on(page: str) -> list[str]:
    import re

    return re.findall(r'data-testid="breakdown-table" data-by="([a-z_]+)"', page)


def test_the_dashboard_shows_the_charts_table_and_the_indicators_page_every_table(actors, activity):
    client = client_for(actors[Role.PARTNER_ADVISOR])
    overview = client.get(URL, {"domaine": "reperage"})
    section = _section(overview, "referrals.zz_detections")
    page = overview.content.decode()
    anchor = page.index(f'id="{section.anchor}"')
    own_part = page[anchor : page.index("</section>", anchor)]
    assert _tables_on(own_part) == ["month"]
    link = reverse("stats:indicator", args=["referrals.zz_detections"])
    assert f'href="{link}?annee=2027"' in own_part

    detail = client.get(link, {"annee": 2027})
    assert detail.status_code == 200
    assert [s.measure.code for s in detail.context["dashboard"].sections] == ["referrals.zz_detections"]
    assert _tables_on(detail.content.decode()) == [t.by for t in section.tables]
    assert len(section.tables) > 1
    # The same publication: the same cells, secret ones included, on both pages.
    again = detail.context["dashboard"].sections[0]
    for table in section.tables:
        assert [(r.label, r.current.display, r.previous.display) for r in table.rows] == [
            (r.label, r.current.display, r.previous.display) for r in _table(again, table.by).rows
        ]
    assert {r.label: r.current.display for r in _table(again, "age_band").rows}["15 à 17 ans"] == "secret"


def test_the_indicators_page_keeps_the_partner_and_the_year_and_scopes_a_partner_to_itself(actors, activity):
    own, other = activity
    link = reverse("stats:indicator", args=["referrals.zz_detections"])
    secretariat = client_for(actors[Role.SECRETARIAT])
    response = secretariat.get(link, {"annee": 2027, "organisation": other.public_id})
    assert response.context["dashboard"].sections[0].current.display == "50"
    assert f"?annee=2027&amp;organisation={other.public_id}" in response.content.decode()  # back link
    partner = client_for(actors[Role.PARTNER_ADVISOR])
    response = partner.get(link, {"annee": 2027, "organisation": other.public_id})
    assert response.context["dashboard"].sections[0].current.display == "42"
    assert "Mission locale voisine" not in response.content.decode()


@pytest.mark.parametrize("code", ["inconnu", "pathways.zz_network_only", "<script>"])
def test_an_unknown_or_unpublished_indicator_is_not_found(actors, activity, code):
    # A partner does not read the network-only measure; the page says « introuvable », never 500.
    response = client_for(actors[Role.PARTNER_ADVISOR]).get(reverse("stats:indicator", args=[code]))
    assert response.status_code == 404


def test_a_rate_compares_in_points_and_a_count_in_percent():
    from parcours.stats.publication import Cell
    from parcours.stats.registry import Measure

    rate = Measure("commission.zz_rate", "Taux (test)", "…", "percent", lambda scope, by=None: None)
    summary = dashboards._summary(rate, 2027, Cell(81.0, unit="percent"), Cell(81.8, unit="percent"))
    assert summary.endswith("contre 81,8 % sur la même période de 2026 (-0,8 point).")
    summary = dashboards._summary(rate, 2027, Cell(85.0, unit="percent"), Cell(81.5, unit="percent"))
    assert summary.endswith("(+3,5 points).")
    count = Measure("referrals.zz_count", "Repérages (test)", "…", "count", lambda scope, by=None: None)
    assert dashboards._summary(count, 2027, Cell(42), Cell(30)).endswith("(+40 %).")


def test_a_long_label_is_cut_in_the_chart_and_whole_in_its_table():
    from parcours.diagnostic.charts import MAX_LABEL_CHARACTERS, bar_chart

    long = "Formation de coordination des parcours des mineurs (décret du 30 décembre 2025)"
    chart = bar_chart([("Séance plénière", 3), (long, 12)], title="Séances (test)", alt="…", serie="Séances")
    assert long not in chart.svg and long[: MAX_LABEL_CHARACTERS - 1] + "…" in chart.svg
    assert "Séance plénière" in chart.svg
