"""parcours-linkage-keys: compute the pseudonymous linkage keys of a structure's list, on its own machine.

Reads a CSV (columns nom, prenom, date_naissance [JJ/MM/AAAA or AAAA-MM-JJ], sexe [F, M, autre], and
optionally en_ligne [oui/non]); writes a CSV with only the key and the non-identifying attributes (age band
and minor at the campaign's reference date, sex code, seen online). The secret phrase is asked for on the
terminal (or read from PARCOURS_CAMPAIGN_PHRASE), never taken as an argument (it would stay in the shell
history). Names never leave the machine: upload the output file in Parcours.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import os
import sys
from datetime import date, datetime

from .linkage import LinkageError, age_band, age_on, derive_key, linkage_key, sex_code

REQUIRED = ("nom", "prenom", "date_naissance", "sexe")
YES = {"oui", "o", "yes", "y", "1", "vrai", "x"}


def parse_date(value: str) -> date:
    value = (value or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise LinkageError("date de naissance illisible (attendu JJ/MM/AAAA)")


def convert(rows, key: bytes, reference: date) -> tuple[list[dict], list[str]]:
    out, problems = [], []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
        try:
            born = parse_date(row.get("date_naissance", ""))
            if born > reference:
                raise LinkageError("date de naissance postérieure à la date de référence")
            digest = linkage_key(key, row.get("nom", ""), row.get("prenom", ""), born, row.get("sexe", ""))
        except LinkageError as error:
            problems.append(f"ligne {number} : {error}")  # never the row's content
            continue
        out.append(
            {
                "cle": digest,
                "tranche_age": age_band(born, reference),
                "mineur": "oui" if age_on(born, reference) < 18 else "non",
                "sexe": sex_code(row.get("sexe", "")),
                "en_ligne": "oui" if row.get("en_ligne", "").strip().lower() in YES else "non",
            }
        )
    return out, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parcours-linkage-keys", description=__doc__.splitlines()[0])
    parser.add_argument(
        "input", help="fichier CSV de la structure (nom, prenom, date_naissance, sexe, en_ligne)"
    )
    parser.add_argument("output", help="fichier CSV à produire (clés seulement)")
    parser.add_argument("--campagne", required=True, help="code de la campagne (affiché dans Parcours)")
    parser.add_argument(
        "--date-reference", required=True, help="date de référence de la campagne (AAAA-MM-JJ)"
    )
    args = parser.parse_args(argv)
    try:
        reference = date.fromisoformat(args.date_reference)
    except ValueError:
        print("Date de référence illisible (attendu AAAA-MM-JJ).", file=sys.stderr)
        return 2
    phrase = os.environ.get("PARCOURS_CAMPAIGN_PHRASE") or getpass.getpass("Phrase secrète de la campagne : ")
    try:
        key = derive_key(phrase, args.campagne)
        with open(args.input, newline="", encoding="utf-8-sig") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
            reader = csv.DictReader(handle, dialect=dialect)
            missing = [
                c for c in REQUIRED if c not in {(f or "").strip().lower() for f in reader.fieldnames or []}
            ]
            if missing:
                print(f"Colonnes manquantes : {', '.join(missing)}.", file=sys.stderr)
                return 2
            rows, problems = convert(reader, key, reference)
    except LinkageError as error:
        print(str(error), file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        print(f"Fichier illisible : {type(error).__name__}.", file=sys.stderr)
        return 2
    with open(args.output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["cle", "tranche_age", "mineur", "sexe", "en_ligne"])
        writer.writeheader()
        writer.writerows(rows)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(rows)} clés écrites dans {args.output} ; {len(problems)} ligne(s) écartée(s).")
    return 0 if rows or not problems else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
