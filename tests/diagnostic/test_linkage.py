"""Pseudonymous linkage keys: the same person gives the same key across lists, names never leave the file."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from parcours.diagnostic import cli
from parcours.diagnostic.linkage import (
    LinkageError,
    age_band,
    derive_key,
    linkage_key,
    linkage_string,
    normalise_name,
)

PHRASE = "galaxie lumière montagne orange bateau voyage cerise"
BORN = date(1994, 6, 12)


@pytest.fixture(scope="module")
def key():
    return derive_key(PHRASE, "DIAG-99-2026")


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Le Gall-Dupré", "LEGALLDUPRE"),
        ("  le gall dupre ", "LEGALLDUPRE"),
        ("N'Diaye", "NDIAYE"),
        ("Œuvrard", "OEUVRARD"),
        ("Zoë", "ZOE"),
        ("", ""),
    ],
)
def test_names_are_normalised(written, normalised):
    assert normalise_name(written) == normalised


def test_linkage_string_follows_the_slk_pattern():
    assert linkage_string("Zorvalenne", "Ilona", BORN, "F") == "ORA" + "LO" + "12061994" + "2"
    # Short or missing names are padded as SLK-581 does.
    assert linkage_string("Li", "Al", BORN, "M") == "I22" + "L2" + "12061994" + "1"
    assert linkage_string("", "", BORN, "x") == "999" + "99" + "12061994" + "9"


def test_same_person_same_key_whatever_the_spelling(key):
    variants = [("Le Gall-Dupré", "Zoë"), ("LE GALL DUPRE", "zoe"), ("le-gall dupré", "ZOË")]
    keys = {linkage_key(key, last, first, BORN, "F") for last, first in variants}
    assert len(keys) == 1
    # A typo on the first letter (not used) keeps the key; another birth date or sex does not.
    assert linkage_key(key, "Ke Gall-Dupré", "Zoë", BORN, "F") in keys
    assert linkage_key(key, "Le Gall-Dupré", "Zoë", date(1994, 6, 13), "F") not in keys
    assert linkage_key(key, "Le Gall-Dupré", "Zoë", BORN, "M") not in keys


def test_the_key_depends_on_the_campaign_phrase(key):
    other = derive_key(PHRASE + " abeille", "DIAG-99-2026")
    other_campaign = derive_key(PHRASE, "DIAG-98-2026")
    one = linkage_key(key, "Zorvalenne", "Ilona", BORN, "F")
    assert one != linkage_key(other, "Zorvalenne", "Ilona", BORN, "F")
    assert one != linkage_key(other_campaign, "Zorvalenne", "Ilona", BORN, "F")
    assert len(one) == 64 and int(one, 16) >= 0


def test_known_vector(key):
    """A fixed vector: PBKDF2-HMAC-SHA-256 (210,000 iterations, salt "parcours-diagnostic:<campaign>") then
    HMAC-SHA-256 of "LK1|ORALO120619942". The browser implementation must give the same hex string."""
    expected = "8dd4396399dbf87b4a4b72696abdb6a458c5412d7a8c7faecc25b9b8b4834c85"
    assert linkage_key(key, "Zorvalenne", "Ilona", BORN, "F") == expected
    assert linkage_key(key, "ZORVALENNE", "ilona", BORN, "femme") == expected


def test_a_phrase_outside_the_policy_is_refused():
    with pytest.raises(LinkageError, match="au moins 7 mots de la liste"):
        derive_key("trop court", "DIAG")
    with pytest.raises(LinkageError, match="le mot n° 3 n'en fait pas partie"):
        derive_key("galaxie lumière montagnes orange bateau voyage cerise", "DIAG")


def test_the_key_is_derived_from_the_canonical_phrase(key):
    """Case, accents and extra spaces or hyphens do not change the keys: a phrase read on the phone and typed
    again by another structure must link."""
    typed = derive_key("  Galaxie LUMIERE montagne-orange bateau\nvoyage   CÉRISE ", "DIAG-99-2026")
    assert typed == key


def test_age_bands():
    assert age_band(date(2010, 1, 1), date(2026, 11, 23)) == "moins de 18 ans"
    assert age_band(date(2008, 11, 23), date(2026, 11, 23)) == "18 à 24 ans"
    assert age_band(date(1990, 1, 1), date(2026, 11, 23)) == "35 ans et plus"


def test_cli_writes_keys_and_attributes_only(tmp_path, monkeypatch, capsys):
    source = tmp_path / "liste.csv"
    source.write_text(
        "nom;prenom;date_naissance;sexe;en_ligne\n"
        "Zorvalenne;Ilona;12/06/1994;F;oui\n"
        "Le Gall-Dupré;Zoë;2009-03-01;F;non\n"
        "Sansdate;Prisca;;F;non\n",
        encoding="utf-8",
    )
    target = tmp_path / "cles.csv"
    monkeypatch.setenv("PARCOURS_CAMPAIGN_PHRASE", PHRASE)
    code = cli.main(
        [str(source), str(target), "--campagne", "DIAG-99-2026", "--date-reference", "2026-11-23"]
    )
    assert code == 0
    output = target.read_text(encoding="utf-8")
    for name in ("Zorvalenne", "Ilona", "Gall", "Zoë", "Sansdate", "Prisca", "1994", "2009"):
        assert name not in output
    rows = list(csv.DictReader(output.splitlines()))
    assert [(r["tranche_age"], r["mineur"], r["sexe"], r["en_ligne"]) for r in rows] == [
        ("25 à 34 ans", "non", "2", "oui"),
        ("moins de 18 ans", "oui", "2", "non"),
    ]
    err = capsys.readouterr().err
    assert "ligne 4 : date de naissance illisible" in err and "Sansdate" not in err


def test_cli_refuses_a_file_without_the_columns(tmp_path, monkeypatch, capsys):
    source = tmp_path / "liste.csv"
    source.write_text("name,firstname\nA,B\n", encoding="utf-8")
    monkeypatch.setenv("PARCOURS_CAMPAIGN_PHRASE", PHRASE)
    code = cli.main(
        [str(source), str(tmp_path / "o.csv"), "--campagne", "C", "--date-reference", "2026-11-23"]
    )
    assert code == 2 and "Colonnes manquantes : nom, prenom, date_naissance, sexe." in capsys.readouterr().err
