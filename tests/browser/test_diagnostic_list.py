"""End to end, in headless Chromium: a structure sends its list of people as keys, and no name leaves the
browser.

Through its invitation link (no login), a structure loads a CSV of synthetic people, then an XLSX workbook
built here (shared strings, an inline string, a numeric date cell), then rows typed in the page's table, then
the keys file of `parcours-linkage-keys`; each time it computes the keys with the campaign's phrase and sends
them. Every request the page makes is recorded (URL, headers, body): no name, first name or birth date of the
lists appears in any of them, nor in any table of the database, nor in the logs; the keys stored are the
ones the Python scheme gives for the same rows. Screenshots: test-artefacts/screenshots/diagnostic-list-*.png.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from datetime import date
from urllib.parse import unquote_plus

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from parcours.diagnostic import cli, services
from parcours.diagnostic.linkage import age_band, derive_key, person_keys, sex_code
from parcours.diagnostic.models import KeyList, LinkageRecord
from tests.browser.a11y import shoot as shoot_and_check

from ..factories import CampaignFactory, DepartementFactory, ParticipantFactory
from .conftest import SCREENSHOTS
from .test_happy_path import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHRASE = "galaxie lumière montagne orange bateau voyage cerise"
CODE = "DIAG-99-2025"
REFERENCE = date(2025, 12, 31)
ONLINE_YES = {"oui", "o", "yes", "y", "1", "vrai", "x"}

# Synthetic people (names that exist nowhere else, so that finding one anywhere is a leak).
# (last name, first name, birth date, sex, seen online)
CSV_PEOPLE = [
    ("Zorvalenne", "Thessaline", date(1994, 6, 12), "F", "oui"),
    ("Quistrabel", "Maëlwenna", date(2009, 3, 1), "F", "non"),
    ('Vardemoux "Pellic"', "Orvokki", date(1988, 1, 30), "M", ""),
    ("Zorvalenne", "Thessaline", date(1994, 6, 12), "F", "oui"),  # the same person twice: one duplicate
]
XLSX_PEOPLE = [
    ("Brunhaltine", "Ysgarde", date(2001, 11, 5), "F", "oui"),  # rich-text name, numeric date cell
    ("Quistrabel", "Maëlwenna", date(2009, 3, 1), "F", "non"),  # inline string, numeric date cell
    ("Pellegrivaux", "Ondine-Saphrée", date(1975, 2, 28), "autre", "non"),  # date written as text
    ("Zorvalenne", "Thessaline", date(1994, 6, 12), "F", "1"),
]
TYPED_PEOPLE = [
    ("Kervadoulin", "Aubrelle", date(2008, 9, 15), "F", "oui"),
    ("Estrapagne", "Milovane", date(1999, 12, 31), "M", "non"),
]
CLI_PEOPLE = [
    ("Garbanchoix", "Liséane", date(1990, 4, 4), "F", "non"),
    ("Hurtevillon", "Cassiandre", date(2008, 7, 7), "F", "oui"),
    ("Zorvalenne", "Thessaline", date(1994, 6, 12), "F", "oui"),
    ("Morlaquette", "Idrissane", date(1983, 10, 1), "M", "non"),
    ("Ferronvielle", "Sabrelle", date(1979, 5, 17), "F", "non"),
]
REJECTED = [("Tramontagne", "Vélisande")]  # rows without a usable birth date
ALL_PEOPLE = CSV_PEOPLE + XLSX_PEOPLE + TYPED_PEOPLE + CLI_PEOPLE


def canaries() -> set[str]:
    """Every identity of the lists, as written and as an urlencoded body would carry it."""
    out = set()
    for last, first, born, *_ in ALL_PEOPLE:
        out |= {last.split()[0], first, born.strftime("%d/%m/%Y"), born.isoformat(), born.strftime("%d%m%Y")}
    for last, first in REJECTED:
        out |= {last, first}
    return out


def expected(people, campaign) -> dict[str, tuple[str, str, bool]]:
    """The Python scheme's keys (parcours.diagnostic.linkage.person_keys) and attributes for the same rows,
    as the database holds them (each key re-keyed by the server)."""
    key = derive_key(PHRASE, CODE)
    server = services.server_key(campaign)
    bands = services.AGE_BAND_BY_LABEL
    return {
        " ".join(
            services.rekey(server, k) for k in person_keys(key, last, first, born, reference=REFERENCE)
        ): (
            bands[age_band(born, REFERENCE)],
            sex_code(sex),
            online.strip().lower() in ONLINE_YES,
        )
        for last, first, born, sex, online in people
    }


def stored(participant) -> dict[str, tuple[str, str, bool]]:
    records = LinkageRecord.objects.filter(key_list__participant=participant)
    return {r.keys: (r.age_band, r.sex, r.online) for r in records}


# --- Files the structure loads ------------------------------------------------------------------------------


def csv_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["Nom", "Prénom", "date_naissance", "sexe", "en_ligne"])
    formats = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%Y"]
    for (last, first, born, sex, online), fmt in zip(CSV_PEOPLE, formats, strict=True):
        writer.writerow([last, first, born.strftime(fmt), sex, online])
    writer.writerow([REJECTED[0][0], REJECTED[0][1], "31/02/1990", "F", "non"])  # line 6: no such date
    return "\ufeff".encode() + out.getvalue().encode()


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def xlsx_file() -> bytes:
    """A workbook as Excel writes one: the list is the FIRST sheet but its part is not sheet1.xml (found
    through the workbook's relationships), shared strings (one in rich text), an inline string, numeric
    date cells with a date style, a text date, an empty row, and a row without a birth date (row 7)."""
    strings: list[str] = []

    def shared(value: str) -> str:
        if value not in strings:
            strings.append(value)
        return f'<c r="{{ref}}" t="s"><v>{strings.index(value)}</v></c>'

    def row(number: int, cells: list[str]) -> str:
        body = "".join(c.replace("{ref}", f"{'ABCDE'[i]}{number}") for i, c in enumerate(cells))
        return f'<row r="{number}">{body}</row>'

    serial = lambda day: (day - date(1899, 12, 30)).days  # noqa: E731
    brun, quist, pelle, zorva = XLSX_PEOPLE
    rows = [
        row(1, [shared(h) for h in ("nom", "prenom", "date_naissance", "sexe", "en_ligne")]),
        row(
            2,
            [
                "RICH",
                shared(brun[1]),
                f'<c r="{{ref}}" s="1"><v>{serial(brun[2])}</v></c>',
                shared("F"),
                shared("oui"),
            ],
        ),
        row(
            3,
            [
                shared(quist[0]),
                f'<c r="{{ref}}" t="inlineStr"><is><t>{_x(quist[1])}</t></is></c>',
                f'<c r="{{ref}}" s="1"><v>{serial(quist[2])}</v></c>',
                shared("F"),
                shared("non"),
            ],
        ),
        row(
            5,
            [
                shared(pelle[0]),
                shared(pelle[1]),
                shared(pelle[2].strftime("%d/%m/%Y")),
                shared("autre"),
                shared("non"),
            ],
        ),
        row(
            6,
            [
                shared(zorva[0]),
                shared(zorva[1]),
                f'<c r="{{ref}}" s="1"><v>{serial(zorva[2])}.0</v></c>',
                shared("F"),
                '<c r="{ref}"><v>1</v></c>',
            ],
        ),
        row(7, [shared(REJECTED[0][0]), shared(REJECTED[0][1]), "", shared("F"), shared("non")]),
    ]
    rows[1] = rows[1].replace("RICH", '<c r="A2" t="s"><v>RICHINDEX</v></c>')
    rich = '<si><r><t>Brun</t></r><r><rPr><b/></rPr><t>haltine</t></r><rPh sb="0" eb="1"><t>X</t></rPh></si>'
    strings_xml = "".join(f"<si><t>{_x(s)}</t></si>" for s in strings) + rich
    rows[1] = rows[1].replace("RICHINDEX", str(len(strings)))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts = {
        "[Content_Types].xml": head
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": head
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": head + f"<workbook {ns} {rel_ns}><workbookPr/><sheets>"
        '<sheet name="Liste" sheetId="2" r:id="rId7"/><sheet name="Notes" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": head
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="/xl/worksheets/liste.xml"/>'
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": head + f'<styleSheet {ns}><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/sharedStrings.xml": head + f'<sst {ns} count="{len(strings) + 1}">{strings_xml}</sst>',
        "xl/worksheets/liste.xml": head
        + f"<worksheet {ns}><sheetData>{''.join(rows)}</sheetData></worksheet>",
        "xl/worksheets/sheet1.xml": head + f'<worksheet {ns}><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>Rien à lire ici</t></is></c></row></sheetData></worksheet>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            stored_entry = name == "xl/styles.xml"  # one entry stored, not deflated, as some writers do
            archive.writestr(name, text, compress_type=zipfile.ZIP_STORED if stored_entry else None)
    return out.getvalue()


def cli_keys_file(tmp_path, monkeypatch) -> bytes:
    """The keys file `parcours-linkage-keys` writes on the structure's own machine."""
    source, target = tmp_path / "liste.csv", tmp_path / "cles.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["nom", "prenom", "date_naissance", "sexe", "en_ligne"])
        writer.writerows(
            [[last, first, born.strftime("%d/%m/%Y"), sex, on] for last, first, born, sex, on in CLI_PEOPLE]
        )
    monkeypatch.setenv("PARCOURS_CAMPAIGN_PHRASE", PHRASE)
    assert (
        cli.main([str(source), str(target), "--campagne", CODE, "--date-reference", REFERENCE.isoformat()])
        == 0
    )
    source.unlink()
    return target.read_bytes()


# --- The walk -----------------------------------------------------------------------------------------------


def shot(page: Page, name: str, *, javascript: bool = True) -> None:
    shoot_and_check(page, SCREENSHOTS / f"diagnostic-list-{name}.png", javascript=javascript)


def compute(page: Page, summary: str, *, phrase: str | None = PHRASE):
    """Compute the keys (typing the phrase unless told not to); returns the send button, now enabled."""
    if phrase is not None:
        page.get_by_label("Phrase secrète de la campagne").fill(phrase)
    page.get_by_role("button", name="Calculer les clés").click()
    expect(page.get_by_test_id("compute-summary")).to_have_text(summary)
    send = page.get_by_role("button", name="Envoyer les clés")
    expect(send).to_be_enabled()
    return send


def send_and_check(page: Page, send, saved: str) -> None:
    with page.expect_navigation():
        send.click()
    expect(page.locator(".fr-alert--success")).to_have_text(saved)
    expect(page.get_by_role("button", name="Envoyer les clés")).to_be_disabled()


def test_a_structure_sends_its_list_as_keys_and_no_name_leaves_the_browser(
    web, caplog, tmp_path, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    campaign = CampaignFactory(
        departement=DepartementFactory(code="99"),
        code=CODE,
        title="Diagnostic territorial fictif 2025",
        period_start=date(2025, 1, 1),
        period_end=REFERENCE,
    )
    participant = ParticipantFactory(campaign=campaign, name="Accueil de nuit fictif")
    token, _ = services.issue_invitation(participant)
    keys_file = cli_keys_file(tmp_path, monkeypatch)

    page = web.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request))

    page.goto(f"/diagnostic/invitation/{token}/")  # the link binds this browser's session, then
    page.goto("/diagnostic/reponse/liste/")  # the list page's address carries no token
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Liste des personnes connues")
    expect(page.get_by_test_id("list-status")).to_have_text("Aucune liste transmise pour l'instant.")
    expect(page.get_by_role("button", name="Envoyer les clés")).to_be_disabled()
    shot(page, "01-empty")

    # (a) A CSV file: ';', BOM, a quoted field, two date formats, a duplicate, an impossible date (line 6).
    page.get_by_label("Fichier de la liste").set_input_files(
        {"name": "liste.csv", "mimeType": "text/csv", "buffer": csv_file()}
    )
    expect(page.get_by_test_id("file-status")).to_have_text(
        "Fichier lu sur votre poste : 5 lignes de personnes."
    )
    page.get_by_label("Phrase secrète de la campagne").fill("trop courte")
    page.get_by_role("button", name="Calculer les clés").click()
    expect(page.get_by_test_id("list-error")).to_have_text(
        "La phrase secrète doit compter au moins 7 mots de la liste de Parcours (2 mots lus) : utilisez la "
        "phrase générée par le secrétariat de la commission."
    )
    expect(page.get_by_role("button", name="Envoyer les clés")).to_be_disabled()
    send = compute(
        page,
        "4 personnes ont leurs clés calculées (dont 1 mineur·e, 2 personnes repérées en ligne) ; 1 ligne "
        "écartée ; 1 doublon (mêmes clés sur plusieurs lignes : une seule est comptée).",
    )
    expect(page.get_by_test_id("rejected-file")).to_have_text(
        "Lignes écartées du fichier — date de naissance illisible : ligne 6."
    )
    expect(page.get_by_test_id("send-summary")).to_have_text(
        "Vérifiez ces nombres, puis envoyez : Parcours recevra les clés de 4 lignes et le nombre de lignes "
        "écartées (1), jamais leur contenu."
    )
    expect(page.get_by_test_id("list-error")).to_be_hidden()
    expect(page.get_by_test_id("date-order")).to_be_hidden()  # 30/01/1988: the dates are day/month
    shot(page, "02-csv-computed")
    send_and_check(
        page,
        send,
        "Liste enregistrée : 3 personnes transmises, 1 doublon écarté, 1 ligne écartée sur votre poste. "
        "Merci.",
    )
    expect(page.get_by_test_id("list-status")).to_contain_text("3 personnes transmises le")
    expect(page.get_by_test_id("list-status")).to_contain_text("1 ligne écartée sur votre poste")
    assert stored(participant) == expected(CSV_PEOPLE, campaign)
    key_list = KeyList.objects.get(participant=participant)
    assert (key_list.rows_set_aside, key_list.set_aside_reasons) == (1, {"date_illisible": 1})
    assert KeyList.objects.get(participant=participant).duplicate_count == 1
    shot(page, "03-csv-sent")

    # (b) An XLSX workbook (replaces the list).
    page.get_by_label("Fichier de la liste").set_input_files(
        {
            "name": "liste.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": xlsx_file(),
        }
    )
    expect(page.get_by_test_id("file-status")).to_have_text(
        "Fichier lu sur votre poste : 5 lignes de personnes."
    )
    send = compute(
        page,
        "4 personnes ont leurs clés calculées (dont 1 mineur·e, 2 personnes repérées en ligne) ; 1 ligne "
        "écartée ; 0 doublon (mêmes clés sur plusieurs lignes : une seule est comptée).",
    )
    expect(page.get_by_test_id("rejected-file")).to_have_text(
        "Lignes écartées du fichier — date de naissance absente : ligne 7."
    )
    shot(page, "04-xlsx-computed")
    send_and_check(
        page, send, "Liste enregistrée : 4 personnes transmises, 1 ligne écartée sur votre poste. Merci."
    )
    assert stored(participant) == expected(XLSX_PEOPLE, campaign)

    # A file that cannot be read says so; a file loaded then dropped does not count.
    clear = page.get_by_role("button", name="Ne plus utiliser ce fichier")
    expect(clear).to_be_hidden()
    page.get_by_label("Fichier de la liste").set_input_files(
        {
            "name": "liste.xls",
            "mimeType": "application/vnd.ms-excel",
            "buffer": b"\xd0\xcf\x11\xe0" + bytes(60),
        }
    )
    expect(page.get_by_test_id("file-error")).to_have_text(
        "Les classeurs Excel 97-2003 (.xls) ne sont pas lus : enregistrez la liste au format .xlsx ou .csv."
    )
    expect(clear).to_be_hidden()
    page.get_by_label("Fichier de la liste").set_input_files(
        {"name": "liste.csv", "mimeType": "text/csv", "buffer": csv_file()}
    )
    expect(page.get_by_test_id("file-status")).to_have_text(
        "Fichier lu sur votre poste : 5 lignes de personnes."
    )
    expect(page.get_by_test_id("file-error")).to_be_hidden()
    clear.click()
    expect(page.get_by_test_id("file-status")).to_have_text("")
    expect(clear).to_be_hidden()
    expect(page.get_by_label("Fichier de la liste")).to_be_focused()

    # (c) Rows typed in the table; an added then removed row, and a row without a birth date (line 3).
    table = page.get_by_test_id("typed-rows")
    for number, (last, first, born, sex, online) in enumerate(TYPED_PEOPLE, start=1):
        if number > 1:
            page.get_by_role("button", name="Ajouter une ligne").click()
        table.get_by_label(f"Nom, ligne {number}", exact=True).fill(last)
        table.get_by_label(f"Prénom, ligne {number}", exact=True).fill(first)
        table.get_by_label(f"Date de naissance (JJ/MM/AAAA), ligne {number}", exact=True).fill(
            born.strftime("%d/%m/%Y")
        )
        table.get_by_label(f"Sexe, ligne {number}", exact=True).select_option(sex)
        table.get_by_label(f"Repérée en ligne, ligne {number}", exact=True).select_option(online)
    page.get_by_role("button", name="Ajouter une ligne").click()
    table.get_by_label("Nom, ligne 3", exact=True).fill("Effacée")
    table.get_by_role("button", name="Retirer la ligne 3").click()
    expect(table.get_by_label("Nom, ligne 3", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Ajouter une ligne").click()
    expect(table.get_by_label("Nom, ligne 3", exact=True)).to_be_focused()
    table.get_by_label("Nom, ligne 3", exact=True).fill(REJECTED[0][0])
    table.get_by_label("Prénom, ligne 3", exact=True).fill(REJECTED[0][1])
    page.get_by_role("button", name="Ajouter une ligne").click()  # line 4 stays blank: ignored
    send = compute(
        page,
        "2 personnes ont leurs clés calculées (dont 1 mineur·e, 1 personne repérée en ligne) ; 1 ligne "
        "écartée ; 0 doublon (mêmes clés sur plusieurs lignes : une seule est comptée).",
    )
    expect(page.get_by_test_id("rejected-typed")).to_have_text(
        "Lignes écartées du tableau — date de naissance absente : ligne 3."
    )
    # A change after the computation: the keys must be computed again before anything can be sent.
    table.get_by_label("Prénom, ligne 1", exact=True).fill(TYPED_PEOPLE[0][1] + "x")
    expect(send).to_be_disabled()
    expect(page.get_by_test_id("compute-status")).to_have_text(
        "La liste a changé : calculez de nouveau les clés avant l'envoi."
    )
    table.get_by_label("Prénom, ligne 1", exact=True).fill(TYPED_PEOPLE[0][1])
    send = compute(
        page,
        "2 personnes ont leurs clés calculées (dont 1 mineur·e, 1 personne repérée en ligne) ; 1 ligne "
        "écartée ; 0 doublon (mêmes clés sur plusieurs lignes : une seule est comptée).",
        phrase=None,
    )
    shot(page, "05-typed-computed")
    send_and_check(
        page, send, "Liste enregistrée : 2 personnes transmises, 1 ligne écartée sur votre poste. Merci."
    )
    assert stored(participant) == expected(TYPED_PEOPLE, campaign)

    # (d) The keys file of parcours-linkage-keys, loaded as is: no phrase needed.
    page.get_by_label("Fichier de la liste").set_input_files(
        {"name": "cles.csv", "mimeType": "text/csv", "buffer": keys_file}
    )
    expect(page.get_by_test_id("file-status")).to_have_text(
        "Fichier lu sur votre poste : 5 lignes de clés déjà calculées (0 ligne écartée lors de leur calcul)."
    )
    send = compute(
        page,
        "5 personnes ont leurs clés calculées (dont 1 mineur·e, 2 personnes repérées en ligne) ; 0 ligne "
        "écartée ; 0 doublon (mêmes clés sur plusieurs lignes : une seule est comptée).",
        phrase=None,
    )
    send_and_check(page, send, "Liste enregistrée : 5 personnes transmises. Merci.")
    assert stored(participant) == expected(CLI_PEOPLE, campaign)
    shot(page, "06-keys-file-sent")

    # Withdrawing the list.
    with page.expect_navigation():
        page.get_by_role("button", name="Retirer la liste transmise").click()
    expect(page.locator(".fr-alert--success")).to_have_text(
        "La liste transmise a été retirée. Vous pouvez en envoyer une nouvelle."
    )
    expect(page.get_by_test_id("list-status")).to_have_text("Aucune liste transmise pour l'instant.")
    assert not KeyList.objects.filter(participant=participant).exists()

    # Nothing identifying left the browser: URLs, headers and bodies of every request.
    posts = [r for r in requests if r.method == "POST"]
    assert len(posts) == 5  # four lists and the withdrawal
    assert all(
        re.search(r"(^|&)payload=%23LK2\+lignes_ecartees%3D\d.*%0Acles%2Ctranche_age", r.post_data or "")
        for r in posts[:4]
    )
    leaks = []
    for request in requests:
        body = request.post_data or ""
        headers = " ".join(f"{k}: {v}" for k, v in request.all_headers().items())
        seen = " ".join([request.url, unquote_plus(request.url), headers, body, unquote_plus(body)])
        leaks += [(request.method, request.url, c) for c in canaries() if c.lower() in seen.lower()]
    assert leaks == []

    # Nor did it reach the database (every text column of every table) or the logs.
    dump = []
    with connection.cursor() as cursor:
        for table_name in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table_name)}")
            dump += [str(value) for row in cursor.fetchall() for value in row if value is not None]
    database = "\n".join(dump).lower()
    assert "diag-99-2025" in database  # the dump does see the campaign
    assert [c for c in canaries() if c.lower() in database] == []
    logs = (caplog.text + " ".join(str(r.args) for r in caplog.records)).lower()
    assert [c for c in canaries() if c.lower() in logs] == []
    assert web.console_errors == []


