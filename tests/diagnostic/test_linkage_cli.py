"""The command-line tools of LK2: `parcours-linkage-keys` (keys file v2) and `parcours-link-estimate`
(raw lists -> keys -> link -> estimate). Bad input: a French message, exit status 2, no name printed."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from parcours.diagnostic import cli
from parcours.diagnostic.linkage import Record, derive_key, estimate_memberships, link, person_keys

from .linkage_vectors import CAMPAIGN, PHRASE, REFERENCE

HEADER = "nom;prenom;date_naissance;sexe;en_ligne\n"
NAMES = ("Zorvalenne", "Ilona", "Kerbrat", "Prisca", "Sansdate", "Сергей", "1994")


@pytest.fixture(autouse=True)
def phrase(monkeypatch):
    monkeypatch.setenv("PARCOURS_CAMPAIGN_PHRASE", PHRASE)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def keys_cli(source, target, *extra):
    return cli.main([source, target, "--campagne", CAMPAIGN, "--date-reference", REFERENCE, *extra])


def estimate_cli(*paths, extra=()):
    return cli.estimate_main(
        ["--campagne", CAMPAIGN, "--date-reference", REFERENCE, "--json", *extra, *paths]
    )


def assert_no_name(*texts):
    for text in texts:
        for name in NAMES:
            assert name not in text


# --- parcours-linkage-keys ---------------------------------------------------------------------------------


def test_the_keys_file_v2_holds_keys_and_attributes_only(tmp_path, capsys):
    source = write(
        tmp_path,
        "liste.csv",
        HEADER + "Zorvalenne;Ilona;12/06/1994;F;oui\n"
        "Le Gall-Dupré;Zoë;2009-03-01;F;non\n"
        "Kerbrat;Paul;1970;M;non\n"
        "Sansdate;Prisca;;F;non\n"
        ";;25/12/1990;F;non\n",
    )
    target = tmp_path / "cles.csv"
    assert keys_cli(source, str(target)) == 0
    output = target.read_text(encoding="utf-8")
    assert_no_name(output)
    first, *rest = output.splitlines()
    assert first == "#LK2 lignes_ecartees=2;date_absente=1;sans_nom=1"
    rows = list(csv.DictReader(rest))
    key = derive_key(PHRASE, CAMPAIGN)
    assert rows[0]["cles"].split() == person_keys(key, "Zorvalenne", "Ilona", date(1994, 6, 12))
    assert [(r["tranche_age"], r["mineur"], r["sexe"], r["en_ligne"]) for r in rows] == [
        ("25 à 34 ans", "non", "2", "oui"),
        ("moins de 18 ans", "oui", "2", "non"),
        ("35 ans et plus", "non", "1", "non"),
    ]
    assert len(rows[2]["cles"].split()) == 1  # a year alone: the year key only
    captured = capsys.readouterr()
    assert "date de naissance absente : 5" in captured.err and "aucun nom : 6" in captured.err
    assert "3 personne(s)" in captured.out
    assert_no_name(captured.out, captured.err)


def test_month_first_dates_need_the_order_to_be_chosen(tmp_path, capsys):
    source = write(
        tmp_path, "liste.csv", HEADER + "Zorvalenne;Ilona;06/25/1994;F;oui\nKerbrat;Paul;01/02/1970;M;\n"
    )
    target = tmp_path / "cles.csv"
    assert keys_cli(source, str(target)) == 2
    assert "MM/JJ/AAAA" in capsys.readouterr().err and not target.exists()
    assert keys_cli(source, str(target), "--ordre-date", "mm/jj") == 0
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()[1:]))
    key = derive_key(PHRASE, CAMPAIGN)
    assert rows[0]["cles"].split() == person_keys(key, "Zorvalenne", "Ilona", date(1994, 6, 25))
    assert rows[1]["cles"].split() == person_keys(key, "Kerbrat", "Paul", date(1970, 1, 2))
    # The opposite order, given by mistake, is refused rather than misreading the dates.
    assert keys_cli(source, str(target), "--ordre-date", "jj/mm") == 2
    assert "contrairement à --ordre-date jj/mm" in capsys.readouterr().err


def test_ambiguous_dates_are_read_day_first_with_a_warning(tmp_path, capsys):
    source = write(tmp_path, "liste.csv", HEADER + "Zorvalenne;Ilona;01/02/1994;F;oui\n")
    assert keys_cli(source, str(tmp_path / "cles.csv")) == 0
    assert "lues JJ/MM/AAAA" in capsys.readouterr().err


def test_a_file_mixing_both_orders_is_refused(tmp_path, capsys):
    source = write(tmp_path, "liste.csv", HEADER + "A;B;25/01/1994;F;\nC;D;01/25/1994;F;\n")
    assert keys_cli(source, str(tmp_path / "cles.csv")) == 2
    assert "mélangent JJ/MM/AAAA et MM/JJ/AAAA" in capsys.readouterr().err


def test_the_keys_tool_refuses_a_file_without_the_columns(tmp_path, capsys):
    source = write(tmp_path, "liste.csv", "name,firstname\nA,B\n")
    assert keys_cli(source, str(tmp_path / "o.csv")) == 2
    assert "colonnes manquantes : nom, prenom, date_naissance, sexe." in capsys.readouterr().err


# --- parcours-link-estimate --------------------------------------------------------------------------------


def population(n_people=120, seed=3):
    """Three synthetic lists of one population, with errors of every kind on some rows."""
    import random

    rng = random.Random(seed)
    syllables = ["ka", "ro", "mi", "zu", "le", "va", "nor", "bel", "tis", "dun", "sar", "po", "gri", "fen"]
    people = []
    for _ in range(n_people):
        last = "".join(rng.choice(syllables) for _ in range(3)).capitalize()
        first = "".join(rng.choice(syllables) for _ in range(2)).capitalize()
        born = date(1950, 1, 1).toordinal() + rng.randrange(25000)
        people.append((last, first, date.fromordinal(born), rng.choice("FM")))
    lists, seen = [], set()
    for index, share in enumerate((0.6, 0.5, 0.4)):
        rows = []
        for person, (last, first, born, sex) in enumerate(people):
            if rng.random() > share:
                continue
            error = rng.random()
            if error < 0.1:
                last, first = first, last
            elif error < 0.2 and born.day <= 12:
                born = born.replace(day=born.month, month=born.day)
            elif error < 0.3:
                sex = "autre"
            rows.append(f"{last};{first};{born:%d/%m/%Y};{sex};{'oui' if index == 0 else 'non'}\n")
            seen.add(person)
        lists.append(rows)
    return len(seen), lists


def test_link_estimate_reads_raw_lists_and_estimates_like_the_report(tmp_path, capsys):
    observed, lists = population()
    paths = [write(tmp_path, f"l{i}.csv", HEADER + "".join(rows)) for i, rows in enumerate(lists)]
    assert estimate_cli(*paths, extra=("--ordre-date", "jj/mm")) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert_no_name(captured.out, captured.err)
    assert result["n_observed"] == observed  # every error kind of the lists was linked back
    assert result["rows_set_aside"] == 0 and result["rows_read"] == sum(map(len, lists))
    assert result["ci_low"] <= result["estimate"] <= result["ci_high"]
    assert [item["code"] for item in result["lists"]] == ["L1", "L2", "L3"]
    assert {"verdict", "warnings", "linkage", "rows_set_aside_by_reason"} <= set(result)
    # The same figures as the pure pipeline (the browser's keys, the server's link, the report's estimate).
    key = derive_key(PHRASE, CAMPAIGN)
    records = []
    for index, rows in enumerate(lists):
        for row in rows:
            last, first, born, sex, online = row.strip().split(";")
            day, month, year = map(int, born.split("/"))
            keys = person_keys(key, last, first, date(year, month, day))
            records.append(
                Record(index, frozenset(keys), {"F": "2", "M": "1"}.get(sex, "9"), "", online == "oui")
            )
    expected = estimate_memberships(["L1", "L2", "L3"], link(records).memberships)
    assert result["estimate"] == round(expected.estimate, 1)


def test_link_estimate_counts_rows_set_aside_by_reason(tmp_path, capsys):
    one = write(
        tmp_path,
        "a.csv",
        HEADER + "Zorvalenne;Ilona;12/06/1994;F;\nSansdate;Prisca;;F;\nKerbrat;Paul;1970;M;\n",
    )
    two = write(
        tmp_path,
        "b.csv",
        HEADER + "Ilona;Zorvalenne;12/06/1994;F;\nさくら;Ilona;12/06/1994;F;\nMarvoux;Lise;03/04/1980;F;\n",
    )
    assert estimate_cli(one, two) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["rows_set_aside"] == 2
    assert result["rows_set_aside_by_reason"] == {"date_absente": 1, "ecriture_non_prise_en_charge": 1}
    assert result["n_observed"] == 3
    assert "L2 : 1 ligne(s) écartée(s), écriture non prise en charge : 3" in captured.err
    assert_no_name(captured.out, captured.err)


def test_link_estimate_reads_windows_1252_and_cyrillic_lists(tmp_path, capsys):
    latin = HEADER + "Kerbrat;Zoë;12/06/1994;F;\nSergeev;Sergey;01/02/1985;M;\nMarvoux;Lise;03/04/1980;F;\n"
    cyrillic = (
        HEADER + "Kerbrat;Zoe;12/06/1994;F;\nСергеев;Сергей;01/02/1985;M;\nДалбрет;Ольга;05/06/1960;F;\n"
    )
    assert estimate_cli(write(tmp_path, "a.csv", latin, "cp1252"), write(tmp_path, "b.csv", cyrillic)) == 0
    result = json.loads(capsys.readouterr().out)
    # Zoë (Windows-1252) and Zoe, Sergey and Сергей: one person each.
    assert result["n_observed"] == 4 and result["rows_set_aside"] == 0


def test_link_estimate_takes_a_list_of_5000_rows(tmp_path, capsys):
    def row(i):
        last = "".join("BDFGKLMNPRSTVZ"[int(d)] + "AEIOU"[int(d) % 5] for d in f"{i:05d}")
        born = date.fromordinal(date(1940, 1, 1).toordinal() + 4 * i)  # 5,300 different birth dates
        return f"{last};Ilona;{born:%d/%m/%Y};F;\n"

    big = write(tmp_path, "big.csv", HEADER + "".join(row(i) for i in range(5000)))
    small = write(tmp_path, "small.csv", HEADER + "".join(row(i) for i in range(4800, 5300)))
    assert estimate_cli(big, small) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows_read"] == 5500 and result["n_observed"] == 5300
    too_big = write(tmp_path, "too_big.csv", HEADER + "".join(row(i) for i in range(5001)))
    assert estimate_cli(too_big, small) == 2
    assert "dépasse 5000 personnes" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.csv": b"name;firstname\nA;B\n", "b.csv": None}, "colonnes manquantes : nom, prenom"),
        ({"a.csv": b"PK\x03\x04\x00\x00binary", "b.csv": None}, "ce n'est pas un fichier CSV"),
        ({"a.csv": b"nom;prenom;date_naissance;sexe\n\x81\x8d\x90;B;1990;F\n", "b.csv": None}, "encodage"),
        ({"a.csv": b"", "b.csv": None}, "le fichier est vide"),
        ({"a.csv": None}, "il faut au moins 2 listes"),
        (
            {"a.csv": "nom;prenom;date_naissance;sexe\nさくら;はな;1990;F\n".encode(), "b.csv": None},
            "aucune ligne",
        ),
    ],
)
def test_link_estimate_refuses_bad_input_in_french(tmp_path, capsys, files, message):
    good = HEADER + "Kerbrat;Paul;01/02/1970;M;\nZorvalenne;Ilona;13/06/1994;F;\n"
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(good.encode() if content is None else content)
        paths.append(str(path))
    assert estimate_cli(*paths) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert captured.out == ""
    assert_no_name(captured.err)


def test_link_estimate_refuses_a_short_phrase(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PARCOURS_CAMPAIGN_PHRASE", "trop court")
    good = HEADER + "Kerbrat;Paul;01/02/1970;M;\n"
    assert estimate_cli(write(tmp_path, "a.csv", good), write(tmp_path, "b.csv", good)) == 2
    assert "au moins 12 caractères" in capsys.readouterr().err


def test_link_estimate_refuses_a_bad_reference_date(tmp_path, capsys):
    good = write(tmp_path, "a.csv", HEADER + "Kerbrat;Paul;01/02/1970;M;\n")
    code = cli.estimate_main(["--campagne", CAMPAIGN, "--date-reference", "30/11/2026", good, good])
    assert code == 2 and "Date de référence illisible" in capsys.readouterr().err
