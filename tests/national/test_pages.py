"""The national analyst's pages: départements ranked, « secret » and « donnée non disponible » never shown as
a number, the sum of the published figures said to be one, the map and the regions."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from parcours.core.roles import Role
from tests.conftest import client_for
from tests.national.helpers import DELAY, MEETINGS, PEOPLE, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(actors):
    return client_for(actors[Role.NATIONAL_ANALYST])


@pytest.fixture
def year():
    """Four départements: 69 and 13 publish a number, 38 a secret, 75 nothing for this indicator."""
    store(code="69", name="Rhône", active=40, delay=30)
    store(code="13", name="Bouches-du-Rhône", active=120, delay=50)
    store(code="38", name="Isère", active=None, delay=False)
    release = store(code="75", name="Paris", active=0)
    release.figures.filter(indicator=PEOPLE, breakdown="").update(value=None, available=False)
    return release.year


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def ranked_rows(response):
    page = response.content.decode()
    table = page[page.index('data-testid="national-ranking"') :]
    return re.findall(r'<tr data-code="(\w+)"><td>([^<]*)</td>.*?data-testid="cell">([^<]*)</td>', table)


def test_departements_are_ranked_secret_and_unavailable_last_never_as_numbers(analyst, year):
    response = analyst.get(reverse("national:ranking"), {"annee": year, "indicateur": PEOPLE})
    assert response.status_code == 200
    assert ranked_rows(response) == [
        ("13", "1", "120"),
        ("69", "2", "40"),
        ("38", "—", "secret"),
        ("75", "—", "donnée non disponible"),
    ]
    page = text(response)
    assert "4 départements sur 101 ont transmis leurs chiffres" in page
    # The sum of what was published, said to be one, with what it leaves out.
    assert "Somme des chiffres publiés : 160 (2 départements)" in page
    assert "Ce n'est pas un total national : 1 chiffre secret n'y est pas compté" in page
    assert "Définition :" in page


def test_a_median_has_no_sum(analyst, year):
    response = analyst.get(reverse("national:ranking"), {"annee": year, "indicateur": DELAY})
    assert "Pas de somme : une durée médiane" in text(response)
    assert 'data-testid="national-sum"' not in response.content.decode()


def test_the_map_colours_each_departement_and_hatches_the_secret_one(analyst, year):
    response = analyst.get(reverse("national:ranking"), {"annee": year, "indicateur": PEOPLE})
    page = response.content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "Les mêmes chiffres sont dans le tableau" in svg
    assert len(re.findall(r'<g data-code="', svg)) == 101
    tile = {code: body for code, body in re.findall(r'<g data-code="(\w+)">(.*?)</g>', svg)}
    assert "<title>38 Isère : secret</title>" in tile["38"] and "url(#hachures)" in tile["38"]
    assert "<title>13 Bouches-du-Rhône : 120</title>" in tile["13"] and 'fill="#000091"' in tile["13"]
    assert "<title>01 Ain : aucun chiffre transmis</title>" in tile["01"]
    legend = page[page.index('data-testid="national-legend"') :]
    assert "secret statistique" in legend and "aucun chiffre transmis" in legend


def test_regions_sum_the_published_figures_of_their_departements(analyst, year):
    response = analyst.get(reverse("national:regions"), {"annee": year, "indicateur": PEOPLE})
    assert response.status_code == 200
    page = response.content.decode()
    rows = dict(re.findall(r'<tr data-region="(\d+)">(.*?)</tr>', page))
    assert len(rows) == 18
    aura = text_of(rows["84"])  # Rhône 40 + Isère secret
    assert "Auvergne-Rhône-Alpes 2 sur 12 40 1 0" == aura
    assert text_of(rows["93"]) == "Provence-Alpes-Côte d'Azur 1 sur 6 120 0 0"
    assert text_of(rows["11"]) == "Île-de-France 1 sur 8 donnée non disponible 0 1"
    assert text_of(rows["53"]) == "Bretagne 0 sur 4 aucun chiffre transmis 0 0"
    assert "somme des chiffres publiés" in text(response)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip())


def test_a_departement_page_shows_its_breakdowns_from_the_store(analyst, year):
    url = reverse("national:departement", kwargs={"code": "69", "year": year})
    response = analyst.get(url, {"indicateur": PEOPLE})
    assert response.status_code == 200
    page = text(response)
    assert "69 — Rhône" in page and "Région Auvergne-Rhône-Alpes" in page
    assert "Parcours en cours en fin de période — par sexe" in page
    assert "Femme 40 Homme 0" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"indicateur": "pathways.nope"}, "Indicateur inconnu : choisissez un indicateur de la liste."),
        ({"annee": "1999"}, "Choisissez une année de la liste"),
        ({"annee": "deux mille"}, "Choisissez une année de la liste"),
    ],
)
def test_bad_choices_are_a_french_message_and_a_400(analyst, year, params, message):
    response = analyst.get(reverse("national:ranking"), params)
    assert response.status_code == 400
    assert message in text(response)
    assert 'data-testid="national-ranking"' not in response.content.decode()


def test_unknown_departement_or_year_is_a_404(analyst, year):
    for code, y in (("00", year), ("69", year - 5), ("69", "abcd")):
        assert (
            analyst.get(reverse("national:departement", kwargs={"code": code, "year": y})).status_code == 404
        )
    url = reverse("national:departement", kwargs={"code": "69", "year": year})
    assert analyst.get(url, {"indicateur": "x"}).status_code == 400


def test_without_any_figure_the_page_says_how_they_arrive(analyst):
    response = analyst.get(reverse("national:ranking"))
    assert response.status_code == 200
    assert "Aucun chiffre reçu pour l'instant" in text(response)


def test_meetings_held_are_ranked_too(analyst, year):
    response = analyst.get(reverse("national:ranking"), {"annee": year, "indicateur": MEETINGS})
    assert [row[2] for row in ranked_rows(response)] == ["6", "6", "6", "6"]
    assert [row[1] for row in ranked_rows(response)] == ["1", "1", "1", "1"]  # ex aequo


def test_pages_read_a_constant_number_of_queries_whatever_the_number_of_departements(analyst):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert analyst.get(reverse(name), {"indicateur": PEOPLE}).status_code == 200
        return len(captured)

    for code, dep in (("69", "Rhône"), ("13", "Bouches-du-Rhône")):
        store(code=code, name=dep)
    few = {name: queries(name) for name in ("national:ranking", "national:regions")}
    for code, dep in (("59", "Nord"), ("75", "Paris"), ("33", "Gironde"), ("974", "La Réunion")):
        store(code=code, name=dep)
    assert {name: queries(name) for name in few} == few


def test_the_ranking_page_is_cached_until_the_store_changes(settings, analyst, year):
    """Served again from the cache (no figure read), until a département's release is replaced: then the new
    figure at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PARCOURS_STATS_CACHE_SECONDS = 3600

    def read():
        with CaptureQueriesContext(connection) as captured:
            response = analyst.get(reverse("national:ranking"), {"annee": year})
        assert response.status_code == 200
        return response.content.decode(), [q["sql"] for q in captured]

    first, first_sql = read()
    again, again_sql = read()
    figures_read = '"national_figure"."value"'  # the ranking reads the figures' values
    assert any(figures_read in sql for sql in first_sql)
    assert not any(figures_read in sql for sql in again_sql)

    def table(page):
        return page[page.index('data-testid="national-ranking"') : page.index("</table>")]

    assert table(first) == table(again)
    assert (
        '<tr data-code="69">' in first and ">40<" in first.split('<tr data-code="69">')[1].split("</tr>")[0]
    )
    store(code="69", name="Rhône", year=year, active=64)  # the Rhône's release replaced
    after, after_sql = read()
    assert any(figures_read in sql for sql in after_sql)
    assert ">64<" in after.split('<tr data-code="69">')[1].split("</tr>")[0]