def test_without_javascript_the_page_says_so_and_offers_nothing_to_send(browser, live_server):
    participant = ParticipantFactory(
        campaign=CampaignFactory(code=CODE, period_start=date(2025, 1, 1), period_end=REFERENCE)
    )
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
    )
    try:
        page = context.new_page()
        token, _ = services.issue_invitation(participant)
        page.goto(f"/diagnostic/invitation/{token}/")
        page.goto("/diagnostic/reponse/liste/")
        check_page(page)
        expect(page.get_by_test_id("noscript")).to_contain_text("Cette page a besoin de JavaScript")
        expect(page.get_by_test_id("noscript")).to_contain_text("parcours-linkage-keys")
        for control in (
            page.get_by_label("Fichier de la liste"),
            page.get_by_label("Phrase secrète de la campagne"),
            page.get_by_role("button", name="Calculer les clés"),
            page.get_by_role("button", name="Envoyer les clés"),
        ):
            expect(control).to_be_hidden()
        shot(page, "07-without-javascript", javascript=False)
    finally:
        context.close()


def open_list_page(web, campaign_kwargs=None):
    campaign = CampaignFactory(
        departement=DepartementFactory(code="99"),
        code=CODE,
        period_start=date(2025, 1, 1),
        period_end=REFERENCE,
        **(campaign_kwargs or {}),
    )
    participant = ParticipantFactory(campaign=campaign, name="Accueil de jour fictif")
    token, _ = services.issue_invitation(participant)
    page = web.new_page()
    page.goto(f"/diagnostic/invitation/{token}/")
    page.goto("/diagnostic/reponse/liste/")
    return page, campaign, participant


