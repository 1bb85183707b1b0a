"""Exports of indicators (docs/indicateurs-exports.md): the three formats hold the cells the publication
module gives; a partner's file holds its own figures only, under secrecy; large exports run in the background
behind a link that expires and that only the reader who asked can use; bad input is a French message."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from parcours.core.models import RuleSetting
from parcours.core.roles import Role
from parcours.referrals.models import AgeBand
from parcours.stats import exports, registry, rules
from parcours.stats.models import ExportState, IndicatorExport
from parcours.stats.publication import Audience, indicator_set, publish_set
from parcours.stats.registry import Scope
from tests.conftest import client_for
from tests.factories import DetectionFactory, OrganisationFactory, make_actor

pytestmark = pytest.mark.django_db

URL = reverse("stats:export")
TODAY = date(2027, 6, 15)
THRESHOLD = 11


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
    ones in March 2027. Another partner: 53 detections in April 2027."""
    own = actors[Role.PARTNER_ADVISOR].organisation
    _detect(own, 7, date(2027, 1, 10), AgeBand.FROM_15_TO_17)
    _detect(own, 20, date(2027, 2, 10), AgeBand.FROM_18_TO_21)
    _detect(own, 15, date(2027, 3, 10), AgeBand.FROM_22_TO_25)
    other = OrganisationFactory(
        departement=own.departement, kind="mission_locale", name="Mission locale voisine"
    )
    _detect(other, 53, date(2027, 4, 1), AgeBand.FROM_18_TO_21)
    return own, other


# --- Reading the three formats back ---------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text, whatever the format wrote (a number, « secret », « donnée non disponible »)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace(",", ".")
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def _expected(published) -> dict[tuple[str, str, str], str]:
    return {
        (p.measure.code, by, label): _text(value)
        for p in published
        for by, label, value in exports.indicator_rows(p)
    }


def _read_csv(content: bytes) -> dict:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    return {(r["code"], r["ventilation"], r["modalite"]): _text(r["valeur"]) for r in rows}


def _sheet_cells(sheets: dict[str, list[list]]) -> dict:
    """The table of each indicator's sheet: the rows after the « Ventilation | Modalité | Valeur » header."""
    found = {}
    for name, rows in sheets.items():
        if name == "Sommaire":
            continue
        code = next(r[1] for r in rows if r and r[0] == "Code")
        start = next(i for i, r in enumerate(rows) if r[:3] == list(exports.TABLE_COLUMNS))
        for row in rows[start + 1 :]:
            if not row or row[0] in (None, "", "Note"):
                break
            found[(code, row[0], row[1])] = _text(row[2])
    return found


def _read_xlsx(content: bytes) -> dict:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return _sheet_cells({s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets})


def _read_ods(content: bytes) -> dict:
    from odfdo import Document

    document = Document(io.BytesIO(content))
    return _sheet_cells({t.name: t.get_values() for t in document.body.get_tables()})


READERS = {"csv": _read_csv, "xlsx": _read_xlsx, "ods": _read_ods}


def _small_counts(cells: dict) -> list:
    """Published counts of people from 1 to threshold-1 (there must be none outside the secretariat)."""
    small = []
    for (code, by, label), value in cells.items():
        measure = registry.get(code)
        if measure.unit != "count" or not measure.about_people:
            continue
        try:
            number = float(value)
        except ValueError:  # « secret », « donnée non disponible »
            continue
        if 1 <= number < THRESHOLD:
            small.append((code, by, label, value))
    return small


