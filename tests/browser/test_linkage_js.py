"""The browser computes the same LK2 keys as the Python scheme, hence as `parcours-link-estimate` (Web Crypto
in Debian's Chromium, the same transliteration table served as a static file)."""

from __future__ import annotations

import pytest

from parcours.diagnostic.cli import key_list, read_list
from parcours.diagnostic.linkage import (
    SetAside,
    date_order_evidence,
    derive_key,
    key_messages,
    parse_date,
    person_keys,
)

from ..diagnostic.linkage_vectors import CAMPAIGN, PHRASE, REFERENCE, VECTORS

pytestmark = pytest.mark.django_db(transaction=True)

DATES = [
    "12/06/1994",
    "06/25/1994",
    "1994-06-12",
    "2/3/1990",
    "1994",
    "00/00/1994",
    "12/06/1994 00:00:00",
    "31/02/1994",
    "12/06/94",
    "",
    "1850",
    "١٢/٠٦/١٩٩٤",  # Arabic-Indic digits: unread on both sides
    " 12/06/1994\u00a0",
]
COLUMNS = [
    ["12/06/1994", "25/01/2000"],
    ["06/25/1994"],
    ["25/01/2000", "01/25/2000"],
    ["01/02/2000"],
    ["1990"],
]
SET_ASIDE = [
    ("さくら", "Ilona", "1994-06-12"),
    ("", "", "1994-06-12"),
    ("Zorvalenne", "Ilona", "2030-01-01"),
    ("Zorvalenne", "Ilona", "2026-12-01"),
    ("Zorvalenne", "Ilona", "2026"),
]


def python_date(value, order):
    try:
        born = parse_date(value, order)
    except SetAside as error:
        return {"reason": error.reason}
    if isinstance(born, int):
        return {"y": born}
    return {"y": born.year, "m": born.month, "d": born.day, "iso": born.isoformat()}


def test_browser_and_python_keys_agree(web, tmp_path):
    page = web.new_page()
    page.goto("/compte/connexion/")  # http://localhost: a secure context, where Web Crypto is available
    page.add_script_tag(url="/static/parcours/linkage.js")  # served like any static file (CSP: self)
    result = page.evaluate(
        """async ([phrase, campaign, reference, vectors, setAside]) => {
            const L = window.ParcoursLinkage;
            await L.loadTable();
            const key = await L.deriveKey(phrase, campaign);
            const out = [];
            for (const [last, first, written, order] of vectors) {
                const born = L.parseDate(written, order);
                out.push({
                    messages: L.keyMessages(last, first, born),
                    keys: await L.personKeys(key, last, first, born, {reference}),
                    band: L.ageBand(born, reference),
                });
            }
            const reasons = [];
            for (const [last, first, born] of setAside) {
                reasons.push(await L.personKeys(key, last, first, born, {reference})
                    .then((keys) => keys.length, (e) => e.reason));
            }
            return {out, reasons};
        }""",
        [PHRASE, CAMPAIGN, REFERENCE, VECTORS, SET_ASIDE],
    )
    # The same rows through parcours-link-estimate's reading and keying (a CSV list, one per date order).
    key = derive_key(PHRASE, CAMPAIGN)
    from datetime import date

    reference = date.fromisoformat(REFERENCE)
    expected = []
    for order in ("dm", "md"):
        rows = [v for v in VECTORS if v[3] == order]
        path = tmp_path / f"{order}.csv"
        path.write_text(
            "nom;prenom;date_naissance;sexe\n"
            + "".join(f"{last};{first};{born};F\n" for last, first, born, _ in rows),
            encoding="utf-8",
        )
        keyed = key_list(read_list(str(path), order), key, reference, "jj/mm" if order == "dm" else "mm/jj")
        expected += [(v, row["keys"], row["tranche_age"]) for v, row in zip(rows, keyed.rows, strict=True)]
    by_vector = {v: (keys, band) for v, keys, band in expected}
    for vector, browser in zip(VECTORS, result["out"], strict=True):
        last, first, written, order = vector
        born = parse_date(written, order)
        assert browser["messages"] == key_messages(last, first, born), vector
        assert browser["keys"] == person_keys(key, last, first, born, reference=reference), vector
        assert (browser["keys"], browser["band"]) == by_vector[vector], vector
    assert "53e262557f6f39e0c40bbb51da2db412d8fa416a86eace148a5e2fb9bf295070" in result["out"][0]["keys"]
    assert result["reasons"] == [
        "ecriture_non_prise_en_charge",
        "sans_nom",
        "date_posterieure",
        "date_posterieure",
        1,
    ]

    dates = page.evaluate(
        """([dates, columns]) => {
            const L = window.ParcoursLinkage;
            const read = (value, order) => {
                try { return L.parseDate(value, order); } catch (e) { return {reason: e.reason}; }
            };
            return {
                dm: dates.map((v) => read(v, "dm")),
                md: dates.map((v) => read(v, "md")),
                evidence: columns.map((c) => L.dateOrderEvidence(c)),
            };
        }""",
        [DATES, COLUMNS],
    )
    assert dates["dm"] == [python_date(v, "dm") for v in DATES]
    assert dates["md"] == [python_date(v, "md") for v in DATES]
    assert dates["evidence"] == [date_order_evidence(c) for c in COLUMNS]
    refused = page.evaluate(
        "() => window.ParcoursLinkage.deriveKey('court', 'X').then(() => 'accepté', e => e.message)"
    )
    assert refused == "La phrase secrète de la campagne doit compter au moins 12 caractères."
