"""Keys that resist insiders, in headless Chromium.

- The phrase policy of the browser (phrase.js, on the real key page, its scripts checked by their integrity)
  gives exactly Python's answers; a script altered on the way is refused by the browser.
- The secretariat generates the phrase in its browser: 7 words of the list, shown once, copied with one
  button; the server is told only that a phrase was generated (no request, no table, no log holds it).
- The offline calculator, opened from file:// with no server at all, computes the keys file that
  parcours-linkage-keys writes for the same rows, and the page makes no request.
Screenshots: test-artefacts/screenshots/phrase-*.png.
"""

from __future__ import annotations

import csv
import logging
import shutil
from datetime import date

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from parcours.diagnostic import cli, offline, services
from parcours.diagnostic.models import Campaign
from parcours.diagnostic.phrase import PhraseError, check_phrase, fold
from tests.browser.a11y import shoot as shoot_and_check

from ..at_rest import database_dump
from ..diagnostic.test_phrase import CASES
from ..factories import CampaignFactory, DepartementFactory, ParticipantFactory
from .conftest import SCREENSHOTS
from .test_happy_path import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "DIAG-99-2025"
REFERENCE = date(2025, 12, 31)
PHRASE = "galaxie lumière montagne orange bateau voyage cerise"
PEOPLE = [  # synthetic: (last name, first name, birth date as written, sex, online)
    ("Zorvalenne", "Thessaline", "12/06/1994", "F", "oui"),
    ("Le Gall-Dupré", "Zoë", "2009-03-01", "femme", "non"),
    ("N'Diaye", "Œdipe", "31/12/1980", "M", ""),
    ("Sansdate", "Prisca", "", "F", "non"),
]


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shoot_and_check(page, SCREENSHOTS / f"phrase-{name}.png")


def key_page(web) -> Page:
    campaign = CampaignFactory(
        departement=DepartementFactory(code="99"),
        code=CODE,
        period_start=date(2025, 1, 1),
        period_end=REFERENCE,
    )
    token, _ = services.issue_invitation(ParticipantFactory(campaign=campaign))
    page = web.new_page()
    page.goto(f"/diagnostic/invitation/{token}/")
    return page


def python_answer(phrase: str) -> str:
    try:
        return check_phrase(phrase)
    except PhraseError as error:
        return str(error)


def test_the_browser_policy_is_pythons_and_an_altered_script_is_refused(web):
    page = key_page(web)
    page.goto("/diagnostic/reponse/liste/")
    check_page(page)
    phrases = [phrase for phrase, _ in CASES] + ["ABEILLE élève  Zèbre-zoologie ", "abandon " * 7]
    answers = page.evaluate(
        """phrases => phrases.map(p => {
            try { return window.ParcoursPhrase.check(p); } catch (e) { return e.message; }
        })""",
        phrases,
    )
    assert answers == [python_answer(p) for p in phrases]
    # A phrase typed with other case, accents and spaces gives the keys of the canonical one (the page
    # derives the key from ParcoursPhrase.check's result, Python's derive_key from check_phrase's).
    drawn = page.evaluate("() => Array.from({length: 300}, () => window.ParcoursPhrase.generate())")
    assert all(
        len(p.split(" ")) == 7 and check_phrase(p) == " ".join(fold(w) for w in p.split(" ")) for p in drawn
    )
    assert len(set(drawn)) == 300
    assert len({w for p in drawn for w in p.split(" ")}) > 600  # 2,100 draws among 2,048 words

    # A script altered between the server and the browser no longer matches its integrity: refused.
    altered = web.new_page()
    altered.route(
        "**/static/parcours/phrase.js",
        lambda route: route.fulfill(
            status=200,
            content_type="application/javascript",
            body="window.ParcoursPhrase = {check: function (p) { return p; }};",
        ),
    )
    token, _ = services.issue_invitation(ParticipantFactory(campaign=Campaign.objects.get(code=CODE)))
    altered.goto(f"/diagnostic/invitation/{token}/")
    altered.goto("/diagnostic/reponse/liste/")
    expect(altered.get_by_test_id("compute")).to_be_attached()
    assert altered.evaluate("() => typeof window.ParcoursPhrase") == "undefined"