def test_dates_that_could_be_month_first_are_not_computed_before_the_order_is_chosen(web):
    page, campaign, participant = open_list_page(web)
    table = page.get_by_test_id("typed-rows")
    table.get_by_label("Nom, ligne 1", exact=True).fill("Orlavienne")
    table.get_by_label("Prénom, ligne 1", exact=True).fill("Sidrelle")
    table.get_by_label("Date de naissance (JJ/MM/AAAA), ligne 1", exact=True).fill("05/03/1990")
    table.get_by_label("Sexe, ligne 1", exact=True).select_option("F")
    page.get_by_label("Phrase secrète de la campagne").fill(PHRASE)
    expect(page.get_by_test_id("date-order")).to_be_hidden()
    page.get_by_role("button", name="Calculer les clés").click()
    # 05/03/1990 reads both ways: the page asks, says why, and computes nothing.
    question = page.get_by_role("group", name="Ordre du jour et du mois dans les dates de naissance")
    expect(question).to_be_visible()
    expect(question).to_contain_text("Aucune date de la liste n'a de nombre supérieur à 12")
    expect(page.get_by_test_id("list-error")).to_have_text(
        "Avant de calculer les clés : choisissez l'ordre du jour et du mois des dates de naissance."
    )
    expect(page.get_by_test_id("list-error")).to_be_focused()
    expect(question).to_contain_text("Choisissez l'ordre du jour et du mois avant de calculer les clés.")
    expect(page.get_by_role("button", name="Envoyer les clés")).to_be_disabled()
    check_page(page)
    shot(page, "08-date-order-asked")
    page.get_by_test_id("list-error").get_by_role("link").click()
    expect(page.get_by_label("jour/mois (JJ/MM/AAAA : 05/03/1990 est le 5 mars)")).to_be_focused()
    page.locator("label[for=date-order-md]").click()  # DSFR draws the radio in its label
    expect(page.get_by_label("mois/jour (MM/JJ/AAAA : 05/03/1990 est le 3 mai)")).to_be_checked()
    expect(page.get_by_test_id("list-error")).to_be_hidden()
    send = compute(
        page,
        "1 personne a ses clés calculées (dont 0 mineur·e, 0 personne repérée en ligne) ; 0 ligne écartée ; "
        "0 doublon (mêmes clés sur plusieurs lignes : une seule est comptée).",
        phrase=None,
    )
    send_and_check(page, send, "Liste enregistrée : 1 personne transmise. Merci.")
    assert stored(participant) == expected(
        [("Orlavienne", "Sidrelle", date(1990, 5, 3), "F", "non")], campaign
    )