# --- Small exports ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_partners_indicator_in_each_format_holds_the_published_cells(actors, activity, fmt):
    own, _ = activity
    response = client_for(actors[Role.PARTNER_ADVISOR]).get(
        URL, {"indicateur": "referrals.detections", "annee": "2027", "format": fmt}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES[fmt]
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'attachment; filename="referrals-detections-99-2027.{fmt}"'
    measure = registry.get("referrals.detections")
    scope = Scope(own.departement, date(2027, 1, 1), TODAY, own)
    published = publish_set([measure], scope, audience=Audience.PARTNER, threshold=THRESHOLD)
    expected = _expected(published.values())
    found = READERS[fmt](response.content)
    assert found == expected
    # The 7 minors of January are secret; the partner's total is its own 42.
    assert found[("referrals.detections", "Par mois", "2027-01")] == "secret"
    assert found[("referrals.detections", "Total", "Total")] == "42"
    assert not _small_counts(found)


def test_the_secretariat_exports_exact_figures_with_definition_unit_source_and_period(actors, activity):
    response = client_for(actors[Role.SECRETARIAT]).get(
        URL, {"indicateur": "referrals.detections", "annee": "2027", "format": "xlsx"}
    )
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert [s.title for s in book.worksheets] == ["Sommaire", "01 referrals.detections"]
    head = {r[0]: r[1] for r in book.worksheets[1].iter_rows(values_only=True) if r and r[0]}
    measure = registry.get("referrals.detections")
    assert head["Définition"] == measure.definition
    assert head["Unité"] == "nombre"
    assert head["Source"] == (measure.source or "Parcours")
    assert head["Période"] == "du 01/01/2027 au 15/06/2027"
    assert head["Secret statistique"].startswith("non appliqué")
    found = _read_xlsx(response.content)
    assert found[("referrals.detections", "Total", "Total")] == "95"  # the whole network
    assert found[("referrals.detections", "Par mois", "2027-01")] == "7"  # exact
    assert _small_counts(found)  # what the partners' check looks for is there in exact figures


def test_a_partners_file_says_the_threshold(actors, activity):
    response = client_for(actors[Role.PARTNER_ADVISOR]).get(
        URL, {"indicateur": "referrals.detections", "annee": "2027", "format": "ods"}
    )
    from odfdo import Document

    tables = Document(io.BytesIO(response.content)).body.get_tables()
    summary = {r[0]: r[1] for r in tables[0].get_values() if r and r[0]}
    assert summary["Secret statistique"].startswith("appliqué, seuil de 11 : un nombre de 1 à 10")
    assert "Mission locale voisine" not in str(tables[0].get_values())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"indicateur": "pas.un_indicateur"}, "Indicateur inconnu"),
        ({"indicateur": "pathways.decisions"}, "Indicateur inconnu"),  # not a partner's indicator
        ({"format": "pdf"}, "Format inconnu"),
        ({"format": ""}, "Choisissez un format"),
        ({"annee": "2027", "annee_fin": "2025"}, "La période est inversée"),
        ({"annee": "1900"}, "Choisissez une année de la liste"),
        ({"annee": "2099"}, "Choisissez une année de la liste"),
        ({"annee": "\x00"}, "Choisissez une année de la liste"),
        ({"ventilation": "decision"}, "La ventilation demandée"),
        ({"ventilation": "nimporte"}, "Ventilation inconnue"),
        ({"indicateur": "", "ventilation": "month"}, "Une ventilation se choisit pour un seul indicateur"),
    ],
)
def test_bad_input_gives_a_french_message_and_no_file(actors, activity, params, message):
    query = {"indicateur": "referrals.detections", "annee": "2027", "format": "csv"} | params
    for role in (Role.PARTNER_ADVISOR, Role.SECRETARIAT):
        if role is Role.SECRETARIAT and params.get("indicateur") == "pathways.decisions":
            continue  # the secretariat may export it
        response = client_for(actors[role]).get(URL, query)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()
        response = client_for(actors[role]).post(URL, query)
        assert response.status_code == 200 and message in response.content.decode()
    assert not IndicatorExport.objects.exists()


