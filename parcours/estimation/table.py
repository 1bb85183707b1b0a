"""Capture-history tables: reading, strict validation and cleaning.

A capture-history table (also called an incomplete contingency table) gives, for every
observed *pattern of presence* on ``t`` lists (sources), the number of distinct people with
exactly that pattern.  The all-zero pattern (people on no list: the *dark figure*) is by
construction never observed; it is what multiple systems estimation tries to estimate.

The CSV format is the one used by the SparseMSE R package (Chan, Silverman & Vincent, 2021):
one 0/1 column per list and a ``count`` column; only observed patterns need to be listed,
a missing pattern has count 0.

Every problem in the input raises :class:`~parcours.estimation.errors.EstimationError` with a
message in French; nothing here ever returns an absurd table.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import IO

import numpy as np

from .errors import EstimationError

#: Largest number of lists accepted: 2^10 - 1 = 1023 cells and 45 two-list terms.
MAX_LISTS = 10
#: Accepted names (case-insensitive) for the count column.
COUNT_COLUMN_NAMES = ("count", "effectif")

_INT_RE = re.compile(r"^\+?\d+$")


@lru_cache(maxsize=16)
def cell_matrix(n_lists: int) -> np.ndarray:
    """All 2^t - 1 observable patterns, in SparseMSE's order (read-only int8 array).

    Rows are ordered by number of lists, then lexicographically with the first list first:
    for three lists ``100, 010, 001, 110, 101, 011, 111``.
    """
    rows = []
    for k in range(1, n_lists + 1):
        for combo in combinations(range(n_lists), k):
            row = [0] * n_lists
            for i in combo:
                row[i] = 1
            rows.append(row)
    z = np.array(rows, dtype=np.int8).reshape(len(rows), n_lists)
    z.setflags(write=False)
    return z


@lru_cache(maxsize=16)
def _cell_index(n_lists: int) -> dict[int, int]:
    """Map a pattern's bit code (bit i set when on list i) to its row in :func:`cell_matrix`."""
    z = cell_matrix(n_lists)
    codes = z.astype(np.int64) @ (1 << np.arange(n_lists, dtype=np.int64))
    return {int(c): r for r, c in enumerate(codes)}


def _codes(patterns: np.ndarray) -> np.ndarray:
    t = patterns.shape[1]
    return patterns.astype(np.int64) @ (1 << np.arange(t, dtype=np.int64))


