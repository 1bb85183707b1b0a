"""Command-line tools of the diagnostic's linkage (LK2), run on a structure's or a statistician's own machine.

- `parcours-linkage-keys LISTE.csv CLES.csv --campagne CODE --date-reference AAAA-MM-JJ [--ordre-date jj/mm]`
  computes the keys of a structure's list and writes the keys file (v2) to upload in Parcours.
- `parcours-link-estimate --campagne CODE --date-reference AAAA-MM-JJ L1.csv ... Lk.csv [--json]` reads the
  raw lists of several structures, computes the keys exactly as the browsers do, links them exactly as the
  server does and estimates exactly as the report does (local use by a statistician).

Input lists: CSV (`;`, `,` or tab), UTF-8 or Windows-1252, columns nom, prenom, date_naissance (JJ/MM/AAAA,
MM/JJ/AAAA with --ordre-date mm/jj, AAAA-MM-JJ or AAAA alone), sexe (F, M, autre) and optionally en_ligne
(oui/non). The secret phrase is read from PARCOURS_CAMPAIGN_PHRASE or asked on the terminal, never taken as
an argument (it would stay in the shell history). No name, date or row content is ever printed or written:
a row set aside is reported by its line number and reason only.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NoReturn

from . import linkage
from .linkage import (
    AMBIGUOUS,
    DM,
    INCONSISTENT,
    MD,
    REASONS,
    LinkageError,
    Record,
    SetAside,
    age_band,
    date_order_evidence,
    derive_key,
    is_minor,
    parse_date,
    person_keys,
    sex_code,
)
from .rules import MAX_LIST_ROWS, MIN_LISTS_FOR_ESTIMATE

REQUIRED = ("nom", "prenom", "date_naissance", "sexe")
YES = {"oui", "o", "yes", "y", "1", "vrai", "x", "true"}
KEYS_HEADER = ("cles", "tranche_age", "mineur", "sexe", "en_ligne")
ORDERS = {"jj/mm": DM, "mm/jj": MD}
ENCODINGS = ("utf-8-sig", "cp1252")  # a spreadsheet's "CSV UTF-8", then Excel's French "CSV"
MAX_LINES_SHOWN = 30
EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """Bad input: the French message is printed on stderr, the exit status is 2, nothing is written."""


class _FrenchParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for en, fr in {
            "the following arguments are required": "argument obligatoire manquant",
            "unrecognized arguments": "arguments non reconnus",
            "invalid int value": "nombre entier invalide",
            "invalid choice": "valeur non reconnue",
            "expected one argument": "une valeur est attendue",
        }.items():
            message = message.replace(en, fr)
        self.print_usage(sys.stderr)
        sys.stderr.write(f"Erreur : {message}\n")
        sys.exit(EXIT_BAD_INPUT)


# --- Reading a list ---------------------------------------------------------------------------------------


def decode(data: bytes, label: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise CliError(f"{label} : ce n'est pas un fichier CSV (un classeur ? enregistrez-le « CSV UTF-8 »).")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CliError(f"{label} : encodage non reconnu (enregistrez le fichier en « CSV UTF-8 »).")


@dataclass
class RawList:
    label: str
    rows: list[tuple[int, dict[str, str]]]  # (line number, row with lower-cased column names)


def read_list(path: str, label: str) -> RawList:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CliError(f"{label} : fichier illisible ({type(error).__name__}).") from error
    text = decode(data, label)
    if not text.strip():
        raise CliError(f"{label} : le fichier est vide.")
    try:
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        columns = {(f or "").strip().lower() for f in reader.fieldnames or []}
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise CliError(f"{label} : colonnes manquantes : {', '.join(missing)}.")
        rows = []
        for row in reader:
            cleaned = {(k or "").strip().lower(): (v if isinstance(v, str) else "") for k, v in row.items()}
            if any(value.strip() for value in cleaned.values()):
                rows.append((reader.line_num, cleaned))
            if len(rows) > MAX_LIST_ROWS:
                raise CliError(
                    f"{label} : la liste dépasse {MAX_LIST_ROWS} personnes (la limite d'une liste dans "
                    "Parcours) : découpez-la."
                )
    except csv.Error as error:
        raise CliError(f"{label} : fichier CSV illisible.") from error
    return RawList(label, rows)


def choose_order(raw: RawList, option: str | None) -> tuple[str, list[str]]:
    """The day/month order of the list's dates, and the warnings to show (docs/diagnostic.md)."""
    evidence = date_order_evidence(row.get("date_naissance", "") for _, row in raw.rows)
    if option is not None:
        order = ORDERS[option]
        if evidence in (DM, MD) and evidence != order:
            raise CliError(
                f"{raw.label} : les dates du fichier sont au format "
                f"{'JJ/MM/AAAA' if evidence == DM else 'MM/JJ/AAAA'}, contrairement à --ordre-date {option}."
            )
        return order, []
    if evidence == INCONSISTENT:
        raise CliError(
            f"{raw.label} : les dates mélangent JJ/MM/AAAA et MM/JJ/AAAA (certaines ont un premier nombre "
            "supérieur à 12, d'autres un second) : corrigez le fichier ou choisissez l'ordre avec "
            "--ordre-date jj/mm ou --ordre-date mm/jj (les dates incompatibles seront écartées)."
        )
    if evidence == MD:
        raise CliError(
            f"{raw.label} : les dates semblent écrites MM/JJ/AAAA (mois d'abord) : confirmez l'ordre avec "
            "--ordre-date mm/jj (ou --ordre-date jj/mm si ce n'est pas le cas)."
        )
    if evidence == AMBIGUOUS:
        return DM, [
            f"{raw.label} : aucune date ne permet de savoir si le jour ou le mois vient en premier ; "
            "elles sont lues JJ/MM/AAAA (précisez --ordre-date mm/jj si ce n'est pas le cas)."
        ]
    return DM, []


