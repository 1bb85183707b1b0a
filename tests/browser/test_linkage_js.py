"""The browser computes the same linkage keys as the Python scheme (Web Crypto in Debian's Chromium)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from parcours.diagnostic.linkage import derive_key, linkage_key, linkage_string

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[2] / "parcours" / "static" / "parcours" / "linkage.js"
# Canonical (phrase.check_phrase): ParcoursLinkage.deriveKey takes the canonical phrase, which the key page
# obtains from ParcoursPhrase.check (tests/browser/test_phrase.py); Python's derive_key canonicalises itself.
PHRASE = "galaxie lumiere montagne orange bateau voyage cerise"
PEOPLE = [
    ("Zorvalenne", "Ilona", "1994-06-12", "F"),
    ("Le Gall-Dupré", "Zoë", "2009-03-01", "femme"),
    ("N'Diaye", "Œdipe", "1980-12-31", "M"),
    ("Li", "", "2001-01-01", "autre"),
]


def test_browser_and_python_keys_agree(web):
    page = web.new_page()
    page.goto("/compte/connexion/")  # http://localhost: a secure context, where Web Crypto is available
    page.add_script_tag(url="/static/parcours/linkage.js")  # served like any static file (CSP: self)
    assert SCRIPT.exists()
    result = page.evaluate(
        """async ([phrase, campaign, people]) => {
            const key = await window.ParcoursLinkage.deriveKey(phrase, campaign);
            const out = [];
            for (const [last, first, born, sex] of people) {
                out.push([window.ParcoursLinkage.linkageString(last, first, born, sex),
                          await window.ParcoursLinkage.linkageKey(key, last, first, born, sex)]);
            }
            return out;
        }""",
        [PHRASE, "DIAG-99-2026", PEOPLE],
    )
    key = derive_key(PHRASE, "DIAG-99-2026")
    expected = []
    for last, first, born, sex in PEOPLE:
        day = date.fromisoformat(born)
        expected.append([linkage_string(last, first, day, sex), linkage_key(key, last, first, day, sex)])
    assert result == expected
    assert result[0][1] == "8dd4396399dbf87b4a4b72696abdb6a458c5412d7a8c7faecc25b9b8b4834c85"
