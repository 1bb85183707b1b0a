"""Reading and strict validation of capture-history tables (French error messages)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parcours.estimation import (
    EstimationError,
    parse_csv_text,
    read_table,
    remove_noninformative_lists,
    table_from_mapping,
    table_from_memberships,
    table_from_rows,
)
from parcours.estimation.table import MAX_LISTS, cell_matrix

from ._refdata import DATASETS, load, needs_data

GOOD = "A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n1,1,0,6\n1,0,1,3\n"


def _err(text: str) -> EstimationError:
    with pytest.raises(EstimationError) as exc:
        parse_csv_text(text)
    return exc.value


def test_parse_good_table() -> None:
    t = parse_csv_text(GOOD)
    assert t.lists == ("A", "B", "C")
    assert t.n_observed == 99
    assert t.n_histories == 5
    assert t.list_totals().tolist() == [49, 36, 23]
    assert t.overlap_matrix()[0, 1] == 6
    assert t.capture_frequencies().tolist() == [0, 90, 9, 0]


def test_cell_matrix_order() -> None:
    assert cell_matrix(3).tolist() == [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [1, 1, 0],
        [1, 0, 1],
        [0, 1, 1],
        [1, 1, 1],
    ]
    assert cell_matrix(6).shape == (63, 6)


def test_semicolon_bom_whitespace_and_integral_floats() -> None:
    text = "\ufeff A ; B ;count\r\n1;0; 5\r\n0;1;7.0\r\n\r\n1;1;2\r\n0;0;0\r\n".replace("0;0;0\r\n", "")
    t = parse_csv_text(text)
    assert t.lists == ("A", "B")
    assert t.counts.tolist() == [5, 7, 2]


def test_count_column_anywhere_and_effectif_alias() -> None:
    t = parse_csv_text("effectif,X,Y\n4,1,0\n5,0,1\n1,1,1\n")
    assert t.lists == ("X", "Y")
    assert t.n_observed == 10


def test_zero_count_rows_are_allowed() -> None:
    t = parse_csv_text(GOOD + "0,1,1,0\n")
    assert t.n_observed == 99


def test_csv_roundtrip() -> None:
    t = parse_csv_text(GOOD)
    t2 = parse_csv_text(t.to_csv())
    assert np.array_equal(t.cell_counts(), t2.cell_counts())
    assert t2.as_rows()[0] == {"A": 1, "B": 0, "C": 0, "count": 40}


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("", "empty_table", "vide"),
        ("A,B,count\n", "empty_table", "aucune ligne"),
        ("A,B,n\n1,0,3\n", "missing_count", "« count » absente"),
        ("A,count\n1,5\n", "single_list", "Une seule liste"),
        ("count\n5\n", "no_list", "Aucune colonne de liste"),
        ("A,B,count\n1,0,5\n0,2,3\n1,1,1\n", "not_binary", "seules les valeurs 0"),
        ("A,B,count\n1,0,5\n0,x,3\n1,1,1\n", "not_binary", "« x »"),
        ("A,B,count\n1,0,5\n0,1,2.5\n1,1,1\n", "count_not_integer", "non entier"),
        ("A,B,count\n1,0,5\n0,1,abc\n1,1,1\n", "count_not_integer", "nombre entier"),
        ("A,B,count\n1,0,5\n0,1,\n1,1,1\n", "count_not_integer", "(vide)"),
        ("A,B,count\n1,0,5\n0,1,-3\n1,1,1\n", "count_negative", "négatif"),
        ("A,B,count\n1,0,5\n0,0,3\n1,1,1\n", "all_zero_row", "chiffre noir"),
        ("A,B,count\n1,0,5\n0,1,3\n1,0,2\n1,1,1\n", "duplicate_pattern", "Lignes 2 et 4"),
        ("A,B,C,count\n1,0,0,5\n0,1,0,3\n1,1,0,1\n", "empty_list", "« C » ne contient personne"),
        ("A,B,C,count\n1,0,0,5\n", "empty_list", "Les listes « B », « C »"),
        ("A,B,C,count\n1,0,0,5\n0,1,0,3\n0,0,1,4\n", "no_overlap", "plus d'une liste"),
        ("A,B,count\n1,0,0\n0,1,0\n", "no_data", "nuls"),
        ("A,B,count\n1,0\n", "row_length", "colonnes au lieu de"),
        ("A,A,count\n1,0,1\n", "duplicate_list", "deux fois"),
        ("A,,count\n1,0,1\n", "unnamed_list", "pas de nom"),
        ("A,B,count,COUNT\n1,0,1,1\n", "duplicate_count", "Plusieurs colonnes"),
    ],
)
def test_invalid_tables(text: str, code: str, fragment: str) -> None:
    err = _err(text)
    assert err.code == code
    assert fragment in str(err)


def test_too_many_lists() -> None:
    names = [f"L{i}" for i in range(MAX_LISTS + 1)]
    row = [1] * len(names)
    with pytest.raises(EstimationError) as exc:
        table_from_rows(names, [row], [3])
    assert exc.value.code == "too_many_lists"


def test_read_table_errors(tmp_path: Path) -> None:
    with pytest.raises(EstimationError) as exc:
        read_table(tmp_path / "absent.csv")
    assert exc.value.code == "file_not_found"
    assert "introuvable" in str(exc.value)
    with pytest.raises(EstimationError) as exc:
        read_table(tmp_path)
    assert "dossier" in str(exc.value)
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(EstimationError) as exc:
        read_table(binary)
    assert exc.value.code == "bad_csv"


def test_read_table_cp1252_and_file_object(tmp_path: Path) -> None:
    p = tmp_path / "latin.csv"
    p.write_bytes("Préfecture,Hôpital,count\n1,0,4\n0,1,5\n1,1,2\n".encode("cp1252"))
    t = read_table(p)
    assert t.lists == ("Préfecture", "Hôpital")
    assert t.source == "latin.csv"
    with p.open("rb") as fh:
        assert read_table(fh).n_observed == 11


def test_table_from_mapping_and_memberships() -> None:
    t = table_from_mapping(["A", "B"], {(1, 0): 12, (0, 1): 30, (1, 1): 4})
    assert t.n_observed == 46
    people = [{"A"}, {"A", "B"}, {"B"}, {"B"}, set(), ("A",)]
    t2 = table_from_memberships(["A", "B"], people)
    assert t2.n_observed == 5
    assert t2.overlap_matrix().tolist() == [[3, 1], [1, 3]]
    t3 = table_from_memberships(["A", "B"], [(True, False), (True, True)])
    assert t3.counts.sum() == 2
    with pytest.raises(EstimationError):
        table_from_memberships(["A", "B"], [{"Z"}])
    with pytest.raises(EstimationError):
        table_from_memberships(["A", "B"], [set()])


def test_remove_noninformative_lists() -> None:
    # D duplicates A, E contains everybody
    t = table_from_rows(
        ["A", "B", "C", "D", "E"],
        [[1, 0, 0, 1, 1], [0, 1, 0, 0, 1], [0, 0, 1, 0, 1], [1, 1, 0, 1, 1], [0, 1, 1, 0, 1]],
        [10, 20, 30, 4, 5],
    )
    t2, removed = remove_noninformative_lists(t)
    assert t2.lists == ("A", "B", "C")
    assert [r.name for r in removed] == ["D", "E"]
    assert "identique" in removed[0].reason and "toutes les personnes" in removed[1].reason
    assert t2.n_observed == t.n_observed
    same, none = remove_noninformative_lists(t2)
    assert same is t2 and none == []


def test_remove_noninformative_lists_too_few_left() -> None:
    t = table_from_rows(["A", "B"], [[1, 1], [1, 0]], [3, 4])  # A contains everybody
    with pytest.raises(EstimationError) as exc:
        remove_noninformative_lists(t)
    assert exc.value.code == "too_few_informative_lists"


@needs_data
@pytest.mark.parametrize("name", DATASETS)
def test_reference_tables_roundtrip(name: str) -> None:
    t = load(name)
    assert np.array_equal(parse_csv_text(t.to_csv()).cell_counts(), t.cell_counts())
    assert remove_noninformative_lists(t)[1] == []