@dataclass
class KeyedList:
    label: str
    rows: list[dict] = field(default_factory=list)  # keys and attributes only
    set_aside: dict[str, list[int]] = field(default_factory=dict)  # reason -> line numbers
    order: str = DM
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_set_aside(self) -> int:
        return sum(len(lines) for lines in self.set_aside.values())

    def reason_counts(self) -> dict[str, int]:
        return {reason: len(self.set_aside[reason]) for reason in REASONS if reason in self.set_aside}


def key_list(raw: RawList, key: bytes, reference: date, option: str | None) -> KeyedList:
    order, warnings = choose_order(raw, option)
    out = KeyedList(raw.label, order=order, warnings=warnings)
    for number, row in raw.rows:
        try:
            born = parse_date(row.get("date_naissance", ""), order)
            keys = person_keys(key, row.get("nom", ""), row.get("prenom", ""), born, reference=reference)
        except SetAside as error:
            out.set_aside.setdefault(error.reason, []).append(number)  # never the row's content
            continue
        out.rows.append(
            {
                "keys": keys,
                "tranche_age": age_band(born, reference),
                "mineur": "oui" if is_minor(born, reference) else "non",
                "sexe": sex_code(row.get("sexe", "")),
                "en_ligne": "oui" if row.get("en_ligne", "").strip().lower() in YES else "non",
                "full_date": isinstance(born, date),
            }
        )
    return out


def keys_file(keyed: KeyedList) -> str:
    """The keys file v2: `#LK2 lignes_ecartees=N[;raison=n...]`, then the CSV header KEYS_HEADER."""
    first = f"#LK2 lignes_ecartees={keyed.rows_set_aside}"
    first += "".join(f";{reason}={count}" for reason, count in keyed.reason_counts().items())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(KEYS_HEADER)
    for row in keyed.rows:
        writer.writerow(
            [" ".join(row["keys"]), row["tranche_age"], row["mineur"], row["sexe"], row["en_ligne"]]
        )
    return f"{first}\n{buffer.getvalue()}"