def test_the_secretariat_generates_the_phrase_in_its_browser_and_only_the_fact_reaches_the_server(
    web, psp_world, caplog
):
    caplog.set_level(logging.DEBUG)
    campaign = CampaignFactory(draft=True, without_phrase=True, departement=psp_world.departement)
    ParticipantFactory(campaign=campaign)
    page = web.new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, psp_world.usernames["secretariat"])
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto(f"/diagnostic/campagne/{campaign.public_id}/")
    check_page(page)
    expect(page.get_by_test_id("phrase-status")).to_have_text(
        "Aucune phrase secrète n'a encore été générée pour cette campagne."
    )
    page.get_by_role("button", name="Générer la phrase secrète").click()
    value = page.get_by_test_id("phrase-value")
    expect(value).to_be_visible()
    phrase = value.inner_text()
    assert len(phrase.split(" ")) == 7 and check_phrase(phrase)
    expect(page.get_by_role("heading", name="La phrase secrète, affichée une seule fois")).to_be_focused()
    expect(page.get_by_test_id("phrase-status")).to_contain_text("Phrase secrète générée le")
    shot(page, "01-generee")

    page.get_by_role("button", name="Copier la phrase").click()
    expect(page.get_by_test_id("phrase-copied")).to_have_text("Phrase copiée dans le presse-papiers.")
    assert page.evaluate("() => navigator.clipboard.readText()") == phrase

    # What the server learnt: that a phrase was generated, by whom and when; nothing of the phrase.
    posts = [r for r in requests if r.method == "POST"]
    assert [r.url.rsplit("/diagnostic/", 1)[1] for r in posts] == [
        f"campagne/{campaign.public_id}/phrase-generee/"
    ]
    assert not posts[0].post_data
    campaign.refresh_from_db()
    assert campaign.phrase_generated_by.username == psp_world.usernames["secretariat"]
    seen = " ".join(
        [r.url for r in requests] + [r.post_data or "" for r in requests] + [str(r.headers) for r in requests]
    )
    dump = database_dump(connection)
    logs = caplog.text + " ".join(str(r.args) for r in caplog.records)
    # The words are common French words (« client » is in the logs anyway): look for any two of them in a row,
    # however joined, and for the whole phrase, as written and canonical.
    chosen = phrase.split(" ")
    traces = [phrase, " ".join(fold(w) for w in chosen)]
    for first, second in zip(chosen, chosen[1:], strict=False):
        traces += [f"{first}{glue}{second}" for glue in (" ", "+", "%20", "-", ",", "")]
    for trace in traces:
        assert trace not in seen and trace not in logs and trace not in dump, "une trace de la phrase"

    # Shown once: after a reload, only the date and the author.
    page.reload()
    expect(page.get_by_test_id("phrase-value")).to_be_hidden()
    expect(page.get_by_test_id("phrase-status")).to_contain_text("Parcours ne la connaît pas")
    # A second generation asks for confirmation (the structures must get the last one only).
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Générer la phrase secrète").click()
    expect(page.get_by_test_id("phrase-value")).to_be_hidden()


BANDS = {
    "moins de 18 ans": "lt18",
    "18 à 24 ans": "18_24",
    "25 à 34 ans": "25_34",
    "35 ans et plus": "35_plus",
}


def keys_file_rows(text: str) -> list[tuple]:
    """The rows of a keys file, whatever its version: (keys, age band code, minor, sex, online), sorted; the
    optional first line `#…` (rows set aside) is compared as is."""
    lines = text.splitlines()
    head = [line for line in lines if line.startswith("#")]
    rows = csv.DictReader([line for line in lines if line and not line.startswith("#")])
    out = []
    for row in rows:
        keys = tuple(sorted((row.get("cles") or row.get("cle") or "").split()))
        band = BANDS.get(row["tranche_age"], row["tranche_age"])
        out.append((keys, band, row["mineur"], row["sexe"], row["en_ligne"]))
    return [*head, *sorted(out)]


def test_the_offline_calculator_computes_the_clis_keys_from_file_with_no_request(web, tmp_path, monkeypatch):
    calculator = tmp_path / "calculateur-cles-hors-ligne.html"
    shutil.copyfile(offline.output_path(), calculator)
    source = tmp_path / "liste.csv"
    rows = [";".join(("nom", "prenom", "date_naissance", "sexe", "en_ligne"))]
    rows += [";".join(person) for person in PEOPLE]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")

    page = web.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(calculator.as_uri())
    check_page(page)
    page.get_by_label("Code de la campagne").fill(CODE.lower())
    page.get_by_label("Date de référence des âges").fill(REFERENCE.isoformat())
    page.get_by_label("Fichier de la liste").set_input_files(str(source))
    page.get_by_label("Phrase secrète de la campagne").fill("une phrase trop courte")
    page.get_by_role("button", name="Calculer les clés").click()
    expect(page.get_by_role("alert")).to_contain_text("La phrase secrète doit compter au moins 7 mots")
    expect(page.get_by_label("Phrase secrète de la campagne")).to_be_focused()

    page.get_by_label("Phrase secrète de la campagne").fill(
        "  Galaxie LUMIERE montagne-orange bateau voyage CÉRISE"
    )
    page.get_by_role("button", name="Calculer les clés").click()
    expect(page.get_by_role("status")).to_contain_text("3 clés calculées ; 1 ligne écartée ; 0 doublon.")
    expect(page.get_by_role("status")).to_contain_text(
        "Lignes écartées : 5 (date de naissance absente"  # LK1: « … ou illisible) », LK2: « …) »
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Enregistrer le fichier de clés").click()
    assert download.value.suggested_filename == f"cles-{CODE}.csv"
    saved = (tmp_path / "cles.csv").as_posix()
    download.value.save_as(saved)
    produced = open(saved, encoding="utf-8").read()  # noqa: PTH123 (the browser's file, read as is)
    shot(page, "02-calculateur-hors-ligne")

    # The keys file of parcours-linkage-keys for the same rows and phrase: the same keys and attributes.
    monkeypatch.setenv("PARCOURS_CAMPAIGN_PHRASE", PHRASE)
    reference_file = tmp_path / "cles-commande.csv"
    assert (
        cli.main(
            [str(source), str(reference_file), "--campagne", CODE, "--date-reference", REFERENCE.isoformat()]
        )
        == 0
    )
    assert keys_file_rows(produced) == keys_file_rows(reference_file.read_text(encoding="utf-8"))
    assert len([row for row in keys_file_rows(produced) if isinstance(row, tuple)]) == 3

    # The file's policy forbids any connection, even one its scripts would attempt.
    blocked = page.evaluate("() => fetch('https://example.invalid/x').then(() => 'envoyée', () => 'refusée')")
    assert blocked == "refusée"
    # No request but the file itself (and the blob of the download): no server, no network.
    assert all(url.startswith(("file://", "blob:")) for url in requests), requests