# Latin, extended Latin, Cyrillic and Chinese names (synthetic), and one in a script the scheme does not
# transliterate (Ethiopic): set aside by the page and by the command alike.
SCRIPTS_PEOPLE = [
    ("Travelonne", "Mirabelle", "14/02/1991", "F", "non"),
    ("Łęczyńska-Øvergård", "Žofie Ærwen", "03/11/1987", "F", "oui"),
    ("Брыластова", "Снежана", "21/07/2004", "F", "non"),
    ("Ширкопов", "Всеволод", "1979", "M", "non"),
    ("欧阳", "晓薇", "30/09/1996", "F", "oui"),
    ("司马", "光远", "1985-01-17", "M", "non"),
    ("አበበች", "ትዕግሥት", "02/02/1990", "F", "non"),
]


def test_the_pages_keys_equal_those_of_parcours_linkage_keys_in_every_script(web, tmp_path, monkeypatch):
    source, target = tmp_path / "liste.csv", tmp_path / "cles.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["nom", "prenom", "date_naissance", "sexe", "en_ligne"])
        writer.writerows(SCRIPTS_PEOPLE)
    monkeypatch.setenv("PARCOURS_CAMPAIGN_PHRASE", PHRASE)
    assert (
        cli.main([str(source), str(target), "--campagne", CODE, "--date-reference", REFERENCE.isoformat()])
        == 0
    )
    cli_text = target.read_text(encoding="utf-8")
    assert cli_text.startswith("#LK2 lignes_ecartees=1;ecriture_non_prise_en_charge=1\n")

    page, campaign, participant = open_list_page(web)
    page.get_by_label("Fichier de la liste").set_input_files(
        {"name": "liste.csv", "mimeType": "text/csv", "buffer": source.read_bytes()}
    )
    expect(page.get_by_test_id("file-status")).to_have_text(
        "Fichier lu sur votre poste : 7 lignes de personnes."
    )
    send = compute(
        page,
        "6 personnes ont leurs clés calculées (dont 0 mineur·e, 2 personnes repérées en ligne) ; 1 ligne "
        "écartée ; 0 doublon (mêmes clés sur plusieurs lignes : une seule est comptée).",
    )
    expect(page.get_by_test_id("rejected-file")).to_have_text(
        "Lignes écartées du fichier — écriture non prise en charge : ligne 8."
    )
    send_and_check(
        page, send, "Liste enregistrée : 6 personnes transmises, 1 ligne écartée sur votre poste. Merci."
    )
    from_page = stored(participant)
    key_list = KeyList.objects.get(participant=participant)
    assert (key_list.rows_set_aside, key_list.set_aside_reasons) == (1, {"ecriture_non_prise_en_charge": 1})

    # The command's file, uploaded by the service, gives exactly the same stored keys and attributes.
    services.store_key_list(participant, cli_text)
    assert stored(participant) == from_page
    assert len(from_page) == 6 and all(len(keys.split()) >= 1 for keys in from_page)