def test_a_breakdown_the_indicator_allows_is_the_only_table(actors, activity):
    response = client_for(actors[Role.SECRETARIAT]).get(
        URL,
        {"indicateur": "referrals.detections", "annee": "2027", "format": "csv", "ventilation": "age_band"},
    )
    found = _read_csv(response.content)
    assert {by for _, by, _ in found} == {"Total", "Par tranche d'âge"}


# --- Large exports in the background ---------------------------------------------------------------------


def _request(client, django_capture_on_commit_callbacks, **params):
    data = {"annee": "2027", "format": "xlsx"} | params
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)
    assert response.status_code == 302
    return IndicatorExport.objects.get(), response


def test_a_whole_set_runs_in_the_background_and_holds_the_indicator_set(
    actors, activity, django_capture_on_commit_callbacks
):
    own, other = activity
    client = client_for(actors[Role.PARTNER_ADVISOR])
    # Whatever the query string says, a partner exports its own organisation.
    export, response = _request(
        client, django_capture_on_commit_callbacks, format="csv", organisation=str(other.public_id)
    )
    assert response["Location"] == reverse("stats:export_status", kwargs={"pk": export.public_id})
    export.refresh_from_db()
    assert export.state == ExportState.READY and export.organisation == own
    assert export.audience == "partner"
    assert export.expires_at == export.finished_at + timedelta(days=rules.EXPORT_LINK_DAYS)
    page = client.get(response["Location"]).content.decode()
    assert "Fichier prêt" in page and "export_progress.js" not in page
    content = client.get(reverse("stats:export_download", kwargs={"pk": export.public_id})).content
    found = _read_csv(content)
    scope = Scope(own.departement, date(2027, 1, 1), TODAY, own)
    assert found == _expected(indicator_set(scope, audience=Audience.PARTNER, threshold=THRESHOLD))
    assert found[("referrals.detections", "Total", "Total")] == "42"  # not the network's 95
    assert "Mission locale voisine" not in content.decode("utf-8-sig")
    assert not _small_counts(found)
    # Stored encrypted: the file on disk is not the CSV.
    with open(export.file.path, "rb") as handle:
        assert b"referrals.detections" not in handle.read()


def test_the_secretariats_whole_set_in_ods_is_exact(actors, activity, django_capture_on_commit_callbacks):
    client = client_for(actors[Role.SECRETARIAT])
    export, _ = _request(client, django_capture_on_commit_callbacks, format="ods")
    content = client.get(reverse("stats:export_download", kwargs={"pk": export.public_id})).content
    found = _read_ods(content)
    scope = Scope(actors[Role.SECRETARIAT].departement, date(2027, 1, 1), TODAY, None)
    assert found == _expected(indicator_set(scope, audience=Audience.SECRETARIAT, threshold=THRESHOLD))


def test_several_years_of_one_indicator_run_in_the_background(
    actors, activity, django_capture_on_commit_callbacks
):
    client = client_for(actors[Role.SECRETARIAT])
    query = {"indicateur": "referrals.detections", "annee": "2025", "annee_fin": "2027", "format": "csv"}
    page = client.get(URL, query)
    assert "Export volumineux" in page.content.decode()  # offered, not built in the request
    export, _ = _request(client, django_capture_on_commit_callbacks, **query)
    content = client.get(reverse("stats:export_download", kwargs={"pk": export.public_id})).content
    found = _read_csv(content)
    assert found[("referrals.detections", "Par année", "2027")] == "95"
    assert found[("referrals.detections", "Par année", "2025")] == "0"


