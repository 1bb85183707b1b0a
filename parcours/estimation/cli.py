"""Command line: ``parcours-estimate FICHIER.csv`` / ``python -m parcours.estimation FICHIER.csv``.

Prints the estimate, its interval, the selected model and the warnings in French; ``--json``
prints a JSON object with (at least) the keys ``estimate``, ``ci_low``, ``ci_high``, ``model``
and ``method``.  Invalid input: French message on stderr, exit status 2, no traceback.

Heavy modules (numpy, scipy) are imported only once the arguments are parsed, so that
``--help`` and argument errors are instantaneous.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


class _FrenchParser(argparse.ArgumentParser):
    """argparse with French error messages and exit status 2."""

    def error(self, message: str) -> NoReturn:
        translations = {
            "the following arguments are required": "argument obligatoire manquant",
            "unrecognized arguments": "arguments non reconnus",
            "invalid int value": "nombre entier invalide",
            "invalid float value": "nombre décimal invalide",
            "expected one argument": "une valeur est attendue",
            "invalid _rates value": "valeur invalide",
        }
        for en, fr in translations.items():
            message = message.replace(en, fr)
        self.print_usage(sys.stderr)
        sys.stderr.write(f"Erreur : {message}\n")
        sys.exit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    p = _FrenchParser(
        prog="parcours-estimate",
        description=(
            "Estime le nombre total de personnes (connues et inconnues de toutes les listes) à partir "
            "des recoupements entre plusieurs listes : estimation par systèmes multiples "
            "(méthode SparseMSE, sélection pas à pas)."
        ),
        epilog=(
            "Format du fichier : une colonne 0/1 par liste puis une colonne « count » donnant le nombre "
            "de personnes ayant ce profil de présence ; séparateur virgule ou point-virgule."
        ),
        add_help=False,
    )
    p.add_argument(
        "fichier", metavar="FICHIER.csv", help="tableau des profils de présence (« - » : entrée standard)"
    )
    p.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
    p.add_argument(
        "--json", action="store_true", help="sortie JSON (clés estimate, ci_low, ci_high, model, method…)"
    )
    p.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="N",
        help="intervalle bootstrap BCa avec N réplications (par exemple 1000 ; 0 par défaut : "
        "intervalle normal)",
    )
    p.add_argument(
        "--graine", "--seed", dest="seed", type=int, default=1234, help="graine du bootstrap (1234)"
    )
    p.add_argument(
        "--seuil",
        "--pthresh",
        dest="pthresh",
        type=float,
        default=0.02,
        help="seuil p de la sélection pas à pas (0,02)",
    )
    p.add_argument(
        "--confiance",
        "--confidence",
        dest="confidence",
        type=float,
        default=0.95,
        help="niveau de confiance (0,95)",
    )
    p.add_argument(
        "--taux-non-rapprochement",
        "--split-rates",
        dest="split_rates",
        type=_rates,
        default=None,
        metavar="T1,T2,…",
        help="taux de non-rapprochement supposés pour le tableau de sensibilité (0,0.05,0.1,0.2 par défaut ; "
        "« aucun » pour ne pas le calculer)",
    )
    p.add_argument(
        "--details", action="store_true", help="afficher les étapes et les modèles de la fenêtre d'Occam"
    )
    p.add_argument(
        "--verifier-modeles",
        "--check-all-models",
        dest="check_all",
        action="store_true",
        help="vérifier l'existence de l'estimation pour tous les modèles (checkallmodels)",
    )
    return p


def _rates(text: str) -> tuple[float, ...]:
    """``"0,0.05,0.1"`` -> ``(0.0, 0.05, 0.1)``; ``"aucun"`` -> ``()``."""
    if text.strip().lower() in ("aucun", "none", ""):
        return ()
    try:
        return tuple(float(x) for x in text.replace(";", ",").split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"taux invalides « {text} » : nombres séparés par des virgules, par exemple 0,0.05,0.1"
        ) from exc


def _fmt(v: float | None) -> str:
    from .sensitivity import fmt_int

    return fmt_int(v)  # type: ignore[arg-type]


def _print_text(result: object, out: TextIO, details: bool) -> None:
    from .analysis import AnalysisResult
    from .sensitivity import fmt_dec

    assert isinstance(result, AnalysisResult)
    r = result
    pct = f"{r.confidence * 100:g}"
    src = f"Fichier : {r.source}\n" if r.source else ""
    out.write("Estimation par systèmes multiples (capture-recapture)\n")
    out.write(src)
    out.write(
        f"Listes ({len(r.lists)}) : {', '.join(r.lists)} — {_fmt(r.n_observed)} personnes observées "
        "sur au moins une liste\n\n"
    )
    out.write(f"Estimation du total : {_fmt(r.estimate)} personnes\n")
    out.write(
        f"Intervalle de confiance à {pct} % : {_fmt(r.ci_low)} – {_fmt(r.ci_high)} ({r.interval_method})\n"
    )
    if r.bootstrap is not None:
        out.write(f"Intervalle normal (pour comparaison) : {_fmt(r.normal_ci[0])} – {_fmt(r.normal_ci[1])}\n")
    out.write(f"Chiffre noir estimé (personnes absentes de toutes les listes) : {_fmt(r.dark_figure)}\n")
    selected = (
        "effets principaux + " + ", ".join(r.model)
        if r.model
        else "effets principaux (indépendance des listes)"
    )
    out.write(f"Modèle retenu : {selected}\n")
    out.write(f"Méthode : {r.method}\n")
    s = r.sensitivity
    out.write(
        f"Sensibilité au modèle : de {_fmt(s.min_estimate)} à {_fmt(s.max_estimate)} "
        f"(fenêtre d'Occam : {s.n_models_window} modèle(s) dont le BIC est à moins de {fmt_dec(s.threshold)} "
        f"du meilleur, sur {_fmt(s.n_models_examined)} examinés)\n"
    )
    if r.model_average is not None and r.model_average.n_models:
        ma = r.model_average
        out.write(
            f"Moyenne sur les modèles de la fenêtre : {_fmt(ma.estimate)} "
            f"(intervalle à {pct} % : {_fmt(ma.ci_low)} – {_fmt(ma.ci_high)})\n"
        )
    if r.linkage is not None:
        out.write(
            "Si une partie des enregistrements n'a pas été rapprochée (personnes comptées deux fois) :\n"
        )
        for x in r.linkage.rates:
            rate = f"{x.rate * 100:g} %".replace(".", ",")
            if x.estimate is None:
                out.write(f"  {rate} : pas d'estimation ({x.error})\n")
            else:
                out.write(f"  {rate} : {_fmt(x.estimate)} ({_fmt(x.ci_low)} – {_fmt(x.ci_high)})\n")
    out.write(f"\nVerdict : {r.verdict}\n")
    if r.warnings:
        out.write("Avertissements :\n")
        for w in r.warnings:
            out.write(f"  - {w}\n")
    out.write("\nAutres estimateurs (pour comparaison) :\n")
    if r.main_effects is not None:
        m = r.main_effects
        out.write(
            f"  Indépendance (effets principaux) : {_fmt(m.estimate)} "
            f"({_fmt(m.ci_low)} – {_fmt(m.ci_high)})\n"
        )
    if r.all_two_way is not None:
        a = r.all_two_way
        out.write(
            f"  Toutes les interactions d'ordre deux : {_fmt(a.estimate)} "
            f"({_fmt(a.ci_low)} – {_fmt(a.ci_high)})\n"
        )
    else:
        out.write("  Toutes les interactions d'ordre deux : non estimable\n")
    if r.chao is not None:
        c = r.chao
        out.write(f"  {c.method} : {_fmt(c.estimate)} ({_fmt(c.ci_low)} – {_fmt(c.ci_high)})\n")
    mh = r.rcapture.get("Mh Chao (LB)")
    if mh is not None:
        out.write(f"  Hétérogénéité, borne de Chao log-linéaire (Rcapture Mh Chao) : {_fmt(mh.abundance)}\n")
    if r.bic is not None and r.bic.best is not None:
        b = r.bic.best
        out.write(
            f"  Meilleur modèle selon le BIC ({_fmt(r.bic.n_models)} modèles, Rcapture) : {b.label} → "
            f"{_fmt(b.abundance)}\n"
        )
    for k, v in r.two_lists.items():
        label = "Lincoln-Petersen" if k == "lincoln_petersen" else "Chapman"
        out.write(f"  {label} : {_fmt(v.estimate)} ({_fmt(v.ci_low)} – {_fmt(v.ci_high)})\n")
    if details:
        out.write("\nÉtapes de la sélection pas à pas :\n")
        if not r.steps:
            out.write("  aucune interaction retenue\n")
        for k, st in enumerate(r.steps, 1):
            p_txt = f"{st.p_value:.3g}".replace(".", ",")
            out.write(
                f"  {k}. {st.name} : p = {p_txt} (recoupement observé {st.observed_overlap}, "
                f"attendu {fmt_dec(st.expected_overlap)}) → {_fmt(st.estimate_after)}\n"
            )
        out.write(f"\nModèles de la fenêtre d'Occam ({s.scope}) :\n")
        for mdl in s.models:
            where = f"poids {fmt_dec(mdl.weight * 100)} %" if mdl.in_window else "hors de la fenêtre"
            out.write(
                f"  {mdl.label} : {_fmt(mdl.estimate)} (ΔBIC {fmt_dec(mdl.delta_bic or 0.0)}, {where})\n"
            )
        if r.check_all is not None:
            ca = r.check_all
            if not ca.enumerated:
                out.write("\nVérification de tous les modèles : trop de modèles, non effectuée.\n")
            elif ca.n_models_mle_not_exist:
                out.write(
                    f"\nModèles sans estimation finie ({ca.n_models_mle_not_exist}) : "
                    + "; ".join(ca.examples)
                    + "\n"
                )
            else:
                out.write("\nL'estimation existe pour tous les modèles à interactions d'ordre deux.\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``parcours-estimate``; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        from .analysis import analyse
        from .errors import EstimationError
        from .table import parse_csv_text, read_table

        try:
            if args.fichier == "-":
                table = parse_csv_text(sys.stdin.read(), source="entrée standard")
            else:
                table = read_table(args.fichier)
            result = analyse(
                table,
                bootstrap=args.bootstrap,
                seed=args.seed,
                pthresh=args.pthresh,
                confidence=args.confidence,
                check_all_models=args.check_all,
                **({} if args.split_rates is None else {"split_rates": args.split_rates}),
            )
        except EstimationError as exc:
            sys.stderr.write(f"Erreur : {exc}\n")
            return EXIT_BAD_INPUT
        try:
            if args.json:
                json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
                sys.stdout.write("\n")
            else:
                _print_text(result, sys.stdout, args.details)
            sys.stdout.flush()
        except BrokenPipeError:  # output piped into `head`, etc.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("Interrompu.\n")
        return 130
    except Exception as exc:  # pragma: no cover - unexpected bug: no traceback for users
        if os.environ.get("PARCOURS_DEBUG"):
            raise
        sys.stderr.write(f"Erreur interne inattendue ({type(exc).__name__}) : {exc}\n")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