@dataclass(frozen=True, eq=False)
class CaptureTable:
    """A validated capture-history table.

    Attributes:
        lists: list (source) names, in column order.
        patterns: ``(k, t)`` int8 array of observed 0/1 patterns (no all-zero row, no duplicate).
        counts: ``(k,)`` int64 array of counts (>= 0).
        source: optional description of where the table came from (file name...).
    """

    lists: tuple[str, ...]
    patterns: np.ndarray
    counts: np.ndarray
    source: str | None = None

    # ----------------------------------------------------------------- basic figures
    @property
    def n_lists(self) -> int:
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        """Number of distinct people observed on at least one list."""
        return int(self.counts.sum())

    @property
    def n_histories(self) -> int:
        """Number of distinct observed patterns (rows with a positive count)."""
        return int((self.counts > 0).sum())

    def cell_counts(self) -> np.ndarray:
        """Counts of all 2^t - 1 observable cells, in :func:`cell_matrix` order (float64)."""
        index = _cell_index(self.n_lists)
        y = np.zeros(len(index), dtype=np.float64)
        for code, c in zip(_codes(self.patterns), self.counts, strict=True):
            y[index[int(code)]] += c
        return y

    def list_totals(self) -> np.ndarray:
        """Number of people on each list."""
        return self.counts @ self.patterns.astype(np.int64)

    def overlap_matrix(self) -> np.ndarray:
        """``t x t`` matrix: people on both list i and list j (diagonal: list totals)."""
        p = self.patterns.astype(np.int64)
        return (p * self.counts[:, None]).T @ p

    def capture_frequencies(self) -> np.ndarray:
        """``f[k]`` = number of people on exactly ``k`` lists, for ``k = 0..t`` (``f[0] = 0``)."""
        f = np.zeros(self.n_lists + 1, dtype=np.int64)
        np.add.at(f, self.patterns.sum(axis=1).astype(np.int64), self.counts)
        return f

    def pair_name(self, i: int, j: int) -> str:
        """SparseMSE name of the two-list term ``(i, j)``, e.g. ``"LA:NG"``."""
        return f"{self.lists[i]}:{self.lists[j]}"

    def with_counts(self, counts: np.ndarray) -> CaptureTable:
        """Same patterns with other counts (used by the bootstrap; counts may be zero).

        No validation is done: lists may become empty, which the estimation code handles as
        SparseMSE does.
        """
        return CaptureTable(self.lists, self.patterns, np.asarray(counts, dtype=np.int64), self.source)

    def as_rows(self) -> list[dict[str, int]]:
        """Rows as dictionaries ``{list: 0/1, ..., "count": n}`` (JSON friendly)."""
        out = []
        for row, c in zip(self.patterns.tolist(), self.counts.tolist(), strict=True):
            d = dict(zip(self.lists, row, strict=True))
            d["count"] = c
            out.append(d)
        return out

    def to_csv(self) -> str:
        """CSV text in the accepted input format (observed patterns only, SparseMSE order)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([*self.lists, "count"])
        y = self.cell_counts()
        for row, c in zip(cell_matrix(self.n_lists).tolist(), y.tolist(), strict=True):
            if c > 0:
                w.writerow([*row, int(c)])
        return buf.getvalue()

    def permuted(self, order: Sequence[int]) -> CaptureTable:
        """Same table with the lists reordered (``order`` gives old indices in new order)."""
        order = list(order)
        return CaptureTable(
            tuple(self.lists[i] for i in order),
            self.patterns[:, order].copy(),
            self.counts.copy(),
            self.source,
        )

    def __repr__(self) -> str:
        return (
            f"CaptureTable(lists={list(self.lists)!r}, n_observed={self.n_observed}, "
            f"n_histories={self.n_histories})"
        )


# ---------------------------------------------------------------------------- building


def _fmt_pattern(lists: Sequence[str], row: Sequence[int]) -> str:
    return ", ".join(f"{name}={v}" for name, v in zip(lists, row, strict=True))


def _check_list_names(lists: Sequence[str]) -> tuple[str, ...]:
    names = tuple(str(n).strip() for n in lists)
    if len(names) == 0:
        raise EstimationError(
            "Aucune colonne de liste : le tableau doit contenir une colonne 0/1 par liste "
            "en plus de la colonne « count ».",
            "no_list",
        )
    for k, name in enumerate(names, start=1):
        if not name:
            raise EstimationError(f"La colonne de liste n° {k} n'a pas de nom.", "unnamed_list")
    seen: dict[str, int] = {}
    for name in names:
        if name.casefold() in seen:
            raise EstimationError(f"La liste « {name} » apparaît deux fois dans l'en-tête.", "duplicate_list")
        seen[name.casefold()] = 1
    if len(names) == 1:
        raise EstimationError(
            f"Une seule liste (« {names[0]} ») : il faut au moins deux listes qui se recoupent "
            "pour estimer le nombre de personnes qu'aucune liste ne connaît.",
            "single_list",
        )
    if len(names) > MAX_LISTS:
        raise EstimationError(
            f"{len(names)} listes : au-delà de {MAX_LISTS} listes l'estimation n'est pas proposée "
            "(trop de combinaisons possibles). Regroupez des listes de même nature.",
            "too_many_lists",
        )
    return names


def table_from_rows(
    lists: Sequence[str],
    rows: Iterable[Sequence[object]],
    counts: Iterable[object],
    *,
    source: str | None = None,
    line_numbers: Sequence[int] | None = None,
) -> CaptureTable:
    """Build and strictly validate a table from 0/1 rows and counts.

    ``rows[k]`` gives the pattern of row ``k`` (one value per list), ``counts[k]`` its count.
    Values may be ints, bools or strings (``"0"``/``"1"``; counts as integer strings).
    ``line_numbers`` (for messages) defaults to 1-based row numbers.

    Raises:
        EstimationError: with a French message for any invalid input.
    """
    names = _check_list_names(lists)
    t = len(names)
    rows = list(rows)
    counts = list(counts)
    if len(rows) != len(counts):  # pragma: no cover - programming error
        raise EstimationError("Nombre de profils et nombre d'effectifs différents.", "shape")
    if not rows:
        raise EstimationError("Le tableau est vide : aucune ligne de données.", "empty_table")
    if line_numbers is None:
        line_numbers = list(range(1, len(rows) + 1))
    label = "Ligne" if source is not None else "Ligne"

    pat = np.zeros((len(rows), t), dtype=np.int8)
    cnt = np.zeros(len(rows), dtype=np.int64)
    for k, (row, c, ln) in enumerate(zip(rows, counts, line_numbers, strict=True)):
        row = list(row)
        if len(row) != t:
            raise EstimationError(f"{label} {ln} : {len(row)} valeurs de liste au lieu de {t}.", "row_length")
        for i, v in enumerate(row):
            pat[k, i] = _parse_binary(v, ln, names[i])
        cnt[k] = _parse_count(c, ln)

    # duplicate patterns and all-zero rows
    codes = _codes(pat)
    first_line: dict[int, int] = {}
    for k, code in enumerate(codes.tolist()):
        if code == 0:
            raise EstimationError(
                f"{label} {line_numbers[k]} : profil sans aucune liste (toutes les colonnes à 0). "
                "Les personnes absentes de toutes les listes ne peuvent pas figurer dans le tableau : "
                "c'est précisément ce chiffre noir que l'on cherche à estimer.",
                "all_zero_row",
            )
        if code in first_line:
            raise EstimationError(
                f"Lignes {first_line[code]} et {line_numbers[k]} : le même profil de présence "
                f"({_fmt_pattern(names, pat[k].tolist())}) figure deux fois. "
                "Chaque profil ne doit apparaître qu'une seule fois ; additionnez les effectifs.",
                "duplicate_pattern",
            )
        first_line[code] = line_numbers[k]

    table = CaptureTable(names, pat, cnt, source)
    _check_content(table)
    return table


def _parse_binary(v: object, line: int, list_name: str) -> int:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, np.integer)) and int(v) in (0, 1):
        return int(v)
    if isinstance(v, (float, np.floating)) and float(v) in (0.0, 1.0):
        return int(v)
    s = str(v).strip()
    if s in ("0", "1"):
        return int(s)
    shown = s if s else "(vide)"
    raise EstimationError(
        f"Ligne {line}, colonne « {list_name} » : valeur « {shown} » invalide ; "
        "seules les valeurs 0 (absent de la liste) et 1 (présent) sont admises.",
        "not_binary",
    )


def _parse_count(c: object, line: int) -> int:
    value: float | int | None = None
    if isinstance(c, bool):
        value = None
    elif isinstance(c, (int, np.integer)):
        value = int(c)
    elif isinstance(c, (float, np.floating)):
        value = float(c)
    else:
        s = str(c).strip()
        if _INT_RE.match(s):
            value = int(s)
        elif s.startswith("-") and _INT_RE.match(s[1:]):
            value = -int(s[1:])
        else:
            try:
                value = float(s)
            except ValueError:
                value = None
    shown = str(c).strip() or "(vide)"
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        raise EstimationError(
            f"Ligne {line} : effectif « {shown} » invalide ; un effectif doit être un nombre entier "
            "de personnes (0, 1, 2…).",
            "count_not_integer",
        )
    if value < 0:
        raise EstimationError(
            f"Ligne {line} : effectif négatif ({shown}) ; un nombre de personnes ne peut pas être négatif.",
            "count_negative",
        )
    if isinstance(value, float):
        if not value.is_integer():
            raise EstimationError(
                f"Ligne {line} : effectif « {shown} » non entier ; un effectif doit être un nombre "
                "entier de personnes.",
                "count_not_integer",
            )
        value = int(value)
    if value > 10**9:
        raise EstimationError(f"Ligne {line} : effectif « {shown} » invraisemblable.", "count_too_large")
    return int(value)


def _check_content(table: CaptureTable) -> None:
    """Semantic checks: something observed, every list used, some overlap between lists."""
    if table.n_observed == 0:
        raise EstimationError("Tous les effectifs sont nuls : aucune personne observée.", "no_data")
    totals = table.list_totals()
    empty = [name for name, n in zip(table.lists, totals.tolist(), strict=True) if n == 0]
    if empty:
        which = ", ".join(f"« {e} »" for e in empty)
        plural = len(empty) > 1
        raise EstimationError(
            (f"Les listes {which} ne contiennent" if plural else f"La liste {which} ne contient")
            + " personne : "
            + ("retirez-les" if plural else "retirez-la")
            + " du tableau (une liste vide n'apporte aucune information sur le chiffre noir).",
            "empty_list",
        )
    multi = int(table.counts[table.patterns.sum(axis=1) >= 2].sum())
    if multi == 0:
        raise EstimationError(
            "Aucune personne n'apparaît sur plus d'une liste : sans recoupement entre les listes, "
            "le chiffre noir ne peut pas être estimé (l'estimation serait infinie).",
            "no_overlap",
        )


def table_from_mapping(
    lists: Sequence[str], counts: Mapping[Sequence[int], int], *, source: str | None = None
) -> CaptureTable:
    """Build a table from ``{pattern: count}``, e.g. ``{(1, 0): 12, (0, 1): 30, (1, 1): 4}``."""
    items = list(counts.items())
    return table_from_rows(lists, [k for k, _ in items], [v for _, v in items], source=source)


def table_from_memberships(
    lists: Sequence[str], memberships: Iterable[Iterable[str] | Sequence[bool]], *, source: str | None = None
) -> CaptureTable:
    """Aggregate one record per person into a table.

    Each element of ``memberships`` describes one distinct person (linkage is assumed to be
    already done), either as the collection of list names the person appears on, or as a
    sequence of booleans in ``lists`` order.  People on no list are ignored.
    """
    names = _check_list_names(lists)
    position = {n: i for i, n in enumerate(names)}
    agg: dict[tuple[int, ...], int] = {}
    for m in memberships:
        m = list(m)
        if m and all(isinstance(x, (bool, np.bool_, int, np.integer)) for x in m) and len(m) == len(names):
            row = tuple(int(bool(x)) for x in m)
        else:
            row_l = [0] * len(names)
            for name in m:
                if name not in position:
                    raise EstimationError(f"Liste inconnue « {name} ».", "unknown_list")
                row_l[position[name]] = 1
            row = tuple(row_l)
        if any(row):
            agg[row] = agg.get(row, 0) + 1
    if not agg:
        raise EstimationError("Aucune personne présente sur au moins une liste.", "empty_table")
    return table_from_mapping(names, agg, source=source)


# ---------------------------------------------------------------------------- CSV


def parse_csv_text(text: str, *, source: str | None = None) -> CaptureTable:
    """Parse CSV text (separator ``,``, ``;`` or tab, detected from the header line)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise EstimationError("Le fichier est vide.", "empty_table")
    header_line = numbered[0][1]
    delimiter = max((";", ",", "\t"), key=header_line.count)
    if header_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader([line for _, line in numbered], delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise EstimationError(f"Fichier CSV illisible : {exc}.", "bad_csv") from exc
    header = [h.strip() for h in records[0]]
    count_cols = [k for k, h in enumerate(header) if h.casefold() in COUNT_COLUMN_NAMES]
    if not count_cols:
        raise EstimationError(
            "Colonne « count » absente : la première ligne doit nommer une colonne par liste puis une "
            "colonne « count » donnant le nombre de personnes ayant chaque profil de présence.",
            "missing_count",
        )
    if len(count_cols) > 1:
        raise EstimationError("Plusieurs colonnes « count » dans l'en-tête.", "duplicate_count")
    ci = count_cols[0]
    list_cols = [k for k in range(len(header)) if k != ci]
    names = [header[k] for k in list_cols]
    _check_list_names(names)
    rows, counts, line_numbers = [], [], []
    for (ln, _), rec in zip(numbered[1:], records[1:], strict=True):
        if len(rec) != len(header):
            raise EstimationError(
                f"Ligne {ln} : {len(rec)} colonnes au lieu de {len(header)} (séparateur « {delimiter} »).",
                "row_length",
            )
        rows.append([rec[k] for k in list_cols])
        counts.append(rec[ci])
        line_numbers.append(ln)
    if not rows:
        raise EstimationError(
            "Le tableau est vide : l'en-tête est présent mais aucune ligne de données.", "empty_table"
        )
    return table_from_rows(names, rows, counts, source=source, line_numbers=line_numbers)


def read_table(file: str | os.PathLike[str] | IO[str] | IO[bytes]) -> CaptureTable:
    """Read and validate a capture-history CSV file (path or open file, UTF-8).

    Raises:
        EstimationError: file missing/unreadable or table invalid (French message).
    """
    if hasattr(file, "read"):
        data = file.read()  # type: ignore[union-attr]
        source = getattr(file, "name", None)
    else:
        path = Path(file)
        source = path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise EstimationError(f"Fichier introuvable : {path}.", "file_not_found") from exc
        except IsADirectoryError as exc:
            raise EstimationError(
                f"« {path} » est un dossier, pas un fichier CSV.", "file_not_found"
            ) from exc
        except OSError as exc:
            raise EstimationError(f"Impossible de lire le fichier {path} : {exc.strerror}.", "io") from exc
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:  # pragma: no cover - cp1252 decodes almost anything
                raise EstimationError(
                    "Le fichier n'est pas un texte CSV lisible (encodage inconnu).", "bad_csv"
                ) from exc
        if "\x00" in text:
            raise EstimationError("Le fichier n'est pas un fichier texte CSV.", "bad_csv")
    else:
        text = data
    return parse_csv_text(text, source=source)


# ---------------------------------------------------------------------------- cleaning


@dataclass(frozen=True)
class RemovedList:
    """A list dropped by :func:`remove_noninformative_lists`, with the reason in French."""

    name: str
    reason: str


def remove_noninformative_lists(table: CaptureTable) -> tuple[CaptureTable, list[RemovedList]]:
    """Drop lists that carry no information, as SparseMSE's ``removenoninformativelists``.

    Removed, in this order: a list identical to an earlier list (same people), a list that
    contains nobody, a list that contains every observed person.  People left on no list by a
    removal are dropped from the table (they belong to the dark figure of the other lists).
    Unlike SparseMSE, the cleaning is repeated until nothing changes, since a removal can make
    another list non-informative.  Raises :class:`EstimationError` if fewer than two lists
    remain.
    """
    all_removed: list[RemovedList] = []
    while True:
        table, removed = _remove_once(table, all_removed)
        if not removed:
            return table, all_removed
        all_removed.extend(removed)


def _remove_once(table: CaptureTable, before: list[RemovedList]) -> tuple[CaptureTable, list[RemovedList]]:
    removed: list[RemovedList] = []
    keep: list[int] = []
    pats = table.patterns.astype(np.int64)
    w = table.counts
    # columns compared on rows with a positive count (zero rows carry nobody)
    pos = w > 0
    for i in range(table.n_lists):
        dup = next((j for j in keep if np.array_equal(pats[pos, i], pats[pos, j])), None)
        if dup is not None:
            removed.append(
                RemovedList(
                    table.lists[i],
                    f"identique à la liste « {table.lists[dup]} » (mêmes personnes) : doublon retiré",
                )
            )
            continue
        keep.append(i)
    totals = table.list_totals()
    n = table.n_observed
    keep2 = []
    for i in keep:
        if totals[i] == 0:
            removed.append(RemovedList(table.lists[i], "ne contient personne"))
        elif totals[i] == n:
            removed.append(
                RemovedList(
                    table.lists[i],
                    "contient toutes les personnes observées (elle ne permet aucun recoupement utile)",
                )
            )
        else:
            keep2.append(i)
    if not removed:
        return table, []
    if len(keep2) < 2:
        raise EstimationError(
            "Après retrait des listes non informatives ("
            + "; ".join(f"« {r.name} » {r.reason}" for r in [*before, *removed])
            + "), il reste moins de deux listes : estimation impossible.",
            "too_few_informative_lists",
        )
    sub = pats[:, keep2]
    agg: dict[tuple[int, ...], int] = {}
    for row, c in zip(map(tuple, sub.tolist()), w.tolist(), strict=True):
        if any(row):
            agg[row] = agg.get(row, 0) + c
    new = table_from_rows(
        [table.lists[i] for i in keep2], list(agg.keys()), list(agg.values()), source=table.source
    )
    return new, removed
