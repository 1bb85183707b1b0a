"""The commission's annual report (docs/rapport-annuel.md): texts per département-year in plain text, a PDF
built like the official documents, published for the ministry (secrecy applied), its versions listed."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from parcours.core.roles import Role
from parcours.documents import services as documents
from parcours.documents.models import GeneratedDocument
from parcours.referrals.models import AgeBand
from parcours.stats import annual_report, services
from parcours.stats.models import AnnualReportText
from tests.conftest import client_for
from tests.factories import (
    CommitmentFactory,
    ConventionFactory,
    DetectionFactory,
    IndicatorFactory,
    OrganisationFactory,
    PartyFactory,
    PathwayFactory,
    PersonFactory,
    RequestFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("stats:annual_report")
GENERATE = reverse("stats:annual_report_generate")
TODAY = date(2027, 3, 15)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def year_2026(actors, association):
    """2026 in the département: 3 requests of named (synthetic) people, 25 detections of young adults and 4
    of minors by a Mission Locale, and a convention with one indicator."""
    departement = actors[Role.SECRETARIAT].departement
    people = [PersonFactory(organisation=association, last_name=f"Quelbrandet{i}") for i in range(3)]
    for person in people:
        RequestFactory(pathway=PathwayFactory(person=person), submitted_on=date(2026, 5, 2), decided=True)
    ml = OrganisationFactory(departement=departement, kind="mission_locale", name="Mission locale fictive")
    DetectionFactory.create_batch(
        25,
        organisation=ml,
        departement=departement,
        detected_on=date(2026, 4, 1),
        age_band=AgeBand.FROM_18_TO_21,
    )
    DetectionFactory.create_batch(
        4,
        organisation=ml,
        departement=departement,
        detected_on=date(2026, 4, 2),
        age_band=AgeBand.FROM_15_TO_17,
    )
    convention = ConventionFactory(
        departement=departement, title="Convention fictive de repérage", signed_on=date(2026, 1, 1)
    )
    party = PartyFactory(convention=convention, organisation=ml)
    IndicatorFactory(commitment=CommitmentFactory(party=party, convention=convention))
    return people


def _pdf_text(document: GeneratedDocument) -> str:
    content = documents.pdf_of(document)
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


def test_the_texts_are_plain_text_per_departement_year(actors):
    client = client_for(actors[Role.SECRETARIAT])
    response = client.post(
        URL,
        {
            "annee": "2026",
            "introduction": "<b>Une année</b> de travail.\n\nSecond paragraphe.",
            "conclusion": "",
        },
    )
    assert response.status_code == 302
    text = AnnualReportText.objects.get(departement=actors[Role.SECRETARIAT].departement, year=2026)
    assert text.introduction == "<b>Une année</b> de travail.\n\nSecond paragraphe."
    page = client.get(URL, {"annee": "2026"}).content.decode()
    assert "&lt;b&gt;Une année&lt;/b&gt;" in page and "<b>Une année</b>" not in page
    assert annual_report.paragraphs(text.introduction) == [
        "<b>Une année</b> de travail.",
        "Second paragraphe.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"annee": "1900"}, "Choisissez une année de la liste"),
        ({"annee": "abc"}, "Choisissez une année de la liste"),
        ({"annee": "2026", "introduction": "x" * 12001}, "12000"),
    ],
)
def test_bad_input_gives_a_french_message(actors, data, message):
    response = client_for(actors[Role.SECRETARIAT]).post(URL, {"conclusion": ""} | data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnnualReportText.objects.exists()
    response = client_for(actors[Role.SECRETARIAT]).post(GENERATE, {"annee": data["annee"]})
    if data["annee"] != "2026":
        assert response.status_code == 302 and not GeneratedDocument.objects.exists()


def test_the_report_is_published_for_the_ministry_under_secrecy(actors, year_2026):
    report = services.build_report(
        actor=actors[Role.SECRETARIAT],
        departement=actors[Role.SECRETARIAT].departement,
        year=2026,
        today=TODAY,
    )
    indicators = {i.measure.code: i for s in report.sections for i in s.indicators}
    # 3 requests, 4 minors: secret for the ministry; 29 detections published.
    assert indicators["pathways.requests_submitted"].published.total.display == "secret"
    assert indicators["referrals.detections"].published.total.display == "29"
    bands = {label: shown for t in indicators["referrals.detections"].tables for label, shown in t.rows}
    assert bands["15 à 17 ans"] == "secret"
    assert report.any_secret
    # A chart where there is something to draw, with the table of its figures; none over zeros only.
    # The age bands are all hidden (4 minors, and the 25 others would give them back from the total): the
    # chart draws the quarters.
    assert indicators["referrals.detections"].tables[0].title == "Par tranche d'âge"
    assert "par trimestre" in indicators["referrals.detections"].chart.alt
    assert indicators["commission.meetings_held"].chart is None
    for indicator in indicators.values():
        for cell in [indicator.published.total, *(c for t in indicator.published.tables for c in t.cells)]:
            value = cell.published
            if indicator.measure.unit == "count" and indicator.measure.about_people and value is not None:
                assert not 1 <= value < 11, (indicator.measure.code, cell)


def test_the_pdf_is_built_stored_encrypted_and_listed(actors, year_2026):
    client = client_for(actors[Role.SECRETARIAT])
    client.post(
        URL, {"annee": "2026", "introduction": "Introduction fictive du rapport.", "conclusion": "Fin."}
    )
    response = client.post(GENERATE, {"annee": "2026"})
    assert response.status_code == 302
    document = GeneratedDocument.objects.get(kind=services.REPORT_KIND)
    assert document.is_frozen and document.sha256 and document.object_id == "2026"
    text = _pdf_text(document)
    for title in annual_report.SECTION_TITLES:
        assert title in text, title
    assert "Introduction fictive du rapport." in text
    assert "secret statistique, seuil de 11" in text
    assert "Demandes de PSP transmises : secret" in text  # 3 requests: a secret cell
    assert "Convention fictive de repérage" in text
    assert "PRÉFET" in text or "PREFET" in text.upper()
    for person in year_2026:
        assert person.last_name not in text
        assert person.last_name not in document.html
    # Stored encrypted: the file on disk is not a PDF.
    with open(document.pdf.path, "rb") as handle:
        assert not handle.read().startswith(b"%PDF")
    # A second version; the page lists both, with their download links.
    client.post(GENERATE, {"annee": "2026"})
    page = client.get(URL, {"annee": "2026"}).content.decode()
    assert page.count('data-testid="report-download"') == 2
    assert "version 2" in page
    download = client.get(reverse("documents:download", kwargs={"pk": document.public_id}))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