def set_aside_lines(keyed: KeyedList) -> list[str]:
    lines = []
    for reason, numbers in keyed.set_aside.items():
        shown = ", ".join(str(n) for n in numbers[:MAX_LINES_SHOWN])
        more = f" (et {len(numbers) - MAX_LINES_SHOWN} autres)" if len(numbers) > MAX_LINES_SHOWN else ""
        lines.append(f"{keyed.label} : {len(numbers)} ligne(s) écartée(s), {REASONS[reason]} : {shown}{more}")
    return lines


def _reference(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CliError("Date de référence illisible (attendu AAAA-MM-JJ).") from error


def _key(campaign: str) -> bytes:
    phrase = os.environ.get("PARCOURS_CAMPAIGN_PHRASE")
    if phrase is None:
        phrase = getpass.getpass("Phrase secrète de la campagne : ")
    try:
        return derive_key(phrase, campaign)
    except LinkageError as error:
        raise CliError(str(error)) from error


def _run(body, argv) -> int:
    try:
        return body(argv)
    except CliError as error:
        sys.stderr.write(f"Erreur : {error}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("Interrompu.\n")
        return 130
    except Exception as error:  # pragma: no cover - a bug: no traceback, no message (it could quote a row)
        if os.environ.get("PARCOURS_DEBUG"):
            raise
        sys.stderr.write(f"Erreur interne inattendue ({type(error).__name__}).\n")
        return EXIT_INTERNAL


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--campagne", required=True, help="code de la campagne (affiché dans Parcours)")
    parser.add_argument(
        "--date-reference", required=True, help="date de référence de la campagne (AAAA-MM-JJ)"
    )
    parser.add_argument(
        "--ordre-date",
        choices=sorted(ORDERS),
        help="ordre du jour et du mois dans les dates JJ/MM/AAAA ou MM/JJ/AAAA (détecté sinon)",
    )


# --- parcours-linkage-keys --------------------------------------------------------------------------------


def _keys(argv) -> int:
    parser = _FrenchParser(prog="parcours-linkage-keys", description=__doc__.splitlines()[0])
    parser.add_argument(
        "input", help="fichier CSV de la structure (nom, prenom, date_naissance, sexe, en_ligne)"
    )
    parser.add_argument("output", help="fichier de clés à produire (clés seulement, à déposer dans Parcours)")
    _common_arguments(parser)
    args = parser.parse_args(argv)
    reference = _reference(args.date_reference)
    raw = read_list(args.input, "Liste")
    key = _key(args.campagne)
    keyed = key_list(raw, key, reference, args.ordre_date)
    if not keyed.rows:
        for line in set_aside_lines(keyed):
            sys.stderr.write(line + "\n")
        raise CliError("aucune ligne de la liste ne donne de clé : rien n'a été écrit.")
    try:
        Path(args.output).write_text(keys_file(keyed), encoding="utf-8")
    except OSError as error:
        raise CliError(f"impossible d'écrire le fichier de clés ({type(error).__name__}).") from error
    for line in keyed.warnings + set_aside_lines(keyed):
        sys.stderr.write(line + "\n")
    print(
        f"{len(keyed.rows)} personne(s) écrites dans {args.output} ; "
        f"{keyed.rows_set_aside} ligne(s) écartée(s)."
    )
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    return _run(_keys, argv)


# --- parcours-link-estimate -------------------------------------------------------------------------------


def _round(value):
    return None if value is None else round(float(value), 1)


def _estimate(argv) -> int:
    parser = _FrenchParser(
        prog="parcours-link-estimate",
        description="Rapproche les listes brutes de plusieurs structures (clés LK2) et estime leur "
        "population totale, comme le rapport du diagnostic ; n'écrit jamais aucun nom.",
    )
    parser.add_argument("listes", nargs="+", help="les listes des structures (CSV), dans l'ordre L1, L2...")
    _common_arguments(parser)
    parser.add_argument("--bootstrap", type=int, default=0, help="réplications bootstrap (intervalle BCa)")
    parser.add_argument("--json", action="store_true", help="résultat en JSON")
    args = parser.parse_args(argv)
    if len(args.listes) < MIN_LISTS_FOR_ESTIMATE:
        raise CliError(
            f"il faut au moins {MIN_LISTS_FOR_ESTIMATE} listes pour estimer le nombre de personnes qu'aucune "
            f"structure ne connaît ({len(args.listes)} donnée(s))."
        )
    if args.bootstrap < 0:
        raise CliError("--bootstrap doit être un nombre positif ou nul.")
    reference = _reference(args.date_reference)
    raws = [read_list(path, f"L{i}") for i, path in enumerate(args.listes, start=1)]
    key = _key(args.campagne)
    keyed = [key_list(raw, key, reference, args.ordre_date) for raw in raws]
    empty = [k.label for k in keyed if not k.rows]
    if empty:
        for line in [line for k in keyed for line in set_aside_lines(k)]:
            sys.stderr.write(line + "\n")
        raise CliError(f"aucune ligne ne donne de clé dans : {', '.join(empty)}.")
    records = [
        Record(
            index,
            frozenset(row["keys"]),
            row["sexe"],
            row["tranche_age"],
            row["en_ligne"] == "oui",
            row["full_date"],
        )
        for index, k in enumerate(keyed)
        for row in k.rows
    ]
    linked = linkage.link(records, n_lists=len(keyed))
    codes = [k.label for k in keyed]
    from parcours.estimation import EstimationError

    try:
        result = linkage.estimate_memberships(codes, linked.memberships, bootstrap=args.bootstrap)
    except EstimationError as error:
        raise CliError(error.message) from error
    reasons: Counter[str] = Counter()
    for k in keyed:
        reasons.update(k.reason_counts())
    warnings = [w for k in keyed for w in k.warnings] + list(result.warnings)
    output = {
        "scheme": linkage.SCHEME,
        "estimate": _round(result.estimate),
        "ci_low": _round(result.ci_low),
        "ci_high": _round(result.ci_high),
        "confidence": result.confidence,
        "interval_method": result.interval_method,
        "n_observed": result.n_observed,
        "dark_figure": _round(result.dark_figure),
        "sensitivity_range": [_round(v) for v in result.sensitivity_range],
        "model": list(result.model),
        "verdict": result.verdict,
        "warnings": warnings,
        "rows_read": sum(len(raw.rows) for raw in raws),
        "rows_set_aside": sum(k.rows_set_aside for k in keyed),
        "rows_set_aside_by_reason": {reason: reasons[reason] for reason in REASONS if reasons[reason]},
        "lists": [
            {
                "code": k.label,
                "rows": len(raw.rows),
                "rows_used": len(k.rows),
                "rows_set_aside": k.rows_set_aside,
                "rows_set_aside_by_reason": k.reason_counts(),
                "date_order": "jj/mm" if k.order == DM else "mm/jj",
            }
            for raw, k in zip(raws, keyed, strict=True)
        ],
        "linkage": {
            "records": len(records),
            "people": len(linked.clusters),
            "duplicates": linked.duplicates,
            "refused_same_list": linked.refused_same_list,
            "refused_sex": linked.refused_sex,
            "ambiguous_keys": linked.ambiguous_keys,
        },
    }
    for line in [line for k in keyed for line in set_aside_lines(k)]:
        sys.stderr.write(line + "\n")
    if args.json:
        json.dump(output, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(result.summary_fr())
        print(
            f"Lignes lues : {output['rows_read']} ; écartées : {output['rows_set_aside']} ; "
            f"personnes distinctes après rapprochement : {result.n_observed}."
        )
        for warning in warnings:
            print(f"Attention : {warning}")
    return EXIT_OK


def estimate_main(argv: list[str] | None = None) -> int:
    return _run(_estimate, argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