def test_the_progress_page_refreshes_while_the_file_is_built(actors):
    actor = actors[Role.SECRETARIAT]
    export = IndicatorExport.objects.create(
        departement=actor.departement,
        requested_by=actor.membership,
        audience="secretariat",
        first_year=2027,
        last_year=2027,
        format="xlsx",
        state=ExportState.RUNNING,
        progress_done=3,
        progress_total=12,
    )
    client = client_for(actor)
    page = client.get(reverse("stats:export_status", kwargs={"pk": export.public_id})).content.decode()
    # Polled by a script of our own (CSP: 'self', with its integrity), not by a page reload.
    assert f'data-interval="{rules.EXPORT_REFRESH_SECONDS}"' in page
    assert "parcours/export_progress.js" in page and "http-equiv" not in page
    assert 'value="25"' in page and "Avancement : 25 %" in page
    # Not ready: the file's link goes back to the progress page.
    response = client.get(reverse("stats:export_download", kwargs={"pk": export.public_id}))
    assert response.status_code == 302


def test_the_link_expires_after_the_dated_setting(actors, activity, django_capture_on_commit_callbacks):
    actor = actors[Role.SECRETARIAT]
    export, _ = _request(client_for(actor), django_capture_on_commit_callbacks)
    url = reverse("stats:export_download", kwargs={"pk": export.public_id})
    # A session of that day (the one of the request has long expired).
    with time_machine.travel(TODAY + timedelta(days=rules.EXPORT_LINK_DAYS, minutes=-1), tick=False):
        assert client_for(actor).get(url).status_code == 200
    with time_machine.travel(TODAY + timedelta(days=rules.EXPORT_LINK_DAYS, minutes=1), tick=False):
        client = client_for(actor)
        response = client.get(url)
        assert response.status_code == 410
        assert "Ce lien de téléchargement a expiré" in response.content.decode()
        status = client.get(reverse("stats:export_status", kwargs={"pk": export.public_id}))
        assert "Lien expiré" in status.content.decode()
        # The next export deletes the expired file; its link still says it has expired.
        _request_again(client, django_capture_on_commit_callbacks)
        export.refresh_from_db()
        assert not export.file
        assert client.get(url).status_code == 410


def _request_again(client, capture):
    with capture(execute=True):
        response = client.post(URL, {"annee": "2027", "format": "csv"})
    return IndicatorExport.objects.first(), response


def test_a_dated_setting_changes_the_links_lifetime(actors, activity, django_capture_on_commit_callbacks):
    RuleSetting.objects.create(
        key=rules.EXPORT_LINK_DAYS_SETTING, value={"days": 2}, effective_from=date(2027, 1, 1), source="Test"
    )
    export, _ = _request(client_for(actors[Role.SECRETARIAT]), django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.expires_at - export.finished_at == timedelta(days=2)


def test_another_user_cannot_see_or_download_the_file(actors, activity, django_capture_on_commit_callbacks):
    export, _ = _request(client_for(actors[Role.SECRETARIAT]), django_capture_on_commit_callbacks)
    colleague = make_actor(Role.SECRETARIAT, organisation=actors[Role.SECRETARIAT].organisation)
    for actor in (colleague, actors[Role.PARTNER_ADVISOR], actors[Role.ASSOCIATION_WORKER]):
        client = client_for(actor)
        for name in ("stats:export_status", "stats:export_download"):
            assert client.get(reverse(name, kwargs={"pk": export.public_id})).status_code == 404


def test_the_dashboard_offers_downloads_per_section_and_for_the_whole_set(actors, activity):
    page = client_for(actors[Role.PARTNER_ADVISOR]).get(reverse("stats:dashboard"), {"annee": "2027"})
    html = page.content.decode()
    assert "Tout télécharger" in html
    for fmt in ("csv", "xlsx", "ods"):
        assert f"?indicateur=referrals.detections&amp;annee=2027&amp;format={fmt}" in html


@pytest.mark.parametrize(
    "role", [Role.SIGNATORY, Role.COMMISSION_MEMBER, Role.IMMIGRATION, Role.NATIONAL_ANALYST, Role.ADMIN]
)
def test_roles_without_a_dashboard_cannot_ask_for_an_export(actors, role):
    response = client_for(actors[role]).post(URL, {"annee": "2027", "format": "csv"})
    assert response.status_code == 403
    assert not IndicatorExport.objects.exists()
